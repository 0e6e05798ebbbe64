import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  List,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { Fragment, useState } from "react";
import type { UserAccessRow, UserDetail, UserSummary } from "../../api.ts";
import { AccessPath } from "../../components/AccessPath.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Field, Section } from "../../components/Section.tsx";
import { Empty, ErrorState, Loading, QueryView } from "../../components/states.tsx";
import { useResourceTypes } from "../../data.ts";
import { formatDateTime, formatRelative, fullName, ROLE_COLOR, ROLE_LABEL } from "../../format.ts";
import { Link, navigate } from "../../router.tsx";
import type { PageProps } from "../../routes.tsx";
import { useExplanation, usePasswordLink, useUser, useUserAccess, useUserAudit } from "./data.ts";
import { EditUserModal } from "./EditUserModal.tsx";
import { RemoveUserDialog, StatusDialog } from "./UserDialogs.tsx";

/**
 * A user's page: details and organization role; groups, direct and through
 * nesting; effective access on every resource with its highest named role,
 * and why (the path from the user through groups to the rule); data filters;
 * the latest changes made to them.
 */
export function UserPage({ params }: PageProps) {
  const id = params.id!;
  const user = useUser(id);
  return (
    <QueryView query={user} loadingLabel="Loading the user…">
      {(detail) => <UserView detail={detail} />}
    </QueryView>
  );
}

type Dialog = "edit" | "status" | "remove" | null;

function UserView({ detail }: { detail: UserDetail }) {
  const u = detail.user;
  const [dialog, setDialog] = useState<Dialog>(null);
  const link = usePasswordLink();
  return (
    <>
      <Anchor component={Link} href="/users" size="sm">
        ← Users
      </Anchor>
      <PageHeader
        title={fullName(u)}
        description={u.email}
        badges={
          <>
            <Badge variant="light" color={ROLE_COLOR[u.role]}>
              {ROLE_LABEL[u.role]}
            </Badge>
            {u.status === "deactivated" && (
              <Badge color="red" variant="light">
                Deactivated
              </Badge>
            )}
          </>
        }
        actions={
          <>
            <Button variant="default" onClick={() => setDialog("edit")}>
              Edit
            </Button>
            {u.status === "active" && (
              <Button variant="default" loading={link.isPending} onClick={() => link.mutate(u.id)}>
                Send password link
              </Button>
            )}
            <Button variant="default" onClick={() => setDialog("status")}>
              {u.status === "active" ? "Deactivate" : "Reactivate"}
            </Button>
            <Button color="red" variant="light" onClick={() => setDialog("remove")}>
              Remove
            </Button>
          </>
        }
      />
      {link.isSuccess && (
        <Alert
          color="green"
          role="status"
          mb="md"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => link.reset()}
        >
          <Group gap="xs">
            <Text size="sm">An email with a one-time link to set their password is on its way.</Text>
            <CopyButton value={link.data.url}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="light" onClick={copy}>
                  {copied ? "Copied" : "Copy link"}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Alert>
      )}
      {link.isError && <ErrorState error={link.error} title="No link was sent" />}

      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <DetailsCard user={u} />
          <GroupsCard detail={detail} />
        </SimpleGrid>
        <AccessCard user={u} />
        <DataFiltersCard user={u} />
        <AuditCard userId={u.id} />
      </Stack>

      {dialog === "edit" && <EditUserModal user={u} onClose={() => setDialog(null)} />}
      {dialog === "status" && <StatusDialog user={u} onClose={() => setDialog(null)} />}
      {dialog === "remove" && (
        <RemoveUserDialog user={u} onClose={() => setDialog(null)} onDone={() => navigate("/users")} />
      )}
    </>
  );
}

function DetailsCard({ user }: { user: UserSummary }) {
  const attributes = Object.entries(user.attributes);
  return (
    <Section title="Details">
      <Table variant="vertical" layout="fixed" withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          <Field label="Email">{user.email}</Field>
          <Field label="Organization role">{ROLE_LABEL[user.role]}</Field>
          <Field label="Status">{user.status === "active" ? "Active" : "Deactivated: no access"}</Field>
          <Field label="Last active">
            <span title={formatDateTime(user.lastActiveAt)}>{formatRelative(user.lastActiveAt)}</span>
          </Field>
          <Field label="Added">{formatDateTime(user.createdAt)}</Field>
          <Field label="External id">{user.externalId ?? "—"}</Field>
          <Field label="Attributes">
            {attributes.length === 0 ? (
              "—"
            ) : (
              <Stack gap={2}>
                {attributes.map(([k, v]) => (
                  <Text key={k} size="sm">
                    <Code>{k}</Code> {v.join(", ")}
                  </Text>
                ))}
              </Stack>
            )}
          </Field>
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function GroupsCard({ detail }: { detail: UserDetail }) {
  const direct = detail.user.groups;
  const inherited = detail.inheritedGroups;
  const groupLink = (g: { id: string; name: string }) => (
    <Anchor component={Link} href={`/groups/${encodeURIComponent(g.id)}`} size="sm">
      {g.name}
    </Anchor>
  );
  return (
    <Section title="Groups">
      <Stack gap="sm">
        <div>
          <Text size="sm" fw={500} mb={4}>
            Directly in
          </Text>
          {direct.length === 0 ? (
            <Text size="sm" c="dimmed">
              No group besides Everyone.
            </Text>
          ) : (
            <List size="sm" spacing={2}>
              {direct.map((g) => (
                <List.Item key={g.id}>{groupLink(g)}</List.Item>
              ))}
            </List>
          )}
        </div>
        <div>
          <Text size="sm" fw={500} mb={4}>
            Through nesting
          </Text>
          {inherited.length === 0 ? (
            <Text size="sm" c="dimmed">
              None.
            </Text>
          ) : (
            <List size="sm" spacing={2}>
              {inherited.map((g) => (
                <List.Item key={g.id}>
                  {groupLink(g)}{" "}
                  <Text span size="xs" c="dimmed">
                    through {g.through.name}
                  </Text>
                </List.Item>
              ))}
            </List>
          )}
        </div>
      </Stack>
    </Section>
  );
}

function RoleBadge({ row }: { row: UserAccessRow }) {
  if (row.role && !row.custom)
    return (
      <Badge variant="light" tt="none">
        {row.role}
      </Badge>
    );
  return (
    <Badge variant="light" color="orange" tt="none" title={row.capabilities.join(", ")}>
      {row.role ? `${row.role} + more` : "Custom"}
    </Badge>
  );
}

/** Effective access on every resource of a type, with "Why?" drawing the paths. */
function AccessCard({ user }: { user: UserSummary }) {
  const types = useResourceTypes();
  const [type, setType] = useState("app");
  const [text, setText] = useState("");
  const [q] = useDebouncedValue(text.trim(), 300);
  const access = useUserAccess(user.id, type, q);
  const [open, setOpen] = useState<string | null>(null);
  const rows = access.data?.pages.flatMap((p) => p.resources) ?? [];
  const total = access.data?.pages[0]?.total ?? 0;
  const label = types.data?.find((t) => t.key === type)?.label ?? type;
  return (
    <Section title="Access">
      <Stack gap="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          {types.data && (
            <SegmentedControl
              aria-label="Resource type"
              value={type}
              onChange={(v) => {
                setType(v);
                setOpen(null);
              }}
              data={types.data.map((t) => ({ value: t.key, label: t.label }))}
              style={{ maxWidth: "100%", overflowX: "auto" }}
            />
          )}
          <TextInput
            label={`Search ${label.toLowerCase()}s`}
            placeholder="Name or key"
            type="search"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            style={{ flex: "1 1 12rem" }}
          />
        </Group>
        {user.status === "deactivated" && (
          <Alert color="red" variant="light">
            {user.email} is deactivated: they have no access until reactivated.
          </Alert>
        )}
        {access.isPending ? (
          <Loading label="Loading access…" />
        ) : access.isError ? (
          <ErrorState error={access.error} onRetry={() => void access.refetch()} />
        ) : rows.length === 0 ? (
          <Empty title={q ? `No ${label.toLowerCase()} matches` : `No access to any ${label.toLowerCase()}`}>
            {q ? "Try another search." : `Nothing gives ${user.email} access to a ${label.toLowerCase()}.`}
          </Empty>
        ) : (
          <>
            <Text size="sm" c="dimmed">
              {user.role === "member"
                ? `Can use ${total} ${label.toLowerCase()}${total === 1 ? "" : "s"}.`
                : `As ${ROLE_LABEL[user.role].toLowerCase()}, holds every capability on all ${total} ${label.toLowerCase()}${total === 1 ? "" : "s"}.`}
            </Text>
            <Table.ScrollContainer minWidth={560} type="native">
              <Table verticalSpacing="xs">
                <Table.Caption>
                  <VisuallyHidden>
                    {user.email}'s access to {label.toLowerCase()}s
                  </VisuallyHidden>
                </Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{label}</Table.Th>
                    <Table.Th>Highest role</Table.Th>
                    <Table.Th>Capabilities</Table.Th>
                    <Table.Th w={110}>
                      <VisuallyHidden>Explanation</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((row) => {
                    const expanded = open === row.resource.id;
                    return (
                      <Fragment key={row.resource.id}>
                        <Table.Tr>
                          <Table.Td>
                            <Text size="sm" fw={500}>
                              {row.resource.name}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {row.resource.key}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <RoleBadge row={row} />
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{row.capabilities.join(", ")}</Text>
                          </Table.Td>
                          <Table.Td>
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              aria-expanded={expanded}
                              aria-label={`Why ${fullName(user)} has ${row.role ?? "access"} on ${row.resource.name}`}
                              onClick={() => setOpen(expanded ? null : row.resource.id)}
                            >
                              {expanded ? "Hide why" : "Why?"}
                            </Button>
                          </Table.Td>
                        </Table.Tr>
                        {expanded && (
                          <Table.Tr>
                            <Table.Td colSpan={4} bg="var(--mantine-color-gray-0)">
                              <Why
                                user={user}
                                resourceId={row.resource.id}
                                resourceName={row.resource.name}
                              />
                            </Table.Td>
                          </Table.Tr>
                        )}
                      </Fragment>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {access.hasNextPage && (
              <Group justify="center">
                <Button
                  variant="default"
                  size="xs"
                  loading={access.isFetchingNextPage}
                  onClick={() => void access.fetchNextPage()}
                >
                  Show more ({rows.length} of {total})
                </Button>
              </Group>
            )}
          </>
        )}
      </Stack>
    </Section>
  );
}

function Why({
  user,
  resourceId,
  resourceName,
}: {
  user: UserSummary;
  resourceId: string;
  resourceName: string;
}) {
  const why = useExplanation(user.id, resourceId, true);
  return (
    <QueryView query={why} loadingLabel="Finding the paths…">
      {(explanation) => (
        <AccessPath userLabel={fullName(user)} resourceName={resourceName} explanation={explanation} />
      )}
    </QueryView>
  );
}

/** The user's row filter on each dataset they can query, as the SQL the platform will apply. */
function DataFiltersCard({ user }: { user: UserSummary }) {
  const datasets = useUserAccess(user.id, "dataset", "");
  const rows = datasets.data?.pages.flatMap((p) => p.resources) ?? [];
  return (
    <Section title="Data filters">
      {datasets.isPending ? (
        <Loading />
      ) : datasets.isError ? (
        <ErrorState error={datasets.error} onRetry={() => void datasets.refetch()} />
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          No dataset access, so no data filter applies.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={520} type="native">
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Dataset</Table.Th>
                <Table.Th>Rows they see</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.resource.id}>
                  <Table.Td>{row.resource.name}</Table.Td>
                  <Table.Td>
                    {row.filter?.access === "filtered" ? (
                      <Stack gap={2}>
                        <Code block>{row.filter.sql}</Code>
                        {row.filter.params && row.filter.params.length > 0 && (
                          <Text size="xs" c="dimmed">
                            with{" "}
                            {row.filter.params.map((p, i) => `$${i + 1} = ${JSON.stringify(p)}`).join(", ")}
                          </Text>
                        )}
                      </Stack>
                    ) : row.filter?.access === "unfiltered" ? (
                      <Text size="sm">Every row (no filter)</Text>
                    ) : (
                      <Text size="sm" c="dimmed">
                        None (no query capability)
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {datasets.hasNextPage && (
        <Button mt="xs" variant="default" size="xs" onClick={() => void datasets.fetchNextPage()}>
          Show more
        </Button>
      )}
    </Section>
  );
}

const ACTION_LABEL: Record<string, string> = {
  "user.create": "Invited",
  "user.update": "Edited",
  "user.role": "Organization role changed",
  "user.remove": "Removed",
  "user.invite_link": "Password link created",
  "user.reset_link": "Password reset requested",
};

function AuditCard({ userId }: { userId: string }) {
  const audit = useUserAudit(userId);
  return (
    <Section
      title="Recent changes"
      extra={
        <Anchor component={Link} href={`/audit?target=${encodeURIComponent(userId)}`} size="sm">
          Audit log
        </Anchor>
      }
    >
      <QueryView
        query={audit}
        isEmpty={(d) => d.entries.length === 0}
        empty={
          <Text size="sm" c="dimmed">
            No change recorded yet.
          </Text>
        }
      >
        {(d) => (
          <Table.ScrollContainer minWidth={520} type="native">
            <Table verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>By</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.entries.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>
                      <Text size="sm" title={formatDateTime(e.at)}>
                        {formatRelative(e.at)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{ACTION_LABEL[e.action] ?? e.action}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.actor.label}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
    </Section>
  );
}

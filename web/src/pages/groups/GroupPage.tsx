import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Code,
  Group,
  List,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import type { ResourceTypeInfo, UserSummary } from "../../api.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { CursorPager } from "../../components/CursorPager.tsx";
import { GroupMultiSelect, GroupSelect } from "../../components/GroupSelect.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Field, Section } from "../../components/Section.tsx";
import { Empty, ErrorState, FormError, Loading, QueryView } from "../../components/states.tsx";
import { useGroups, useResourceTypes } from "../../data.ts";
import { formatDateTime, fullName, plural } from "../../format.ts";
import { Link, navigate } from "../../router.tsx";
import type { PageProps } from "../../routes.tsx";
import {
  type GroupDetail,
  type GroupRuleRow,
  MEMBERS_PAGE,
  type Notify,
  useAddMembers,
  useAncestors,
  useDataFilters,
  useGroup,
  useMemberPage,
  useRemoveMembers,
  useSetNotify,
} from "./data.ts";
import { DeleteGroupsDialog } from "./GroupDialogs.tsx";
import { GroupWizard } from "./GroupWizard.tsx";
import { GroupBadges, systemGroupRules } from "./labels.tsx";
import { UserPicker } from "./pickers.tsx";
import type { Picked } from "./privileges.ts";

/**
 * A group's page: its members (users, directly or through nested groups, and
 * the nested groups) with search to add and remove them, its rules, its sites
 * and apps, its data filters, the groups it is nested in, and what it
 * inherits from system groups. A system group says why it cannot be deleted
 * or edited the usual way.
 */
export function GroupPage({ params }: PageProps) {
  const group = useGroup(params.id!);
  return (
    <QueryView query={group} loadingLabel="Loading the group…">
      {(detail) => <GroupView detail={detail} />}
    </QueryView>
  );
}

type Dialog = { kind: "edit"; step: number } | { kind: "delete" } | null;

function GroupView({ detail }: { detail: GroupDetail }) {
  const g = detail.group;
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const system = g.system !== null ? systemGroupRules(g.system) : null;
  return (
    <>
      <Anchor component={Link} href="/groups" size="sm">
        ← Groups
      </Anchor>
      <PageHeader
        title={g.name}
        description={g.description || undefined}
        badges={<GroupBadges group={g} />}
        actions={
          g.system === null ? (
            <>
              <Button variant="default" onClick={() => setDialog({ kind: "edit", step: 0 })}>
                Edit
              </Button>
              <Button color="red" variant="light" onClick={() => setDialog({ kind: "delete" })}>
                Delete
              </Button>
            </>
          ) : undefined
        }
      />
      {notice && (
        <Alert
          color="green"
          role="status"
          mb="md"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setNotice(null)}
        >
          {notice}
        </Alert>
      )}
      {system && (
        <Alert color="grape" variant="light" title={system.title} role="note" mb="md">
          <List size="sm" spacing={2}>
            {system.lines.map((line) => (
              <List.Item key={line}>{line}</List.Item>
            ))}
          </List>
        </Alert>
      )}

      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <DetailsCard detail={detail} />
          <NestingCard detail={detail} />
        </SimpleGrid>
        <MembersCard detail={detail} />
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <RulesCard detail={detail} onEdit={() => setDialog({ kind: "edit", step: 1 })} />
          <SitesAndAppsCard detail={detail} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <FiltersCard detail={detail} />
          <InheritedCard detail={detail} />
        </SimpleGrid>
      </Stack>

      {dialog?.kind === "edit" && (
        <GroupWizard
          initial={detail}
          startAt={dialog.step}
          onClose={() => setDialog(null)}
          onSaved={(saved) => setNotice(`Saved ${saved.name}.`)}
        />
      )}
      {dialog?.kind === "delete" && (
        <DeleteGroupsDialog groups={[g]} onClose={() => setDialog(null)} onDone={() => navigate("/groups")} />
      )}
    </>
  );
}

function DetailsCard({ detail }: { detail: GroupDetail }) {
  const g = detail.group;
  const setNotify = useSetNotify();
  return (
    <Section title="Details">
      <Table variant="vertical" layout="fixed" withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          <Field label="Role">{g.role || "—"}</Field>
          <Field label="Users">
            {plural(g.users, "active user")}
            {g.members.groups > 0 ? ", with those of nested groups" : ""}
          </Field>
          <Field label="Direct members">
            {g.system === "everyone" || g.allUsers
              ? "Every user of the organization"
              : `${plural(g.members.users, "user")}, ${plural(g.members.groups, "group")}`}
          </Field>
          <Field label="Privileges">{g.privileges ? "On" : "Off: its rules and filters do not apply"}</Field>
          <Field label="Delegation">{g.delegation ? `Created by ${g.delegation.userEmail}` : "—"}</Field>
          <Field label="Created">{formatDateTime(g.createdAt)}</Field>
        </Table.Tbody>
      </Table>
      <Select
        mt="sm"
        label="Notify members"
        description="By email when they join or leave, or when what the group gives changes."
        allowDeselect={false}
        data={[
          { value: "none", label: "None" },
          { value: "email", label: "By email" },
        ]}
        value={g.notify}
        disabled={setNotify.isPending}
        onChange={(v) => v && v !== g.notify && setNotify.mutate({ id: g.id, notify: v as Notify })}
        maw={260}
      />
      <Box mt="xs">
        <FormError error={setNotify.error} />
      </Box>
    </Section>
  );
}

/** The groups it is nested in directly: its members are members of those too. */
function NestingCard({ detail }: { detail: GroupDetail }) {
  const g = detail.group;
  const add = useAddMembers();
  const remove = useRemoveMembers();
  const [parent, setParent] = useState<string | null>(null);
  const [leaving, setLeaving] = useState<{ id: string; name: string } | null>(null);
  return (
    <Section title="Nested in">
      <Stack gap="sm">
        {detail.parents.length === 0 ? (
          <Text size="sm" c="dimmed">
            Not nested in any group.
          </Text>
        ) : (
          <List size="sm" spacing={4}>
            {detail.parents.map((p) => (
              <List.Item key={p.id}>
                <Group gap="xs" wrap="nowrap">
                  <Anchor component={Link} href={`/groups/${encodeURIComponent(p.id)}`} size="sm">
                    {p.name}
                  </Anchor>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    aria-label={`Take ${g.name} out of ${p.name}`}
                    onClick={() => setLeaving(p)}
                  >
                    Take out
                  </Button>
                </Group>
              </List.Item>
            ))}
          </List>
        )}
        <Group align="flex-end" gap="xs" wrap="wrap">
          <Box style={{ flex: "1 1 12rem" }}>
            <GroupSelect
              label="Nest in another group"
              placeholder="Search groups"
              value={parent}
              onChange={(v) => {
                setParent(v);
                add.reset();
              }}
            />
          </Box>
          <Button
            variant="light"
            disabled={!parent}
            loading={add.isPending}
            onClick={() =>
              parent &&
              add.mutate({ id: parent, members: { groupIds: [g.id] } }, { onSuccess: () => setParent(null) })
            }
          >
            Nest
          </Button>
        </Group>
        <FormError error={add.error} />
      </Stack>
      {leaving && (
        <ConfirmDialog
          opened
          title={`Take ${g.name} out of ${leaving.name}?`}
          confirmLabel="Take out"
          pending={remove.isPending}
          error={remove.error}
          onClose={() => {
            setLeaving(null);
            remove.reset();
          }}
          onConfirm={() =>
            remove.mutate(
              { id: leaving.id, members: { groupIds: [g.id] } },
              { onSuccess: () => setLeaving(null) },
            )
          }
        >
          {`The members of ${g.name} stop being members of ${leaving.name} through it, and lose what ${leaving.name} gives them unless another path gives it.`}
        </ConfirmDialog>
      )}
    </Section>
  );
}

type Leaving = { kind: "user"; id: string; name: string } | { kind: "group"; id: string; name: string };

function MembersCard({ detail }: { detail: GroupDetail }) {
  const g = detail.group;
  const universal = g.system === "everyone" || g.allUsers;
  const [text, setText] = useState("");
  const [q] = useDebouncedValue(text.trim(), 300);
  const [paging, setPaging] = useState({ q: "", cursors: [] as string[] });
  const cursors = paging.q === q ? paging.cursors : [];
  const page = useMemberPage(g.id, q, cursors[cursors.length - 1]);
  const [users, setUsers] = useState<Picked[]>([]);
  const [groups, setGroups] = useState<string[]>([]);
  const add = useAddMembers();
  const remove = useRemoveMembers();
  const [leaving, setLeaving] = useState<Leaving | null>(null);
  const nested = new Set(detail.members.groups.map((m) => m.id));

  const membership = (u: UserSummary) =>
    g.system === "everyone"
      ? "Every user"
      : u.groups.some((x) => x.id === g.id)
        ? g.allUsers
          ? "All users"
          : "Direct"
        : "Through a nested group";

  return (
    <Section title="Members">
      <Stack gap="md">
        {g.system === "everyone" ? (
          <Text size="sm" c="dimmed">
            Every user of the organization is a member: members cannot be added or removed.
          </Text>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              add.mutate(
                { id: g.id, members: { userIds: users.map((u) => u.value), groupIds: groups } },
                {
                  onSuccess: () => {
                    setUsers([]);
                    setGroups([]);
                  },
                },
              );
            }}
          >
            <Stack gap="xs">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                {g.allUsers ? (
                  <Text size="sm" c="dimmed">
                    Every user, now and later, is a member: there is no user to add.
                  </Text>
                ) : (
                  <UserPicker label="Add users" value={users} onChange={setUsers} />
                )}
                <GroupMultiSelect
                  label="Add groups"
                  description="Their members become members of this group."
                  value={groups}
                  onChange={setGroups}
                  only={(x) => x.id !== g.id && !nested.has(x.id)}
                />
              </SimpleGrid>
              <Group>
                <Button
                  type="submit"
                  variant="light"
                  disabled={users.length + groups.length === 0}
                  loading={add.isPending}
                >
                  Add members
                </Button>
              </Group>
              <FormError error={add.error} />
            </Stack>
          </form>
        )}

        <div>
          <Text size="sm" fw={500} mb={4}>
            Nested groups
          </Text>
          {detail.members.groups.length === 0 ? (
            <Text size="sm" c="dimmed">
              No group is nested in {g.name}.
            </Text>
          ) : (
            <List size="sm" spacing={4}>
              {detail.members.groups.map((m) => (
                <List.Item key={m.id}>
                  <Group gap="xs" wrap="nowrap">
                    <Anchor component={Link} href={`/groups/${encodeURIComponent(m.id)}`} size="sm">
                      {m.name}
                    </Anchor>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Remove ${m.name} from ${g.name}`}
                      onClick={() => setLeaving({ kind: "group", id: m.id, name: m.name })}
                    >
                      Remove
                    </Button>
                  </Group>
                </List.Item>
              ))}
            </List>
          )}
        </div>

        <div>
          <Group justify="space-between" align="flex-end" mb="xs" gap="xs">
            <Text size="sm" fw={500}>
              Users{universal ? " (every user of the organization)" : ", directly or through nested groups"}
            </Text>
            <TextInput
              label="Search members"
              placeholder="Name or email"
              type="search"
              size="xs"
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              w={{ base: "100%", xs: 240 }}
            />
          </Group>
          {page.isPending ? (
            <Loading label="Loading members…" />
          ) : page.isError ? (
            <ErrorState error={page.error} onRetry={() => void page.refetch()} />
          ) : page.data.users.length === 0 ? (
            <Empty title={q ? "No member matches" : "No members yet"}>
              {q ? "Try another name or email." : "Add users or groups above."}
            </Empty>
          ) : (
            <Box style={{ opacity: page.isPlaceholderData ? 0.6 : 1 }} aria-busy={page.isFetching}>
              <Table.ScrollContainer minWidth={560} type="native">
                <Table verticalSpacing="xs" striped>
                  <Table.Caption>
                    <VisuallyHidden>Users in {g.name}</VisuallyHidden>
                  </Table.Caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Email</Table.Th>
                      <Table.Th>Membership</Table.Th>
                      <Table.Th w={110}>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {page.data.users.map((u) => {
                      const how = membership(u);
                      return (
                        <Table.Tr key={u.id}>
                          <Table.Td>
                            <Group gap={6} wrap="nowrap">
                              <Anchor
                                component={Link}
                                href={`/users/${encodeURIComponent(u.id)}`}
                                size="sm"
                                style={{ whiteSpace: "nowrap" }}
                              >
                                {fullName(u)}
                              </Anchor>
                              {u.status === "deactivated" && (
                                <Badge size="xs" color="red" variant="light">
                                  Deactivated
                                </Badge>
                              )}
                            </Group>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{u.email}</Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" c={how === "Direct" ? undefined : "dimmed"}>
                              {how}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            {how === "Direct" && (
                              <Button
                                size="compact-sm"
                                variant="subtle"
                                color="red"
                                aria-label={`Remove ${fullName(u)} from ${g.name}`}
                                onClick={() => setLeaving({ kind: "user", id: u.id, name: fullName(u) })}
                              >
                                Remove
                              </Button>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <CursorPager
                page={cursors.length}
                pageSize={MEMBERS_PAGE}
                shown={page.data.users.length}
                total={page.data.total}
                noun="member"
                hasNext={page.data.nextCursor !== null && !page.isPlaceholderData}
                onPrevious={() => setPaging({ q, cursors: cursors.slice(0, -1) })}
                onNext={() => {
                  const next = page.data.nextCursor;
                  if (next) setPaging({ q, cursors: [...cursors, next] });
                }}
              />
            </Box>
          )}
        </div>
      </Stack>

      {leaving && (
        <ConfirmDialog
          opened
          title={`Remove ${leaving.name} from ${g.name}?`}
          confirmLabel="Remove"
          pending={remove.isPending}
          error={remove.error}
          onClose={() => {
            setLeaving(null);
            remove.reset();
          }}
          onConfirm={() =>
            remove.mutate(
              {
                id: g.id,
                members: leaving.kind === "user" ? { userIds: [leaving.id] } : { groupIds: [leaving.id] },
              },
              { onSuccess: () => setLeaving(null) },
            )
          }
        >
          {g.system === "administrators"
            ? `${leaving.name} stops being an administrator of the organization, unless another group makes them one.`
            : leaving.kind === "user"
              ? `${leaving.name} loses what ${g.name} gives, unless another group or rule gives it.`
              : `The members of ${leaving.name} lose what ${g.name} gives, unless another path gives it.`}
        </ConfirmDialog>
      )}
    </Section>
  );
}

function typeLabel(types: readonly ResourceTypeInfo[] | undefined, key: string): string {
  return types?.find((t) => t.key === key)?.label ?? key;
}

function ruleTarget(r: GroupRuleRow, types: readonly ResourceTypeInfo[] | undefined): string {
  return r.resource ? r.resource.name : `All current and future ${typeLabel(types, r.type).toLowerCase()}s`;
}

function RulesCard({ detail, onEdit }: { detail: GroupDetail; onEdit: () => void }) {
  const types = useResourceTypes();
  const g = detail.group;
  return (
    <Section
      title="Rules"
      extra={
        g.system === null ? (
          <Button size="compact-sm" variant="light" onClick={onEdit}>
            Edit privileges
          </Button>
        ) : undefined
      }
    >
      {g.system === "administrators" ? (
        <Text size="sm">Administrators hold every capability on every resource: they need no rule.</Text>
      ) : detail.rules.length === 0 ? (
        <Text size="sm" c="dimmed">
          No rules: {g.name} gives nothing by itself.
        </Text>
      ) : (
        <Stack gap="xs">
          {!g.privileges && (
            <Alert color="orange" variant="light">
              Privileges are off: these rules are kept but do not apply.
            </Alert>
          )}
          <Table.ScrollContainer minWidth={420} type="native">
            <Table verticalSpacing={4}>
              <Table.Caption>
                <VisuallyHidden>Rules of {g.name}</VisuallyHidden>
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>On</Table.Th>
                  <Table.Th>Role</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.rules.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Text size="sm">{typeLabel(types.data, r.type)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{ruleTarget(r, types.data)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Badge variant="light" tt="none">
                          {r.role.name}
                        </Badge>
                        {r.locked && (
                          <Badge
                            variant="outline"
                            color="gray"
                            tt="none"
                            title="A system rule: it cannot be changed or removed"
                          >
                            Locked
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </Section>
  );
}

/** The sites and apps the group's rules are on, with the counts of the groups table. */
function SitesAndAppsCard({ detail }: { detail: GroupDetail }) {
  const g = detail.group;
  const line = (type: "site" | "app", label: string, count: number) => {
    const rules = detail.rules.filter((r) => r.type === type);
    const every = rules.find((r) => r.resource === null);
    const named = rules.filter((r) => r.resource !== null);
    return (
      <div>
        <Text size="sm" fw={500}>
          {plural(count, label)}
        </Text>
        <Text size="sm" c="dimmed">
          {g.system === "administrators"
            ? `Every ${label}, as administrators.`
            : rules.length === 0
              ? `No rule on ${label}s.`
              : [
                  every ? `All current and future ${label}s as ${every.role.name}` : null,
                  named.length > 0
                    ? named.map((r) => `${r.resource!.name} (${r.role.name})`).join(", ")
                    : null,
                ]
                  .filter(Boolean)
                  .join("; ")}
        </Text>
      </div>
    );
  };
  return (
    <Section title="Sites and apps">
      <Stack gap="sm">
        {line("site", "site", g.sites)}
        {line("app", "app", g.apps)}
      </Stack>
    </Section>
  );
}

function FiltersCard({ detail }: { detail: GroupDetail }) {
  const filters = useDataFilters();
  const mine = (filters.data ?? []).filter(
    (f) => f.subject.kind === "group" && f.subject.id === detail.group.id,
  );
  return (
    <Section
      title="Data filters"
      extra={
        <Anchor component={Link} href="/filters" size="sm">
          All data filters
        </Anchor>
      }
    >
      {filters.isPending ? (
        <Loading />
      ) : filters.isError ? (
        <ErrorState error={filters.error} onRetry={() => void filters.refetch()} />
      ) : mine.length === 0 ? (
        <Text size="sm" c="dimmed">
          No data filter: where its rules give query on a dataset, members see every row.
        </Text>
      ) : (
        <Stack gap="xs">
          {mine.map((f) => (
            <div key={f.id}>
              <Text size="sm" fw={500}>
                {f.resourceName}
              </Text>
              <Code block>{f.expression}</Code>
            </div>
          ))}
        </Stack>
      )}
    </Section>
  );
}

/** What members get from system groups: Everyone always, and any system group this one is nested in. */
function InheritedCard({ detail }: { detail: GroupDetail }) {
  const ancestors = useAncestors(detail);
  const groups = useGroups();
  const types = useResourceTypes();
  const g = detail.group;
  const everyone = groups.data?.find((x) => x.system === "everyone");
  const gives = (rules: readonly GroupRuleRow[]) =>
    rules.length === 0
      ? "nothing by itself"
      : rules.map((r) => `${r.role.name} on ${ruleTarget(r, types.data)}`).join(", ");
  return (
    <Section title="Inherited from system groups">
      {ancestors.isPending ? (
        <Loading />
      ) : ancestors.isError ? (
        <ErrorState error={ancestors.error} onRetry={() => void ancestors.refetch()} />
      ) : (
        <Stack gap="sm">
          {g.system !== "everyone" && everyone && <EveryoneLine everyoneId={everyone.id} gives={gives} />}
          {ancestors.data
            .filter((a) => a.detail.group.system !== null && a.detail.group.system !== "everyone")
            .map((a) => (
              <div key={a.detail.group.id}>
                <Text size="sm">
                  <Anchor
                    component={Link}
                    href={`/groups/${encodeURIComponent(a.detail.group.id)}`}
                    size="sm"
                  >
                    {a.detail.group.name}
                  </Anchor>
                  {": "}
                  {a.detail.group.system === "administrators"
                    ? "its members are organization administrators, with every capability on every resource."
                    : `gives ${gives(a.detail.rules)}.`}
                </Text>
                <Text size="xs" c="dimmed">
                  Through {[...a.path, a.detail.group.name].join(" → ")}
                </Text>
              </div>
            ))}
          {ancestors.data.every(
            (a) => a.detail.group.system === null || a.detail.group.system === "everyone",
          ) && (
            <Text size="sm" c="dimmed">
              {g.system === "everyone"
                ? "Everyone is not nested in any system group."
                : "Not nested in another system group."}
            </Text>
          )}
        </Stack>
      )}
    </Section>
  );
}

function EveryoneLine({
  everyoneId,
  gives,
}: {
  everyoneId: string;
  gives: (rules: readonly GroupRuleRow[]) => string;
}) {
  const everyone = useGroup(everyoneId);
  if (everyone.isPending) return <Loading />;
  if (everyone.isError) return <ErrorState error={everyone.error} onRetry={() => void everyone.refetch()} />;
  return (
    <div>
      <Text size="sm">
        <Anchor component={Link} href={`/groups/${encodeURIComponent(everyoneId)}`} size="sm">
          Everyone
        </Anchor>
        {`: every member is in Everyone, which gives ${gives(everyone.data.rules)}.`}
      </Text>
    </div>
  );
}

import { Alert, Anchor, Badge, Button, Group, List, Stack, Text } from "@mantine/core";
import { useCallback, useMemo, useState } from "react";
import type { GroupSummary } from "../../api.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Empty, ErrorState, Loading } from "../../components/states.tsx";
import { useGroups, useResourceTypes } from "../../data.ts";
import { formatDateTime, formatRelative, plural } from "../../format.ts";
import { Link } from "../../router.tsx";
import { DelegateModal } from "./DelegateModal.tsx";
import { type DelegationRow, useDelegations, useRemoveDelegation } from "./data.ts";

/** "All current and future apps", "Finance", "Finance, Marketing and 3 more apps". */
export function scopeText(d: DelegationRow, typeLabel: string): string {
  const noun = typeLabel.toLowerCase();
  if (d.resources === null) return `All current and future ${noun}s`;
  if (d.resources.length === 0) return `No ${noun} any more (they were deleted)`;
  const names = d.resources.map((r) => r.name);
  if (names.length <= 3) return names.join(", ");
  return `${names.slice(0, 3).join(", ")} and ${plural(names.length - 3, `more ${noun}`, `more ${noun}s`)}`;
}

const userHref = (id: string) => `/users/${encodeURIComponent(id)}`;
const groupHref = (id: string) => `/groups/${encodeURIComponent(id)}`;

/**
 * Delegated administration: who administers which resources, the groups
 * each delegate created under their delegation, delegating to a user, and
 * ending a delegation with a confirmation.
 */
export function DelegationsPage() {
  const delegations = useDelegations();
  const groups = useGroups();
  const types = useResourceTypes();
  const remove = useRemoveDelegation();
  const [creating, setCreating] = useState(false);
  const [ending, setEnding] = useState<DelegationRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const groupsOf = useMemo(() => {
    const by = new Map<string, GroupSummary[]>();
    for (const g of groups.data ?? []) {
      if (!g.delegation) continue;
      const list = by.get(g.delegation.id) ?? [];
      list.push(g);
      by.set(g.delegation.id, list);
    }
    return by;
  }, [groups.data]);
  const typeLabel = useCallback(
    (key: string) => types.data?.find((t) => t.key === key)?.label ?? key,
    [types.data],
  );

  const columns = useMemo<Column<DelegationRow>[]>(
    () => [
      {
        key: "delegate",
        header: "Delegate",
        cell: (d) => (
          <Anchor
            component={Link}
            href={userHref(d.user.id)}
            fw={500}
            size="sm"
            style={{ whiteSpace: "nowrap" }}
          >
            {d.user.email}
          </Anchor>
        ),
      },
      {
        key: "scope",
        header: "Administers",
        cell: (d) => (
          <Stack gap={2}>
            <Text size="sm">{scopeText(d, typeLabel(d.type))}</Text>
            <Text size="xs" c="dimmed">
              {typeLabel(d.type)}
              {d.resources === null ? "s, including those added later" : ""}
            </Text>
          </Stack>
        ),
      },
      {
        key: "groups",
        header: "Groups created under it",
        cell: (d) => {
          const list = groupsOf.get(d.id) ?? [];
          if (groups.isPending)
            return (
              <Text size="sm" c="dimmed">
                …
              </Text>
            );
          if (list.length === 0)
            return (
              <Text size="sm" c="dimmed">
                None yet
              </Text>
            );
          return (
            <Group gap={4}>
              {list.map((g) => (
                <Anchor key={g.id} component={Link} href={groupHref(g.id)} size="sm">
                  <Badge variant="outline" color="gray" tt="none" style={{ cursor: "pointer" }}>
                    {g.name}
                  </Badge>
                </Anchor>
              ))}
            </Group>
          );
        },
      },
      {
        key: "since",
        header: "Since",
        cell: (d) => (
          <Text size="sm" title={formatDateTime(d.createdAt)} style={{ whiteSpace: "nowrap" }}>
            {formatRelative(d.createdAt)}
          </Text>
        ),
      },
      {
        key: "actions",
        header: "Actions",
        cell: (d) => (
          <Button
            size="compact-sm"
            variant="subtle"
            color="red"
            aria-label={`End the delegation to ${d.user.email}`}
            onClick={() => {
              remove.reset();
              setEnding(d);
            }}
          >
            End
          </Button>
        ),
      },
    ],
    [groupsOf, groups.isPending, typeLabel, remove],
  );

  const endingGroups = ending ? (groupsOf.get(ending.id) ?? []) : [];

  return (
    <>
      <PageHeader
        title="Delegations"
        description="Users who administer some resources without being administrators: they create groups, manage their members and set their rules, inside their scope."
        actions={<Button onClick={() => setCreating(true)}>Delegate</Button>}
      />

      {notice && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setNotice(null)}
          mb="md"
        >
          {notice}
        </Alert>
      )}

      {delegations.isPending ? (
        <Loading label="Loading delegations…" />
      ) : delegations.isError ? (
        <ErrorState error={delegations.error} onRetry={() => void delegations.refetch()} />
      ) : delegations.data.length === 0 ? (
        <Empty
          title="No delegations yet"
          action={<Button onClick={() => setCreating(true)}>Delegate</Button>}
        >
          Delegate the administration of some apps, sites or datasets to the person who knows them best.
        </Empty>
      ) : (
        <DataTable caption="Delegations" rows={delegations.data} columns={columns} rowId={(d) => d.id} />
      )}

      {creating && <DelegateModal onClose={() => setCreating(false)} onDone={setNotice} />}
      {ending && (
        <ConfirmDialog
          opened
          title={`End the delegation to ${ending.user.email}?`}
          confirmLabel="End delegation"
          pending={remove.isPending}
          error={remove.error}
          onClose={() => setEnding(null)}
          onConfirm={() =>
            remove.mutate(ending.id, {
              onSuccess: () => {
                setNotice(
                  `${ending.user.email} no longer administers ${scopeText(ending, typeLabel(ending.type))}.`,
                );
                setEnding(null);
              },
            })
          }
        >
          <Stack gap="xs">
            <Text size="sm">
              {ending.user.email} will no longer administer {scopeText(ending, typeLabel(ending.type))}.
            </Text>
            {endingGroups.length > 0 ? (
              <>
                <Text size="sm">
                  {endingGroups.length === 1
                    ? "The group they created under it stays, with its members and rules, and only administrators will manage it:"
                    : `The ${endingGroups.length} groups they created under it stay, with their members and rules, and only administrators will manage them:`}
                </Text>
                <List size="sm">
                  {endingGroups.map((g) => (
                    <List.Item key={g.id}>
                      {g.name} ({plural(g.users, "user")})
                    </List.Item>
                  ))}
                </List>
              </>
            ) : (
              <Text size="sm">They created no group under it.</Text>
            )}
          </Stack>
        </ConfirmDialog>
      )}
    </>
  );
}

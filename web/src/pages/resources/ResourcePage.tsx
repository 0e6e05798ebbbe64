import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Group,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ResourceTypeInfo } from "../../api.ts";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Empty, ErrorState, Loading, QueryView } from "../../components/states.tsx";
import { useResourceTypes } from "../../data.ts";
import { formatDateTime, formatRelative, fullName, plural } from "../../format.ts";
import { Link, navigate, useSearchParams } from "../../router.tsx";
import type { PageProps } from "../../routes.tsx";
import { useSession } from "../../session.tsx";
import {
  type GroupPermission,
  type PermissionFilters,
  type Resource,
  type UserPermission,
  usePermissions,
  useResource,
} from "./data.ts";
import { may } from "./may.ts";
import { DeleteResourceDialog, EditResourceModal } from "./ResourceDialogs.tsx";
import { type Notice, RemoveRuleDialog, RuleDialog, type RuleTarget } from "./RuleDialogs.tsx";
import { scopeText, typeLabel } from "./words.ts";

/**
 * The permissions of one resource: a Groups tab and a Users tab listing the
 * rules that cover it (on it, or on every resource of its type), with a
 * search, a role filter (every role at first), a sort by name or recent
 * activity that works with the filter, and "Show more" pages. Rules are
 * added, changed (after a confirmation) and removed (after a confirmation)
 * here; locked system rules say why they cannot be.
 */
export function ResourcePage({ params }: PageProps) {
  const resource = useResource(params.id!);
  const types = useResourceTypes();
  return (
    <QueryView query={resource} loadingLabel="Loading the resource…">
      {(r) => <ResourceView resource={r} type={types.data?.find((t) => t.key === r.type)} />}
    </QueryView>
  );
}

/** The role names of a type for the filter: named roles from most to least, then custom ones. */
function roleOptions(type: ResourceTypeInfo | undefined): string[] {
  if (!type) return [];
  const named = type.roles.filter((r) => r.builtin).map((r) => r.name);
  const custom = type.roles.filter((r) => !r.builtin).map((r) => r.name);
  return [...named.reverse(), ...custom];
}

/**
 * The filters in the query string: `tab`, `q`, `sort`, and `roles` (absent:
 * every role; "," : none chosen; else the names, comma-separated).
 */
function useFilters(allRoles: readonly string[]) {
  const [search, set] = useSearchParams();
  const rolesParam = search.get("roles");
  const chosen =
    rolesParam === null
      ? undefined
      : rolesParam
          .split(",")
          .map((n) => n.trim())
          // Until the catalog is loaded, the names are taken as they are.
          .filter((n) => n && (allRoles.length === 0 || allRoles.includes(n)));
  const filters: PermissionFilters = {
    view: search.get("tab") === "users" ? "users" : "groups",
    q: search.get("q") ?? "",
    roles:
      chosen !== undefined && allRoles.length > 0 && chosen.length === allRoles.length ? undefined : chosen,
    sort: search.get("sort") === "recent" ? "recent" : "name",
  };
  const change = useCallback(
    (changes: Record<string, string | null>, replace = false) => set(changes, { replace }),
    [set],
  );
  const setRoles = (names: string[]) =>
    change({ roles: names.length === allRoles.length ? null : names.length === 0 ? "," : names.join(",") });
  return { filters, change, setRoles };
}

type Dialog =
  | { kind: "add" }
  | { kind: "change"; target: RuleTarget }
  | { kind: "remove"; target: RuleTarget }
  | { kind: "edit" }
  | { kind: "delete" };

function ResourceView({ resource, type }: { resource: Resource; type: ResourceTypeInfo | undefined }) {
  const types = useResourceTypes();
  const allowed = may(useSession());
  const noun = typeLabel(types.data, resource.type);
  const allRoles = useMemo(() => roleOptions(type), [type]);
  const { filters, change, setRoles } = useFilters(allRoles);
  const [text, setText] = useState(filters.q);
  const [debounced] = useDebouncedValue(text, 300);
  const lastQ = useRef(filters.q);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  useEffect(() => {
    if (filters.q !== lastQ.current) {
      lastQ.current = filters.q;
      setText(filters.q);
    }
  }, [filters.q]);
  useEffect(() => {
    const q = debounced.trim();
    if (q !== lastQ.current) {
      lastQ.current = q;
      change({ q: q || null }, true);
    }
  }, [debounced, change]);

  const noneChosen = filters.roles !== undefined && filters.roles.length === 0;
  const list = usePermissions(resource.id, filters, !noneChosen);
  const pages = list.data?.pages ?? [];
  const groupRows = pages.flatMap((p) => (p.view === "groups" ? p.rows : []));
  const userRows = pages.flatMap((p) => (p.view === "users" ? p.rows : []));
  const shown = filters.view === "groups" ? groupRows.length : userRows.length;
  // Right after switching tabs, the other tab's rows are still the placeholder: that is loading, not empty.
  const otherTab = pages[0] !== undefined && pages[0].view !== filters.view;
  const filtered = Boolean(filters.q || filters.roles);
  const isOrganization = resource.type === "organization";

  const clearFilters = () => {
    setText("");
    change({ q: null, roles: null });
  };

  return (
    <>
      <Anchor component={Link} href={`/resources?type=${encodeURIComponent(resource.type)}`} size="sm">
        ← Permissions
      </Anchor>
      <PageHeader
        title={resource.name}
        description={
          <>
            {noun} · key{" "}
            <Text span ff="monospace" size="sm">
              {resource.key}
            </Text>{" "}
            · added{" "}
            <span title={formatDateTime(resource.createdAt)}>{formatRelative(resource.createdAt)}</span>
          </>
        }
        badges={
          <Badge variant="light" color="gray" tt="none">
            {noun}
          </Badge>
        }
        actions={
          <>
            {allowed.rules && <Button onClick={() => setDialog({ kind: "add" })}>Add rule</Button>}
            {allowed.catalog && (
              <Button variant="default" onClick={() => setDialog({ kind: "edit" })}>
                Edit
              </Button>
            )}
            {allowed.catalog && !isOrganization && (
              <Button color="red" variant="light" onClick={() => setDialog({ kind: "delete" })}>
                Delete
              </Button>
            )}
          </>
        }
      />

      {notice && (
        <Alert
          color={notice.tone === "info" ? "blue" : "green"}
          role="status"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setNotice(null)}
          mb="md"
        >
          {notice.message}
        </Alert>
      )}

      <Tabs
        value={filters.view}
        onChange={(v) => change({ tab: v === "users" ? "users" : null })}
        keepMounted={false}
        mb="md"
      >
        <Tabs.List>
          <Tabs.Tab value="groups">Groups</Tabs.Tab>
          <Tabs.Tab value="users">Users</Tabs.Tab>
        </Tabs.List>
      </Tabs>

      <Paper withBorder p="sm" mb="md">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Search"
            placeholder={filters.view === "groups" ? "Group name" : "Name or email"}
            type="search"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            style={{ flex: "1 1 12rem" }}
          />
          <MultiSelect
            label="Roles"
            data={allRoles}
            value={filters.roles ? [...filters.roles] : allRoles}
            onChange={setRoles}
            error={noneChosen ? "Choose at least one role." : undefined}
            comboboxProps={{ withinPortal: true }}
            style={{ flex: "1 1 16rem" }}
          />
          <Select
            label="Sort by"
            allowDeselect={false}
            data={[
              { value: "name", label: "Name" },
              { value: "recent", label: "Recent activity" },
            ]}
            value={filters.sort}
            onChange={(v) => change({ sort: v === "recent" ? "recent" : null })}
            w={{ base: "100%", xs: 170 }}
          />
        </Group>
      </Paper>

      <Text size="sm" c="dimmed" mb="sm">
        {isOrganization
          ? "Owners and administrators hold every capability here, whatever these rules say."
          : `Administrators hold every capability on ${resource.name}, whatever these rules say.`}
      </Text>

      {noneChosen ? (
        <Empty
          title="No role chosen"
          action={
            <Button variant="light" onClick={() => setRoles(allRoles)}>
              Every role
            </Button>
          }
        >
          Choose at least one role to see the rules that give it.
        </Empty>
      ) : list.isPending || otherTab ? (
        <Loading label="Loading the rules…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : shown === 0 ? (
        filtered ? (
          <Empty
            title="No rule matches"
            action={
              <Button variant="light" onClick={clearFilters}>
                Clear the filters
              </Button>
            }
          >
            Try another search, or more roles.
          </Empty>
        ) : (
          <Empty
            title={
              filters.view === "groups"
                ? `No group has a rule on ${resource.name}`
                : `No user has a rule of their own on ${resource.name}`
            }
            action={
              allowed.rules ? <Button onClick={() => setDialog({ kind: "add" })}>Add rule</Button> : undefined
            }
          >
            {filters.view === "groups"
              ? "Give a group a role, and its members get it."
              : "Users may still have access through their groups: see the Groups tab."}
          </Empty>
        )
      ) : (
        <Box
          style={{ opacity: list.isPlaceholderData ? 0.6 : 1, transition: "opacity 120ms" }}
          aria-busy={list.isFetching}
        >
          {filters.view === "groups" ? (
            <GroupRules
              editable={allowed.rules}
              rows={groupRows}
              resource={resource}
              noun={noun}
              onChange={(target) => setDialog({ kind: "change", target })}
              onRemove={(target) => setDialog({ kind: "remove", target })}
            />
          ) : (
            <UserRules
              editable={allowed.rules}
              rows={userRows}
              resource={resource}
              noun={noun}
              onChange={(target) => setDialog({ kind: "change", target })}
              onRemove={(target) => setDialog({ kind: "remove", target })}
            />
          )}
          <Group justify="space-between" mt="md" gap="sm">
            <Text size="sm" c="dimmed" aria-live="polite">
              {list.hasNextPage
                ? `The first ${plural(shown, "rule")}`
                : `${plural(shown, "rule")}${filtered ? " match" : ""}`}
            </Text>
            {list.hasNextPage && (
              <Button
                variant="default"
                size="xs"
                loading={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                Show more
              </Button>
            )}
          </Group>
        </Box>
      )}

      {(dialog?.kind === "add" || dialog?.kind === "change") && type && (
        <RuleDialog
          resource={resource}
          type={type}
          noun={noun}
          initialKind={filters.view === "users" ? "user" : "group"}
          {...(dialog.kind === "change" && { target: dialog.target })}
          onClose={() => setDialog(null)}
          onDone={setNotice}
        />
      )}
      {dialog?.kind === "remove" && (
        <RemoveRuleDialog
          resource={resource}
          noun={noun}
          target={dialog.target}
          onClose={() => setDialog(null)}
          onDone={setNotice}
        />
      )}
      {dialog?.kind === "edit" && <EditResourceModal resource={resource} onClose={() => setDialog(null)} />}
      {dialog?.kind === "delete" && (
        <DeleteResourceDialog
          resource={resource}
          noun={noun}
          onClose={() => setDialog(null)}
          onDone={() => navigate(`/resources?type=${encodeURIComponent(resource.type)}`)}
        />
      )}
    </>
  );
}

/** Why a locked rule stays: it is a system group's own. */
function LockedCell({ holder }: { holder: string }) {
  return (
    <Stack gap={2}>
      <Badge variant="light" color="gray" tt="none" w="fit-content">
        Locked
      </Badge>
      <Text size="xs" c="dimmed" maw={220}>
        A system rule of {holder}: it cannot be changed or removed. Change the group's members instead.
      </Text>
    </Stack>
  );
}

function RowActions({
  label,
  onChange,
  onRemove,
}: {
  label: string;
  onChange: () => void;
  onRemove: () => void;
}) {
  return (
    <Group gap={4} wrap="nowrap">
      <Button
        size="compact-sm"
        variant="subtle"
        aria-label={`Change the role of ${label}`}
        onClick={onChange}
      >
        Change role
      </Button>
      <Button
        size="compact-sm"
        variant="subtle"
        color="red"
        aria-label={`Remove the rule of ${label}`}
        onClick={onRemove}
      >
        Remove
      </Button>
    </Group>
  );
}

type RowsProps<T> = {
  /** False: the rules are shown without buttons to change them. */
  editable: boolean;
  rows: T[];
  resource: Resource;
  noun: string;
  onChange: (target: RuleTarget) => void;
  onRemove: (target: RuleTarget) => void;
};

/** A row's name in labels: "Sales", or "Sales on every app" for a rule on the whole type. */
const rowLabel = (name: string, scope: string, noun: string) =>
  scope === "resource" ? name : `${name} on every ${noun.toLowerCase()}`;

function GroupRules({ editable, rows, resource, noun, onChange, onRemove }: RowsProps<GroupPermission>) {
  const anyLocked = rows.some((r) => r.locked);
  const target = (r: GroupPermission): RuleTarget => ({
    ruleId: r.ruleId,
    subject: { kind: "group", id: r.group.id, name: r.group.name, members: r.members },
    role: r.role,
    scope: r.scope,
  });
  const columns: Column<GroupPermission>[] = [
    {
      key: "group",
      header: "Group",
      cell: (r) => (
        <Stack gap={2}>
          <Anchor
            component={Link}
            href={`/groups/${encodeURIComponent(r.group.id)}`}
            fw={500}
            style={{ whiteSpace: "nowrap" }}
          >
            {r.group.name}
          </Anchor>
          {!r.group.privileges && (
            <Badge
              color="orange"
              variant="light"
              tt="none"
              w="fit-content"
              title="The group's rules are kept but do not apply"
            >
              Privileges off
            </Badge>
          )}
        </Stack>
      ),
    },
    {
      key: "role",
      header: "Role",
      cell: (r) => (
        <Badge variant="light" tt="none">
          {r.role.name}
        </Badge>
      ),
    },
    {
      key: "scope",
      header: "Applies to",
      cell: (r) => <Text size="sm">{scopeText(r.scope, resource.name, noun)}</Text>,
    },
    { key: "members", header: "Members", cell: (r) => <Text size="sm">{plural(r.members, "user")}</Text> },
    {
      key: "changed",
      header: "Changed",
      cell: (r) => (
        <Text size="sm" title={formatDateTime(r.updatedAt)}>
          {formatRelative(r.updatedAt)}
        </Text>
      ),
    },
    {
      key: "actions",
      header: <VisuallyHidden>Actions</VisuallyHidden>,
      cell: (r) =>
        r.locked ? (
          <LockedCell holder={r.group.name} />
        ) : !editable ? null : (
          <RowActions
            label={rowLabel(r.group.name, r.scope, noun)}
            onChange={() => onChange(target(r))}
            onRemove={() => onRemove(target(r))}
          />
        ),
    },
  ];
  return (
    <>
      {anyLocked && (
        <Alert color="gray" variant="light" mb="sm" title="Locked rules">
          System groups such as Power Users or Report Consumers each carry their role on every{" "}
          {noun.toLowerCase()}. Those rules are locked: to give someone that role, add them to the group.
        </Alert>
      )}
      <DataTable
        caption={`Groups with a rule on ${resource.name}`}
        rows={rows}
        columns={columns}
        rowId={(r) => r.ruleId}
      />
    </>
  );
}

function UserRules({ editable, rows, resource, noun, onChange, onRemove }: RowsProps<UserPermission>) {
  const target = (r: UserPermission): RuleTarget => ({
    ruleId: r.ruleId,
    subject: { kind: "user", id: r.user.id, name: fullName(r.user), email: r.user.email },
    role: r.role,
    scope: r.scope,
  });
  const columns: Column<UserPermission>[] = [
    {
      key: "name",
      header: "Name",
      cell: (r) => (
        <Stack gap={2}>
          <Anchor
            component={Link}
            href={`/users/${encodeURIComponent(r.user.id)}`}
            fw={500}
            style={{ whiteSpace: "nowrap" }}
          >
            {fullName(r.user)}
          </Anchor>
          {r.user.status === "deactivated" && (
            <Badge color="red" variant="light" w="fit-content">
              Deactivated
            </Badge>
          )}
        </Stack>
      ),
    },
    { key: "email", header: "Email", cell: (r) => <Text size="sm">{r.user.email}</Text> },
    {
      key: "role",
      header: "Role",
      cell: (r) => (
        <Badge variant="light" tt="none">
          {r.role.name}
        </Badge>
      ),
    },
    {
      key: "scope",
      header: "Applies to",
      cell: (r) => <Text size="sm">{scopeText(r.scope, resource.name, noun)}</Text>,
    },
    {
      key: "active",
      header: "Last active",
      cell: (r) => (
        <Text size="sm" title={r.lastActiveAt ? formatDateTime(r.lastActiveAt) : undefined}>
          {formatRelative(r.lastActiveAt)}
        </Text>
      ),
    },
    {
      key: "changed",
      header: "Rule changed",
      cell: (r) => (
        <Text size="sm" title={formatDateTime(r.updatedAt)}>
          {formatRelative(r.updatedAt)}
        </Text>
      ),
    },
    {
      key: "actions",
      header: <VisuallyHidden>Actions</VisuallyHidden>,
      cell: (r) =>
        r.locked ? (
          <LockedCell holder={r.user.email} />
        ) : !editable ? null : (
          <RowActions
            label={rowLabel(fullName(r.user), r.scope, noun)}
            onChange={() => onChange(target(r))}
            onRemove={() => onRemove(target(r))}
          />
        ),
    },
  ];
  return (
    <DataTable
      caption={`Users with a rule of their own on ${resource.name}`}
      rows={rows}
      columns={columns}
      rowId={(r) => r.ruleId}
    />
  );
}

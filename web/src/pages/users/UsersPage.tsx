import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  CopyButton,
  Group,
  Menu,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { OrgRole, UserSummary } from "../../api.ts";
import { CursorPager } from "../../components/CursorPager.tsx";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { GroupSelect } from "../../components/GroupSelect.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { SelectionBar } from "../../components/SelectionBar.tsx";
import { Empty, ErrorState, Loading } from "../../components/states.tsx";
import { formatDateTime, formatRelative, fullName, plural, ROLE_COLOR, ROLE_LABEL } from "../../format.ts";
import { Link, useSearchParams } from "../../router.tsx";
import { BulkGroupsModal } from "./BulkGroupsModal.tsx";
import { PAGE_SIZE, type UserFilters, useUserPage } from "./data.ts";
import { EditUserModal } from "./EditUserModal.tsx";
import { type Invited, InviteUserModal } from "./InviteUserModal.tsx";
import { RemoveUserDialog, StatusDialog } from "./UserDialogs.tsx";

const ROLES: OrgRole[] = ["owner", "admin", "member"];

/** The filters live in the query string, so the back button and a shared link keep them. */
function useFilters(): [UserFilters, (changes: Record<string, string | null>, replace?: boolean) => void] {
  const [search, set] = useSearchParams();
  const change = useCallback(
    (changes: Record<string, string | null>, replace = false) => set(changes, { replace }),
    [set],
  );
  const role = search.get("role");
  const status = search.get("status");
  const filters: UserFilters = {
    q: search.get("q") ?? undefined,
    role: ROLES.includes(role as OrgRole) ? (role as OrgRole) : undefined,
    group: search.get("group") ?? undefined,
    status: status === "active" || status === "deactivated" ? status : undefined,
    sort: search.get("sort") === "recent" ? "recent" : "name",
  };
  return [filters, change];
}

type Dialog =
  | { kind: "invite" }
  | { kind: "edit"; user: UserSummary }
  | { kind: "status"; user: UserSummary }
  | { kind: "remove"; user: UserSummary }
  | { kind: "bulk"; mode: "add" | "remove" };

/**
 * The users table: search by name or email, filters by organization role,
 * group and status, sort by name or recent activity, keyset pages of 50 (fast
 * at any size), invite, edit, deactivate, remove, and bulk group edits on a
 * selection that survives paging.
 */
export function UsersPage() {
  const [filters, setFilters] = useFilters();
  const urlQ = filters.q ?? "";
  const [text, setText] = useState(urlQ);
  const [debounced] = useDebouncedValue(text, 300);
  const lastQ = useRef(urlQ);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<{ message: string; link?: string | null; userId?: string } | null>(
    null,
  );

  // The search box follows the URL (back button, "Clear the filters")...
  useEffect(() => {
    if (urlQ !== lastQ.current) {
      lastQ.current = urlQ;
      setText(urlQ);
    }
  }, [urlQ]);
  // ...and typing searches, without a history entry per key.
  useEffect(() => {
    const q = debounced.trim();
    if (q !== lastQ.current) {
      lastQ.current = q;
      setFilters({ q: q || null }, true);
    }
  }, [debounced, setFilters]);

  // The cursors of the pages we came through, for "Previous"; a change of filters starts again at page 1.
  const filtersKey = JSON.stringify(filters);
  const [paging, setPaging] = useState({ key: filtersKey, cursors: [] as string[] });
  const cursors = paging.key === filtersKey ? paging.cursors : [];
  const page = useUserPage(filters, cursors[cursors.length - 1]);

  const filtered = Boolean(filters.q || filters.role || filters.group || filters.status);
  const columns = useMemo<Column<UserSummary>[]>(
    () => [
      {
        key: "name",
        header: "Name",
        cell: (u) => (
          <Anchor
            component={Link}
            href={`/users/${encodeURIComponent(u.id)}`}
            fw={500}
            style={{ whiteSpace: "nowrap" }}
          >
            {fullName(u)}
          </Anchor>
        ),
      },
      { key: "email", header: "Email", cell: (u) => <Text size="sm">{u.email}</Text> },
      {
        key: "role",
        header: "Role",
        cell: (u) => (
          <Badge variant="light" color={ROLE_COLOR[u.role]}>
            {ROLE_LABEL[u.role]}
          </Badge>
        ),
      },
      {
        key: "groups",
        header: "Groups",
        cell: (u) =>
          u.groups.length === 0 ? (
            <Text size="sm" c="dimmed">
              —
            </Text>
          ) : (
            <Group gap={4}>
              {u.groups.slice(0, 3).map((g) => (
                <Badge key={g.id} variant="outline" color="gray" tt="none">
                  {g.name}
                </Badge>
              ))}
              {u.groups.length > 3 && (
                <Text size="xs" c="dimmed" title={u.groups.map((g) => g.name).join(", ")}>
                  +{u.groups.length - 3} more
                </Text>
              )}
            </Group>
          ),
      },
      {
        key: "status",
        header: "Status",
        cell: (u) =>
          u.status === "active" ? (
            <Text size="sm">Active</Text>
          ) : (
            <Badge color="red" variant="light">
              Deactivated
            </Badge>
          ),
      },
      {
        key: "active",
        header: "Last active",
        cell: (u) => (
          <Text size="sm" title={u.lastActiveAt ? formatDateTime(u.lastActiveAt) : undefined}>
            {formatRelative(u.lastActiveAt)}
          </Text>
        ),
      },
      {
        key: "actions",
        header: <VisuallyHidden>Actions</VisuallyHidden>,
        width: 56,
        cell: (u) => (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${fullName(u)}`}>
                <span aria-hidden>⋯</span>
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => setDialog({ kind: "edit", user: u })}>Edit</Menu.Item>
              <Menu.Item onClick={() => setDialog({ kind: "status", user: u })}>
                {u.status === "active" ? "Deactivate" : "Reactivate"}
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" onClick={() => setDialog({ kind: "remove", user: u })}>
                Remove from organization
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        ),
      },
    ],
    [],
  );

  const invited = (i: Invited) =>
    setNotice({
      message: i.link
        ? `Invited ${i.email}. An email with a link to set their password is on its way.`
        : `Invited ${i.email}.`,
      link: i.link,
      userId: i.id,
    });

  return (
    <>
      <PageHeader
        title="Users"
        description={page.data ? plural(page.data.total, filtered ? "matching user" : "user") : undefined}
        actions={<Button onClick={() => setDialog({ kind: "invite" })}>Invite user</Button>}
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
          <Stack gap={4}>
            <Text size="sm">
              {notice.message}{" "}
              {notice.userId && (
                <Anchor component={Link} href={`/users/${encodeURIComponent(notice.userId)}`} size="sm">
                  Open their page
                </Anchor>
              )}
            </Text>
            {notice.link && (
              <Group gap="xs" wrap="nowrap">
                <Text size="xs" c="dimmed">
                  Without email set up, send them the link yourself:
                </Text>
                <CopyButton value={notice.link}>
                  {({ copied, copy }) => (
                    <Button size="compact-xs" variant="light" onClick={copy}>
                      {copied ? "Copied" : "Copy link"}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            )}
          </Stack>
        </Alert>
      )}

      <Paper withBorder p="sm" mb="md">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Name or email"
            type="search"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            style={{ flex: "1 1 14rem" }}
          />
          <Select
            label="Organization role"
            placeholder="Any role"
            clearable
            data={ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
            value={filters.role ?? null}
            onChange={(v) => setFilters({ role: v })}
            w={{ base: "100%", xs: 170 }}
          />
          <Box w={{ base: "100%", xs: 200 }}>
            <GroupSelect
              label="Group"
              placeholder="Any group"
              value={filters.group ?? null}
              onChange={(v) => setFilters({ group: v })}
            />
          </Box>
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={[
              { value: "active", label: "Active" },
              { value: "deactivated", label: "Deactivated" },
            ]}
            value={filters.status ?? null}
            onChange={(v) => setFilters({ status: v })}
            w={{ base: "100%", xs: 150 }}
          />
          <Select
            label="Sort by"
            allowDeselect={false}
            data={[
              { value: "name", label: "Name" },
              { value: "recent", label: "Recent activity" },
            ]}
            value={filters.sort}
            onChange={(v) => setFilters({ sort: v === "recent" ? "recent" : null })}
            w={{ base: "100%", xs: 170 }}
          />
        </Group>
      </Paper>

      <SelectionBar count={selected.size} noun="user" onClear={() => setSelected(new Set())}>
        <Button size="xs" onClick={() => setDialog({ kind: "bulk", mode: "add" })}>
          Add to groups
        </Button>
        <Button size="xs" variant="light" onClick={() => setDialog({ kind: "bulk", mode: "remove" })}>
          Remove from groups
        </Button>
      </SelectionBar>

      {page.isPending ? (
        <Loading label="Loading users…" />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : page.data.users.length === 0 ? (
        filtered ? (
          <Empty
            title="No user matches"
            action={
              <Button
                variant="light"
                onClick={() => {
                  setText("");
                  setFilters({ q: null, role: null, group: null, status: null });
                }}
              >
                Clear the filters
              </Button>
            }
          >
            Try another search, or fewer filters.
          </Empty>
        ) : (
          <Empty
            title="No users yet"
            action={<Button onClick={() => setDialog({ kind: "invite" })}>Invite user</Button>}
          >
            Invite the people who should use your analytics tools.
          </Empty>
        )
      ) : (
        <Box
          style={{ opacity: page.isPlaceholderData ? 0.6 : 1, transition: "opacity 120ms" }}
          aria-busy={page.isFetching}
        >
          <DataTable
            caption="Users of the organization"
            rows={page.data.users}
            columns={columns}
            rowId={(u) => u.id}
            selection={{ selected, onChange: setSelected, label: (u) => `Select ${fullName(u)}` }}
          />
          <CursorPager
            page={cursors.length}
            pageSize={PAGE_SIZE}
            shown={page.data.users.length}
            total={page.data.total}
            noun="user"
            hasNext={page.data.nextCursor !== null && !page.isPlaceholderData}
            onPrevious={() => setPaging({ key: filtersKey, cursors: cursors.slice(0, -1) })}
            onNext={() => {
              const next = page.data.nextCursor;
              if (next) setPaging({ key: filtersKey, cursors: [...cursors, next] });
            }}
          />
        </Box>
      )}

      <InviteUserModal
        opened={dialog?.kind === "invite"}
        onClose={() => setDialog(null)}
        onInvited={invited}
      />
      {dialog?.kind === "edit" && (
        <EditUserModal key={dialog.user.id} user={dialog.user} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === "status" && <StatusDialog user={dialog.user} onClose={() => setDialog(null)} />}
      {dialog?.kind === "remove" && (
        <RemoveUserDialog
          user={dialog.user}
          onClose={() => setDialog(null)}
          onDone={() => {
            setSelected((s) => {
              const next = new Set(s);
              next.delete(dialog.user.id);
              return next;
            });
          }}
        />
      )}
      {dialog?.kind === "bulk" && (
        <BulkGroupsModal
          userIds={[...selected]}
          initialMode={dialog.mode}
          onClose={() => setDialog(null)}
          onDone={(message) => {
            setSelected(new Set());
            setNotice({ message });
          }}
        />
      )}
    </>
  );
}

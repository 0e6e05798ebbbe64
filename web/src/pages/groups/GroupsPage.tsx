import {
  ActionIcon,
  Alert,
  Anchor,
  Box,
  Button,
  Menu,
  Paper,
  Stack,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useMemo, useRef, useState } from "react";
import type { GroupSummary } from "../../api.ts";
import { CursorPager } from "../../components/CursorPager.tsx";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { SelectionBar } from "../../components/SelectionBar.tsx";
import { Empty, ErrorState, Loading } from "../../components/states.tsx";
import { plural } from "../../format.ts";
import { Link, useSearchParams } from "../../router.tsx";
import { useGroupList } from "./data.ts";
import { DeleteGroupsDialog, NotifyDialog, PrivilegesDialog } from "./GroupDialogs.tsx";
import { GroupWizard, type Saved } from "./GroupWizard.tsx";
import { GroupBadges } from "./labels.tsx";

const PAGE_SIZE = 50;

type Dialog =
  | { kind: "create" }
  | { kind: "privileges"; on: boolean; groups: GroupSummary[] }
  | { kind: "notify"; groups: GroupSummary[] }
  | { kind: "delete"; groups: GroupSummary[] };

/**
 * The groups table: name, role, users, apps and sites, delegation; search by
 * name; create in three steps; select several to turn privileges on or off,
 * set their notifications or delete them, with a confirmation that says who
 * loses access; export as CSV.
 */
export function GroupsPage() {
  const [search, setSearch] = useSearchParams();
  const urlQ = search.get("q") ?? "";
  const [text, setText] = useState(urlQ);
  const [debounced] = useDebouncedValue(text, 300);
  const lastQ = useRef(urlQ);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  // The selection survives a search and paging: the groups chosen, by id.
  const [picked, setPicked] = useState<ReadonlyMap<string, GroupSummary>>(new Map());
  const [notice, setNotice] = useState<{ message: string; groupId?: string } | null>(null);
  const [paging, setPaging] = useState({ q: urlQ, page: 0 });

  useEffect(() => {
    if (urlQ !== lastQ.current) {
      lastQ.current = urlQ;
      setText(urlQ);
    }
  }, [urlQ]);
  useEffect(() => {
    const q = debounced.trim();
    if (q !== lastQ.current) {
      lastQ.current = q;
      setSearch({ q: q || null }, { replace: true });
    }
  }, [debounced, setSearch]);

  const list = useGroupList(urlQ);
  const all = list.data ?? [];
  const page = paging.q === urlQ ? paging.page : 0;
  const rows = all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const selected = useMemo(() => new Set(picked.keys()), [picked]);
  // The latest of each chosen group when the list shows it (a search may hide some).
  const chosen = [...picked.values()]
    .map((g) => all.find((x) => x.id === g.id) ?? g)
    .sort((a, b) => a.name.localeCompare(b.name, "en", { sensitivity: "base" }));
  const select = (ids: Set<string>) =>
    setPicked((before) => {
      const byId = new Map(all.map((g) => [g.id, g]));
      const next = new Map<string, GroupSummary>();
      for (const id of ids) {
        const g = before.get(id) ?? byId.get(id);
        if (g) next.set(id, g);
      }
      return next;
    });

  const columns = useMemo<Column<GroupSummary>[]>(
    () => [
      {
        key: "name",
        header: "Name",
        cell: (g) => (
          <Stack gap={2}>
            <Anchor
              component={Link}
              href={`/groups/${encodeURIComponent(g.id)}`}
              fw={500}
              style={{ whiteSpace: "nowrap" }}
            >
              {g.name}
            </Anchor>
            <GroupBadges group={g} />
          </Stack>
        ),
      },
      {
        key: "role",
        header: "Role",
        cell: (g) =>
          g.role ? (
            <Text size="sm">{g.role}</Text>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          ),
      },
      { key: "users", header: "Users", cell: (g) => <Text size="sm">{g.users.toLocaleString("en")}</Text> },
      { key: "sites", header: "Sites", cell: (g) => <Text size="sm">{g.sites.toLocaleString("en")}</Text> },
      { key: "apps", header: "Apps", cell: (g) => <Text size="sm">{g.apps.toLocaleString("en")}</Text> },
      {
        key: "delegation",
        header: "Delegation",
        cell: (g) =>
          g.delegation ? (
            <Text size="sm">{g.delegation.userEmail}</Text>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          ),
      },
      {
        key: "notify",
        header: "Notifications",
        cell: (g) => <Text size="sm">{g.notify === "email" ? "Email" : "None"}</Text>,
      },
      {
        key: "actions",
        header: <VisuallyHidden>Actions</VisuallyHidden>,
        width: 56,
        cell: (g) => (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${g.name}`}>
                <span aria-hidden>⋯</span>
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item component={Link} href={`/groups/${encodeURIComponent(g.id)}`}>
                Open
              </Menu.Item>
              <Menu.Item onClick={() => setDialog({ kind: "notify", groups: [g] })}>Notifications</Menu.Item>
              {g.system === null && (
                <>
                  <Menu.Item
                    onClick={() => setDialog({ kind: "privileges", on: !g.privileges, groups: [g] })}
                  >
                    {g.privileges ? "Turn privileges off" : "Turn privileges on"}
                  </Menu.Item>
                  <Menu.Divider />
                  <Menu.Item color="red" onClick={() => setDialog({ kind: "delete", groups: [g] })}>
                    Delete
                  </Menu.Item>
                </>
              )}
            </Menu.Dropdown>
          </Menu>
        ),
      },
    ],
    [],
  );

  const created = (saved: Saved) =>
    setNotice({
      message: `Created ${saved.name}${saved.privileges > 0 ? ` with ${plural(saved.privileges, "privilege")}` : ""}.`,
      groupId: saved.id,
    });
  const done = (message: string) => {
    setPicked(new Map());
    setNotice({ message });
  };

  return (
    <>
      <PageHeader
        title="Groups"
        description={list.data ? plural(all.length, urlQ ? "matching group" : "group") : undefined}
        actions={
          <>
            <Button component="a" href="/api/v1/exports/groups?format=csv" download variant="default">
              Export CSV
            </Button>
            <Button onClick={() => setDialog({ kind: "create" })}>New group</Button>
          </>
        }
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
          <Text size="sm">
            {notice.message}{" "}
            {notice.groupId && (
              <Anchor component={Link} href={`/groups/${encodeURIComponent(notice.groupId)}`} size="sm">
                Open its page
              </Anchor>
            )}
          </Text>
        </Alert>
      )}

      <Paper withBorder p="sm" mb="md">
        <TextInput
          label="Search"
          placeholder="Group name"
          type="search"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          maw={420}
        />
      </Paper>

      <SelectionBar count={selected.size} noun="group" onClear={() => setPicked(new Map())}>
        <Button size="xs" onClick={() => setDialog({ kind: "privileges", on: true, groups: chosen })}>
          Turn privileges on
        </Button>
        <Button
          size="xs"
          variant="light"
          onClick={() => setDialog({ kind: "privileges", on: false, groups: chosen })}
        >
          Turn privileges off
        </Button>
        <Button size="xs" variant="light" onClick={() => setDialog({ kind: "notify", groups: chosen })}>
          Notifications
        </Button>
        <Button
          size="xs"
          variant="light"
          color="red"
          onClick={() => setDialog({ kind: "delete", groups: chosen })}
        >
          Delete
        </Button>
      </SelectionBar>

      {list.isPending ? (
        <Loading label="Loading groups…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : all.length === 0 ? (
        urlQ ? (
          <Empty
            title="No group matches"
            action={
              <Button
                variant="light"
                onClick={() => {
                  setText("");
                  setSearch({ q: null });
                }}
              >
                Clear the search
              </Button>
            }
          >
            Try another name.
          </Empty>
        ) : (
          <Empty
            title="No groups yet"
            action={<Button onClick={() => setDialog({ kind: "create" })}>New group</Button>}
          >
            Groups give their members roles on apps and sites.
          </Empty>
        )
      ) : (
        <Box
          style={{ opacity: list.isPlaceholderData ? 0.6 : 1, transition: "opacity 120ms" }}
          aria-busy={list.isFetching}
        >
          <DataTable
            caption="Groups of the organization"
            rows={rows}
            columns={columns}
            rowId={(g) => g.id}
            selection={{ selected, onChange: select, label: (g) => `Select ${g.name}` }}
          />
          <CursorPager
            page={page}
            pageSize={PAGE_SIZE}
            shown={rows.length}
            total={all.length}
            noun="group"
            hasNext={(page + 1) * PAGE_SIZE < all.length}
            onPrevious={() => setPaging({ q: urlQ, page: Math.max(0, page - 1) })}
            onNext={() => setPaging({ q: urlQ, page: page + 1 })}
          />
        </Box>
      )}

      {dialog?.kind === "create" && <GroupWizard onClose={() => setDialog(null)} onSaved={created} />}
      {dialog?.kind === "privileges" && (
        <PrivilegesDialog
          groups={dialog.groups}
          on={dialog.on}
          onClose={() => setDialog(null)}
          onDone={done}
        />
      )}
      {dialog?.kind === "notify" && (
        <NotifyDialog groups={dialog.groups} onClose={() => setDialog(null)} onDone={done} />
      )}
      {dialog?.kind === "delete" && (
        <DeleteGroupsDialog groups={dialog.groups} onClose={() => setDialog(null)} onDone={done} />
      )}
    </>
  );
}

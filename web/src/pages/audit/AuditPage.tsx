import {
  Anchor,
  Badge,
  Box,
  Button,
  Code,
  Group,
  List,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AuditEntry } from "../../api.ts";
import { CursorPager } from "../../components/CursorPager.tsx";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Empty, ErrorState, Loading } from "../../components/states.tsx";
import { formatDateTime, formatRelative } from "../../format.ts";
import { Link, useSearchParams } from "../../router.tsx";
import { ACTION_OPTIONS, actionLabel, type Change, describeChange } from "./changes.ts";
import { type AuditFilters, exportUrl, PAGE_SIZE, useAuditPage } from "./data.ts";

const FILTER_KEYS = ["actor", "target", "action", "from", "to"] as const;

/** The filters live in the query string, so the back button and a shared link keep them. */
function useFilters(): [AuditFilters, (changes: Record<string, string | null>, replace?: boolean) => void] {
  const [search, set] = useSearchParams();
  const change = useCallback(
    (changes: Record<string, string | null>, replace = false) => set(changes, { replace }),
    [set],
  );
  const filters: Record<string, string | undefined> = {};
  for (const k of FILTER_KEYS) filters[k] = search.get(k) || undefined;
  return [filters as AuditFilters, change];
}

/** A text box bound to a query-string key: typing updates the URL after a pause, without a history entry per key. */
function useUrlText(value: string, onChange: (v: string | null) => void): [string, (v: string) => void] {
  const [text, setText] = useState(value);
  const [debounced] = useDebouncedValue(text, 300);
  const last = useRef(value);
  useEffect(() => {
    if (value !== last.current) {
      last.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    const v = debounced.trim();
    if (v !== last.current) {
      last.current = v;
      onChange(v || null);
    }
  }, [debounced, onChange]);
  return [text, setText];
}

const TARGET_PAGES: Readonly<Record<string, string>> = { user: "users", group: "groups" };

function ChangeLine({ change, kind }: { change: Change; kind: "changed" | "created" | "removed" }) {
  const none = (
    <Text span c="dimmed" inherit>
      none
    </Text>
  );
  return (
    <Text size="xs" style={{ overflowWrap: "anywhere" }}>
      <Text span fw={600} inherit>
        {change.field}
      </Text>
      {": "}
      {kind === "created" ? (
        (change.after ?? none)
      ) : kind === "removed" ? (
        (change.before ?? none)
      ) : (
        <>
          <Text span td="line-through" c="dimmed" inherit>
            {change.before ?? "none"}
          </Text>
          {" → "}
          {change.after ?? none}
        </>
      )}
    </Text>
  );
}

/** Before and after, readably: the fields that changed (three at most here; every one in Details). */
function Changes({ entry, limit }: { entry: AuditEntry; limit?: number }) {
  const described = describeChange(entry.before, entry.after);
  if (described.kind === "none" || described.changes.length === 0)
    return (
      <Text size="xs" c="dimmed">
        No fields changed
      </Text>
    );
  const shown = limit ? described.changes.slice(0, limit) : described.changes;
  return (
    <Stack gap={2}>
      {described.kind !== "changed" && (
        <Text size="xs" c="dimmed">
          {described.kind === "created" ? "Now:" : "Was:"}
        </Text>
      )}
      {shown.map((c) => (
        <ChangeLine key={c.field} change={c} kind={described.kind} />
      ))}
      {shown.length < described.changes.length && (
        <Text size="xs" c="dimmed">
          and {described.changes.length - shown.length} more
        </Text>
      )}
    </Stack>
  );
}

function EntryDetails({ entry, onClose }: { entry: AuditEntry; onClose: () => void }) {
  const json = (v: unknown) => (v === null || v === undefined ? "—" : JSON.stringify(v, null, 2));
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ "aria-label": "Close" }}
      title={actionLabel(entry.action)}
      size="xl"
    >
      <Stack gap="sm">
        <List size="sm" spacing={2}>
          <List.Item>
            When: {formatDateTime(entry.at)} (revision {entry.revision})
          </List.Item>
          <List.Item>
            Who: {entry.actor.label} ({entry.actor.kind})
          </List.Item>
          <List.Item>
            Action: <Code>{entry.action}</Code>
          </List.Item>
          <List.Item>
            Target: {entry.target.label ?? "—"} ({entry.target.type}
            {entry.target.id ? ` ${entry.target.id}` : ""})
          </List.Item>
          {entry.requestId && (
            <List.Item>
              Request: <Code>{entry.requestId}</Code>
            </List.Item>
          )}
        </List>
        <Changes entry={entry} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Box>
            <Text size="sm" fw={600} mb={4}>
              Before
            </Text>
            <Code block style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
              {json(entry.before)}
            </Code>
          </Box>
          <Box>
            <Text size="sm" fw={600} mb={4}>
              After
            </Text>
            <Code block style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
              {json(entry.after)}
            </Code>
          </Box>
        </SimpleGrid>
      </Stack>
    </Modal>
  );
}

/**
 * The audit log: every change with who, when, the action, its target and
 * its before and after, newest first; filters by actor, target, action and
 * time range in the query string; keyset pages; export as CSV or JSON with
 * the same filters.
 */
export function AuditPage() {
  const [filters, setFilters] = useFilters();
  const setActor = useCallback((v: string | null) => setFilters({ actor: v }, true), [setFilters]);
  const setTarget = useCallback((v: string | null) => setFilters({ target: v }, true), [setFilters]);
  const [actorText, setActorText] = useUrlText(filters.actor ?? "", setActor);
  const [targetText, setTargetText] = useUrlText(filters.target ?? "", setTarget);
  const [details, setDetails] = useState<AuditEntry | null>(null);

  const filtersKey = JSON.stringify(filters);
  const [paging, setPaging] = useState({ key: filtersKey, cursors: [] as string[] });
  const cursors = paging.key === filtersKey ? paging.cursors : [];
  const page = useAuditPage(filters, cursors[cursors.length - 1]);
  const filtered = FILTER_KEYS.some((k) => filters[k]);
  const rangeError = filters.from && filters.to && filters.from > filters.to ? "“From” is after “to”." : null;

  const columns = useMemo<Column<AuditEntry>[]>(
    () => [
      {
        key: "when",
        header: "When",
        cell: (e) => (
          <Text size="sm" title={formatDateTime(e.at)} style={{ whiteSpace: "nowrap" }}>
            {formatRelative(e.at)}
          </Text>
        ),
      },
      {
        key: "who",
        header: "Who",
        cell: (e) => (
          <Stack gap={2}>
            <Text size="sm" style={{ overflowWrap: "anywhere" }}>
              {e.actor.label}
            </Text>
            {e.actor.kind !== "user" && (
              <Badge size="xs" variant="light" color="gray" tt="none">
                {e.actor.kind === "token" ? "API token" : e.actor.kind}
              </Badge>
            )}
          </Stack>
        ),
      },
      {
        key: "action",
        header: "Action",
        cell: (e) => (
          <Stack gap={2}>
            <Text size="sm">{actionLabel(e.action)}</Text>
            <Code fz="xs">{e.action}</Code>
          </Stack>
        ),
      },
      {
        key: "target",
        header: "Target",
        cell: (e) => {
          const page = TARGET_PAGES[e.target.type];
          const label = e.target.label ?? e.target.id ?? "—";
          return (
            <Stack gap={2}>
              {page && e.target.id && e.action !== "user.remove" && e.action !== "group.delete" ? (
                <Anchor component={Link} href={`/${page}/${encodeURIComponent(e.target.id)}`} size="sm">
                  {label}
                </Anchor>
              ) : (
                <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                  {label}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {e.target.type.replace(/_/g, " ")}
              </Text>
            </Stack>
          );
        },
      },
      {
        key: "changes",
        header: "Before and after",
        width: "36%",
        cell: (e) => (
          <Group gap="xs" align="flex-start" justify="space-between" wrap="nowrap">
            <Changes entry={e} limit={3} />
            <Button
              size="compact-xs"
              variant="subtle"
              aria-label={`Details of ${actionLabel(e.action).toLowerCase()} (${formatDateTime(e.at)})`}
              onClick={() => setDetails(e)}
            >
              Details
            </Button>
          </Group>
        ),
      },
    ],
    [],
  );

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change, newest first: who made it, when, and what it was before and after."
        actions={
          <>
            <Button component="a" href={exportUrl("csv", filters)} download variant="default">
              Export CSV
            </Button>
            <Button component="a" href={exportUrl("json", filters)} download variant="default">
              Export JSON
            </Button>
          </>
        }
      />

      <Paper withBorder p="sm" mb="md">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
          <TextInput
            label="Who"
            placeholder="Email or token name"
            type="search"
            value={actorText}
            onChange={(e) => setActorText(e.currentTarget.value)}
          />
          <TextInput
            label="Target"
            placeholder="Name or email"
            type="search"
            value={targetText}
            onChange={(e) => setTargetText(e.currentTarget.value)}
          />
          <Select
            label="Action"
            placeholder="Any action"
            clearable
            searchable
            data={ACTION_OPTIONS}
            value={filters.action ?? null}
            onChange={(v) => setFilters({ action: v })}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput
            label="From"
            type="date"
            value={filters.from ?? ""}
            onChange={(e) => setFilters({ from: e.currentTarget.value || null })}
            error={rangeError}
          />
          <TextInput
            label="To"
            type="date"
            value={filters.to ?? ""}
            onChange={(e) => setFilters({ to: e.currentTarget.value || null })}
          />
        </SimpleGrid>
      </Paper>

      {page.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : page.data.entries.length === 0 ? (
        filtered ? (
          <Empty
            title="No entry matches"
            action={
              <Button
                variant="light"
                onClick={() => {
                  setActorText("");
                  setTargetText("");
                  setFilters({ actor: null, target: null, action: null, from: null, to: null });
                }}
              >
                Clear the filters
              </Button>
            }
          >
            Try another search, a wider time range, or fewer filters.
          </Empty>
        ) : (
          <Empty title="Nothing changed yet">
            Every change made to the organization will be listed here.
          </Empty>
        )
      ) : (
        <Box
          style={{ opacity: page.isPlaceholderData ? 0.6 : 1, transition: "opacity 120ms" }}
          aria-busy={page.isFetching}
        >
          <DataTable
            caption="Audit log entries"
            rows={page.data.entries}
            columns={columns}
            rowId={(e) => e.id}
            minWidth={960}
          />
          <CursorPager
            page={cursors.length}
            pageSize={PAGE_SIZE}
            shown={page.data.entries.length}
            noun="change"
            hasNext={page.data.nextCursor !== null && !page.isPlaceholderData}
            onPrevious={() => setPaging({ key: filtersKey, cursors: cursors.slice(0, -1) })}
            onNext={() => {
              const next = page.data.nextCursor;
              if (next) setPaging({ key: filtersKey, cursors: [...cursors, next] });
            }}
          />
        </Box>
      )}

      {details && <EntryDetails entry={details} onClose={() => setDetails(null)} />}
    </>
  );
}

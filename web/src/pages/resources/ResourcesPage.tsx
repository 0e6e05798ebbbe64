import { Anchor, Badge, Box, Button, Group, Paper, SegmentedControl, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useMemo, useRef, useState } from "react";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Empty, ErrorState, Loading } from "../../components/states.tsx";
import { useResourceTypes } from "../../data.ts";
import { formatDateTime, formatRelative } from "../../format.ts";
import { Link, navigate, useSearchParams } from "../../router.tsx";
import { useSession } from "../../session.tsx";
import { type Resource, useResourceList } from "./data.ts";
import { may } from "./may.ts";
import { NewResourceModal } from "./NewResourceModal.tsx";
import { typeLabel, typePlural } from "./words.ts";

/**
 * The resources of the organization (apps, sites, workspaces, datasets and
 * the organization itself), by type and by search, each a link to its
 * permissions page; and registering a new one. Type and search live in the
 * query string, so the back button and a shared link keep them.
 */
export function ResourcesPage() {
  const types = useResourceTypes();
  const allowed = may(useSession());
  const [search, set] = useSearchParams();
  const type = search.get("type") ?? "";
  const urlQ = search.get("q") ?? "";
  const [text, setText] = useState(urlQ);
  const [debounced] = useDebouncedValue(text, 300);
  const lastQ = useRef(urlQ);
  const [creating, setCreating] = useState(false);

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
      set({ q: q || null }, { replace: true });
    }
  }, [debounced, set]);

  const list = useResourceList(type || undefined, urlQ);
  const rows = list.data?.pages.flatMap((p) => p.resources) ?? [];
  const noun = type ? typeLabel(types.data, type).toLowerCase() : "resource";

  const columns = useMemo<Column<Resource>[]>(
    () => [
      {
        key: "name",
        header: "Name",
        cell: (r) => (
          <Anchor
            component={Link}
            href={`/resources/${encodeURIComponent(r.id)}`}
            fw={500}
            style={{ whiteSpace: "nowrap" }}
          >
            {r.name}
          </Anchor>
        ),
      },
      { key: "key", header: "Key", cell: (r) => <Text size="sm">{r.key}</Text> },
      {
        key: "type",
        header: "Type",
        cell: (r) => (
          <Badge variant="light" color="gray" tt="none">
            {typeLabel(types.data, r.type)}
          </Badge>
        ),
      },
      {
        key: "created",
        header: "Added",
        cell: (r) => (
          <Text size="sm" title={formatDateTime(r.createdAt)}>
            {formatRelative(r.createdAt)}
          </Text>
        ),
      },
    ],
    [types.data],
  );

  return (
    <>
      <PageHeader
        title="Permissions"
        description="Choose an app, site, workspace or dataset to see and change who may use it."
        actions={allowed.catalog && <Button onClick={() => setCreating(true)}>New resource</Button>}
      />

      <Paper withBorder p="sm" mb="md">
        <Group align="flex-end" gap="sm" wrap="wrap">
          {types.data && (
            <Box style={{ maxWidth: "100%", overflowX: "auto" }}>
              <SegmentedControl
                aria-label="Resource type"
                value={type || "all"}
                onChange={(v) => set({ type: v === "all" ? null : v })}
                data={[
                  { value: "all", label: "All" },
                  ...types.data.map((t) => ({ value: t.key, label: typePlural(types.data, t.key) })),
                ]}
              />
            </Box>
          )}
          <TextInput
            label="Search"
            placeholder="Name or key"
            type="search"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            style={{ flex: "1 1 14rem" }}
          />
        </Group>
      </Paper>

      {list.isPending ? (
        <Loading label="Loading resources…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        urlQ ? (
          <Empty
            title={`No ${noun} matches`}
            action={
              <Button
                variant="light"
                onClick={() => {
                  setText("");
                  set({ q: null });
                }}
              >
                Clear the search
              </Button>
            }
          >
            Try another name or key.
          </Empty>
        ) : (
          <Empty
            title={`No ${noun}s yet`}
            action={allowed.catalog && <Button onClick={() => setCreating(true)}>New resource</Button>}
          >
            The platform registers its resources through the API; you can add one here too.
          </Empty>
        )
      ) : (
        <Box
          style={{ opacity: list.isPlaceholderData ? 0.6 : 1, transition: "opacity 120ms" }}
          aria-busy={list.isFetching}
        >
          <DataTable
            caption={
              type ? `${typePlural(types.data, type)} of the organization` : "Resources of the organization"
            }
            rows={rows}
            columns={columns}
            rowId={(r) => r.id}
            minWidth={560}
          />
          {list.hasNextPage && (
            <Group justify="center" mt="md">
              <Button
                variant="default"
                size="xs"
                loading={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                Show more
              </Button>
            </Group>
          )}
        </Box>
      )}

      {creating && (
        <NewResourceModal
          initialType={type}
          onClose={() => setCreating(false)}
          onCreated={(r) => navigate(`/resources/${encodeURIComponent(r.id)}`)}
        />
      )}
    </>
  );
}

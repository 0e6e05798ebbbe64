import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Code,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useMemo, useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Empty, ErrorState, Loading } from "../../components/states.tsx";
import { formatDateTime, formatRelative, plural } from "../../format.ts";
import { Link, useSearchParams } from "../../router.tsx";
import { type FilterRow, type Placeholder, useDatasets, useFilterList, useRemoveFilter } from "./data.ts";
import { FilterEditor } from "./FilterEditor.tsx";
import { FilterPreviewPanel } from "./FilterPreviewPanel.tsx";
import type { Picked } from "./pickers.tsx";

type Dialog = { kind: "add" } | { kind: "edit"; filter: FilterRow } | { kind: "remove"; filter: FilterRow };

const subjectHref = (f: FilterRow) =>
  `/${f.subject.kind === "group" ? "groups" : "users"}/${encodeURIComponent(f.subject.id)}`;

/**
 * Data filters (row-level security): the filters by dataset and by group or
 * user, an editor in the text syntax, removal with a confirmation, and a
 * preview of the SQL a chosen user's queries get.
 */
export function FiltersPage() {
  const [search, setSearch] = useSearchParams();
  const datasetFilter = search.get("dataset") ?? undefined;
  const subjectFilter = search.get("subject") ?? "";
  const list = useFilterList(datasetFilter);
  const shown = useMemo(() => {
    const q = subjectFilter.trim().toLowerCase();
    return q ? list.data?.filter((f) => f.subjectName.toLowerCase().includes(q)) : list.data;
  }, [list.data, subjectFilter]);
  const all = useFilterList(undefined);
  const datasets = useDatasets();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [previewDataset, setPreviewDataset] = useState<Picked | null>(null);
  const [previewUser, setPreviewUser] = useState<Picked | null>(null);
  const [placeholder, setPlaceholder] = useState<Placeholder>("dollar");
  const remove = useRemoveFilter();

  const columns = useMemo<Column<FilterRow>[]>(
    () => [
      {
        key: "dataset",
        header: "Dataset",
        cell: (f) => (
          <Text size="sm" fw={500} style={{ whiteSpace: "nowrap" }}>
            {f.resourceName}
          </Text>
        ),
      },
      {
        key: "subject",
        header: "Applies to",
        cell: (f) => (
          <Group gap={6} wrap="nowrap">
            <Badge variant="light" color={f.subject.kind === "group" ? "blue" : "grape"} tt="none">
              {f.subject.kind === "group" ? "Group" : "User"}
            </Badge>
            <Anchor component={Link} href={subjectHref(f)} size="sm" style={{ whiteSpace: "nowrap" }}>
              {f.subjectName}
            </Anchor>
          </Group>
        ),
      },
      {
        key: "filter",
        header: "Filter",
        cell: (f) => <Code style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{f.expression}</Code>,
      },
      {
        key: "updated",
        header: "Changed",
        cell: (f) => (
          <Text size="sm" title={formatDateTime(f.updatedAt)} style={{ whiteSpace: "nowrap" }}>
            {formatRelative(f.updatedAt)}
          </Text>
        ),
      },
      {
        key: "actions",
        header: "Actions",
        cell: (f) => (
          <Group gap={4} wrap="nowrap">
            <Button
              size="compact-sm"
              variant="subtle"
              aria-label={`Edit the filter of ${f.subjectName} on ${f.resourceName}`}
              onClick={() => setDialog({ kind: "edit", filter: f })}
            >
              Edit
            </Button>
            <Button
              size="compact-sm"
              variant="subtle"
              color="red"
              aria-label={`Remove the filter of ${f.subjectName} on ${f.resourceName}`}
              onClick={() => {
                remove.reset();
                setDialog({ kind: "remove", filter: f });
              }}
            >
              Remove
            </Button>
            <Button
              size="compact-sm"
              variant="subtle"
              color="gray"
              aria-label={`Preview ${f.resourceName}`}
              onClick={() => {
                setPreviewDataset({ value: f.resourceId, label: f.resourceName });
                if (f.subject.kind === "user") setPreviewUser({ value: f.subject.id, label: f.subjectName });
                document.getElementById("preview-title")?.scrollIntoView({ behavior: "smooth" });
              }}
            >
              Preview
            </Button>
          </Group>
        ),
      },
    ],
    [remove],
  );

  const chosenDataset = datasets.data?.find((d) => d.id === datasetFilter);
  const removing = dialog?.kind === "remove" ? dialog.filter : null;

  return (
    <>
      <PageHeader
        title="Data filters"
        description="Row-level security: which rows of a dataset a group or a user sees when they query it."
        actions={<Button onClick={() => setDialog({ kind: "add" })}>Add a filter</Button>}
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

      <Stack gap="lg">
        <Box>
          <Paper withBorder p="sm" mb="md">
            <Group align="flex-end" gap="sm">
              <Select
                label="Dataset"
                placeholder="Every dataset"
                clearable
                searchable
                data={(datasets.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
                value={datasetFilter ?? null}
                onChange={(v) => setSearch({ dataset: v })}
                nothingFoundMessage={datasets.isPending ? "Loading datasets…" : "No dataset by that name"}
                w={{ base: "100%", xs: 260 }}
              />
              <TextInput
                label="Group or user"
                placeholder="Name or email"
                type="search"
                value={subjectFilter}
                onChange={(e) => setSearch({ subject: e.currentTarget.value }, { replace: true })}
                w={{ base: "100%", xs: 240 }}
              />
              {shown && (
                <Text size="sm" c="dimmed" aria-live="polite">
                  {plural(shown.length, "filter")}
                  {chosenDataset ? ` on ${chosenDataset.name}` : ""}
                </Text>
              )}
            </Group>
          </Paper>

          {list.isPending ? (
            <Loading label="Loading data filters…" />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : !shown || shown.length === 0 ? (
            datasetFilter || subjectFilter ? (
              <Empty
                title={subjectFilter ? "No filter matches" : "No filter on this dataset"}
                action={
                  <Button variant="light" onClick={() => setSearch({ dataset: null, subject: null })}>
                    Show every filter
                  </Button>
                }
              >
                {subjectFilter
                  ? "No filter of a group or user by that name."
                  : "Whoever may query it sees every row."}
              </Empty>
            ) : (
              <Empty
                title="No data filters yet"
                action={<Button onClick={() => setDialog({ kind: "add" })}>Add a filter</Button>}
              >
                Without a filter, whoever may query a dataset sees every row of it.
              </Empty>
            )
          ) : (
            <Box style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }} aria-busy={list.isFetching}>
              <DataTable
                caption="Data filters"
                rows={shown}
                columns={columns}
                rowId={(f) => f.id}
                minWidth={820}
              />
            </Box>
          )}
        </Box>

        <FilterPreviewPanel
          dataset={previewDataset}
          onDataset={setPreviewDataset}
          user={previewUser}
          onUser={setPreviewUser}
          placeholder={placeholder}
          onPlaceholder={setPlaceholder}
        />
      </Stack>

      {(dialog?.kind === "add" || dialog?.kind === "edit") && (
        <FilterEditor
          key={dialog.kind === "edit" ? dialog.filter.id : "add"}
          filter={dialog.kind === "edit" ? dialog.filter : undefined}
          existing={all.data ?? []}
          initialDataset={chosenDataset ? { value: chosenDataset.id, label: chosenDataset.name } : null}
          onClose={() => setDialog(null)}
          onSaved={({ message, dataset }) => {
            setNotice(message);
            // The preview follows the dataset just filtered.
            if (previewDataset?.value !== dataset.value) setPreviewDataset(dataset);
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          opened
          title={`Remove the filter of ${removing.subjectName} on ${removing.resourceName}?`}
          confirmLabel="Remove filter"
          pending={remove.isPending}
          error={remove.error}
          onClose={() => setDialog(null)}
          onConfirm={() =>
            remove.mutate(removing.id, {
              onSuccess: () => {
                setDialog(null);
                setNotice(`Removed the filter of ${removing.subjectName} on ${removing.resourceName}.`);
              },
            })
          }
        >
          <Stack gap="xs">
            <Text size="sm">
              <Code>{removing.expression}</Code>
            </Text>
            <Text size="sm">
              {removing.subject.kind === "group"
                ? `Members of ${removing.subjectName} who may query ${removing.resourceName} through its rules will see every row of it, unless another path filters them.`
                : `${removing.subjectName} will see every row of ${removing.resourceName} through their own rules, unless another path filters them.`}
            </Text>
          </Stack>
        </ConfirmDialog>
      )}
    </>
  );
}

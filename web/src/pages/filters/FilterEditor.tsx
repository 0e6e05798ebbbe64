import { Button, Code, Group, Input, Modal, SegmentedControl, Stack, Text, Textarea } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError } from "../../api.ts";
import { GroupSelect } from "../../components/GroupSelect.tsx";
import { FormError } from "../../components/states.tsx";
import { useGroups } from "../../data.ts";
import { caretAt } from "./caret.ts";
import { type FilterRow, useSetFilter } from "./data.ts";
import { type Picked, ResourceSearchSelect, UserSearchSelect } from "./pickers.tsx";

/**
 * Adds or edits the row filter a group or a user carries on a dataset, in
 * the text syntax. The server parses it: a syntax error comes back with the
 * position where the filter goes wrong, shown under the text with a caret.
 */

export const SYNTAX_HELP =
  "Compare columns with values: region = EMEA, country in (France, Spain), status != closed; " +
  "combine with and, or and parentheses; {{user.region}} takes the value of the user's region attribute.";

export function FilterEditor({
  filter,
  existing,
  initialDataset,
  onClose,
  onSaved,
}: {
  /** The filter to edit; none to add one. */
  filter?: FilterRow | undefined;
  /** Every filter, to say when saving replaces one. */
  existing: readonly FilterRow[];
  initialDataset?: Picked | null | undefined;
  onClose: () => void;
  onSaved: (saved: { message: string; dataset: Picked }) => void;
}) {
  const save = useSetFilter();
  const [dataset, setDataset] = useState<Picked | null>(
    filter ? { value: filter.resourceId, label: filter.resourceName } : (initialDataset ?? null),
  );
  const [kind, setKind] = useState<"group" | "user">(filter?.subject.kind ?? "group");
  const [groupId, setGroupId] = useState<string | null>(
    filter?.subject.kind === "group" ? filter.subject.id : null,
  );
  const [groupName, setGroupName] = useState<string | null>(
    filter?.subject.kind === "group" ? filter.subjectName : null,
  );
  const [user, setUser] = useState<Picked | null>(
    filter?.subject.kind === "user" ? { value: filter.subject.id, label: filter.subjectName } : null,
  );
  const [expression, setExpression] = useState(filter?.expression ?? "");
  const [touched, setTouched] = useState(false);

  const subjectId = kind === "group" ? groupId : (user?.value ?? null);
  const subjectName = kind === "group" ? groupName : (user?.label ?? null);
  const errors = {
    dataset: dataset ? null : "Choose the dataset the filter applies to.",
    subject: subjectId ? null : kind === "group" ? "Choose a group." : "Choose a user.",
    expression: expression.trim() ? null : "Write the filter, e.g. region = EMEA.",
  };
  const replaces =
    !filter && dataset && subjectId
      ? existing.find(
          (f) => f.resourceId === dataset.value && f.subject.kind === kind && f.subject.id === subjectId,
        )
      : undefined;

  // A syntax error is shown in place; any other refusal above the buttons.
  const parseError =
    save.error instanceof ApiError && save.error.code === "filter.invalid" ? save.error : null;
  const position = typeof parseError?.details?.position === "number" ? parseError.details.position : null;
  const caret = position !== null && parseError ? caretAt(save.variables?.expression ?? "", position) : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (errors.dataset || errors.subject || errors.expression || !dataset || !subjectId) return;
    save.mutate(
      { subject: { kind, id: subjectId }, resourceId: dataset.value, expression: expression.trim() },
      {
        onSuccess: () => {
          onSaved({
            message: `Saved the filter of ${subjectName ?? "the subject"} on ${dataset.label}.`,
            dataset,
          });
          onClose();
        },
      },
    );
  };

  const title = filter
    ? `Edit the filter of ${filter.subjectName} on ${filter.resourceName}`
    : "Add a data filter";
  return (
    <Modal opened onClose={onClose} closeButtonProps={{ "aria-label": "Close" }} title={title} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <ResourceSearchSelect
            label="Dataset"
            type="dataset"
            noun="dataset"
            required
            value={dataset}
            onChange={setDataset}
            disabled={Boolean(filter)}
            error={touched ? (errors.dataset ?? undefined) : undefined}
          />
          <Stack gap={6}>
            <Input.Label id="filter-applies-to">Applies to</Input.Label>
            <SegmentedControl
              aria-labelledby="filter-applies-to"
              disabled={Boolean(filter)}
              value={kind}
              onChange={(v) => setKind(v === "user" ? "user" : "group")}
              data={[
                { value: "group", label: "A group" },
                { value: "user", label: "A user" },
              ]}
              style={{ alignSelf: "flex-start" }}
            />
            {kind === "group" ? (
              filter ? (
                <Text size="sm">{filter.subjectName}</Text>
              ) : (
                <GroupPicker
                  value={groupId}
                  onChange={(id, name) => {
                    setGroupId(id);
                    setGroupName(name);
                  }}
                  error={touched ? (errors.subject ?? undefined) : undefined}
                />
              )
            ) : (
              <UserSearchSelect
                label="User"
                value={user}
                onChange={setUser}
                disabled={Boolean(filter)}
                error={touched ? (errors.subject ?? undefined) : undefined}
              />
            )}
          </Stack>
          <div>
            <Textarea
              label="Filter"
              description={SYNTAX_HELP}
              placeholder="region = {{user.region}} and country in (France, Spain)"
              autosize
              minRows={3}
              maxRows={10}
              value={expression}
              onChange={(e) => {
                setExpression(e.currentTarget.value);
                if (parseError) save.reset();
              }}
              error={
                parseError
                  ? `${parseError.message}${caret ? ` (line ${caret.line}, column ${caret.column})` : ""}`
                  : touched
                    ? (errors.expression ?? undefined)
                    : undefined
              }
              styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
              data-autofocus
            />
            {caret && (
              <Code block mt={6} aria-label="Where the filter goes wrong" c="red">
                {caret.marker}
              </Code>
            )}
          </div>
          {replaces && (
            <Text size="sm" c="dimmed" role="status">
              {replaces.subjectName} already has a filter on {replaces.resourceName} (
              <Code>{replaces.expression}</Code>): saving replaces it.
            </Text>
          )}
          {!parseError && <FormError error={save.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save filter
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A group, by name, with its name for the messages. */
function GroupPicker({
  value,
  onChange,
  error,
}: {
  value: string | null;
  onChange: (id: string | null, name: string | null) => void;
  error?: string | undefined;
}) {
  const groups = useGroups();
  return (
    <Stack gap={4}>
      <GroupSelect
        label="Group"
        placeholder="Search groups"
        value={value}
        onChange={(id) => onChange(id, groups.data?.find((g) => g.id === id)?.name ?? null)}
      />
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

import { MultiSelect, Select } from "@mantine/core";
import type { GroupSummary } from "../api.ts";
import { useGroups } from "../data.ts";

/**
 * Pickers over the organization's groups, searchable by name. `only` keeps
 * the groups that make sense for the task (e.g. `assignable` from data.ts).
 */

/** Options shown at once: with thousands of groups, typing narrows the list. */
const LIMIT = 100;

function options(groups: readonly GroupSummary[] | undefined, only?: (g: GroupSummary) => boolean) {
  return (groups ?? []).filter((g) => !only || only(g)).map((g) => ({ value: g.id, label: g.name }));
}

export function GroupMultiSelect({
  label,
  value,
  onChange,
  only,
  description,
}: {
  label: string;
  value: string[];
  onChange: (ids: string[]) => void;
  only?: (g: GroupSummary) => boolean;
  description?: string;
}) {
  const groups = useGroups();
  return (
    <MultiSelect
      label={label}
      description={description}
      data={options(groups.data, only)}
      value={value}
      onChange={onChange}
      searchable
      clearable
      limit={LIMIT}
      nothingFoundMessage={groups.isPending ? "Loading groups…" : "No group by that name"}
      placeholder={value.length === 0 ? "Search groups" : undefined}
      error={groups.isError ? "The groups could not be loaded." : undefined}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function GroupSelect({
  label,
  value,
  onChange,
  placeholder,
}: {
  label: string;
  value: string | null;
  onChange: (id: string | null) => void;
  placeholder?: string;
}) {
  const groups = useGroups();
  return (
    <Select
      label={label}
      data={options(groups.data)}
      value={value}
      onChange={onChange}
      searchable
      clearable
      limit={LIMIT}
      placeholder={placeholder}
      nothingFoundMessage={groups.isPending ? "Loading groups…" : "No group by that name"}
    />
  );
}

import { MultiSelect, Select, Stack } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api.ts";
import { keys } from "../../data.ts";
import { fullName } from "../../format.ts";
import type { Picked, ScopeKind } from "./privileges.ts";

/**
 * Pickers that search the server as one types (the organization may have
 * 100,000 users or thousands of apps, so nothing is loaded whole): users by
 * name or email, and the resources of a type with "all current" and "all
 * current and future" of that type.
 */

function SearchMultiSelect({
  label,
  description,
  placeholder,
  value,
  onChange,
  queryKey,
  search,
  error,
}: {
  label: string;
  description?: string;
  placeholder: string;
  value: readonly Picked[];
  onChange: (next: Picked[]) => void;
  queryKey: readonly unknown[];
  search: (q: string) => Promise<Picked[]>;
  error?: string | undefined;
}) {
  const [text, setText] = useState("");
  const [opened, setOpened] = useState(false);
  const [q] = useDebouncedValue(text.trim(), 250);
  const results = useQuery({
    queryKey: [...queryKey, q],
    queryFn: () => search(q),
    enabled: opened || q !== "",
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  // The chosen ones stay in the options (a pill needs its label), then what the search found.
  const known = new Map<string, Picked>();
  for (const p of value) known.set(p.value, p);
  for (const p of results.data ?? []) if (!known.has(p.value)) known.set(p.value, p);
  return (
    <MultiSelect
      label={label}
      description={description}
      placeholder={value.length === 0 ? placeholder : undefined}
      data={[...known.values()]}
      value={value.map((p) => p.value)}
      onChange={(ids) => onChange(ids.map((id) => known.get(id) ?? { value: id, label: id }))}
      searchable
      searchValue={text}
      onSearchChange={setText}
      onDropdownOpen={() => setOpened(true)}
      // The server searched already: show what it found.
      filter={({ options }) => options}
      nothingFoundMessage={
        results.isFetching
          ? "Searching…"
          : results.isError
            ? "The search failed: try again."
            : "Nothing found"
      }
      error={error}
      clearable
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** Users of the organization, searched by name or email. */
export function UserPicker({
  label,
  description,
  value,
  onChange,
}: {
  label: string;
  description?: string;
  value: readonly Picked[];
  onChange: (next: Picked[]) => void;
}) {
  return (
    <SearchMultiSelect
      label={label}
      {...(description !== undefined && { description })}
      placeholder="Search by name or email"
      value={value}
      onChange={onChange}
      queryKey={[...keys.users, "picker"]}
      search={async (q) => {
        const page = await api.users.list({ limit: 20, ...(q && { q }) });
        return page.users.map((u) => ({ value: u.id, label: `${fullName(u)} (${u.email})` }));
      }}
    />
  );
}

/**
 * The resources of one type a privilege is on: some of them (searched), all
 * current ones (those that exist now), or all current and future ones (those
 * registered later too).
 */
export function ResourcePicker({
  type,
  typeLabel,
  scope,
  onScope,
  value,
  onChange,
  error,
}: {
  type: string;
  typeLabel: string;
  scope: ScopeKind;
  onScope: (scope: ScopeKind) => void;
  value: readonly Picked[];
  onChange: (next: Picked[]) => void;
  error?: string | undefined;
}) {
  const plural = `${typeLabel.toLowerCase()}s`;
  return (
    <Stack gap="xs">
      <Select
        label={`Which ${plural}`}
        allowDeselect={false}
        data={[
          { value: "some", label: `Some ${plural}` },
          { value: "all_current", label: `All current ${plural}` },
          { value: "all_current_and_future", label: `All current and future ${plural}` },
        ]}
        value={scope}
        onChange={(v) => onScope((v ?? "some") as ScopeKind)}
        description={
          scope === "all_current"
            ? `Every ${typeLabel.toLowerCase()} that exists now; ${plural} added later are not included.`
            : scope === "all_current_and_future"
              ? `Every ${typeLabel.toLowerCase()}, including those added later.`
              : undefined
        }
        comboboxProps={{ withinPortal: true }}
      />
      {scope === "some" && (
        <SearchMultiSelect
          label={`${typeLabel}s`}
          placeholder={`Search ${plural} by name or key`}
          value={value}
          onChange={onChange}
          queryKey={["resources", "picker", type]}
          search={async (q) => {
            const page = await api.resources.list({ type, limit: 20, ...(q && { q }) });
            return page.resources.map((r) => ({ value: r.id, label: r.name }));
          }}
          error={error}
        />
      )}
    </Stack>
  );
}

import { MultiSelect, Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api.ts";
import { keys } from "../../data.ts";
import { fullName } from "../../format.ts";

/**
 * Pickers that search the server as one types (an organization may hold
 * 100,000 users and thousands of datasets, so nothing is loaded whole):
 * one user by name or email, and one or several resources of a type. Used
 * by the data filters and the delegations pages.
 */

/** A chosen item: its id and what a person reads. */
export type Picked = { readonly value: string; readonly label: string };

type Search = { queryKey: readonly unknown[]; search: (q: string) => Promise<Picked[]> };

function useSearch({ queryKey, search }: Search, text: string, opened: boolean) {
  const [q] = useDebouncedValue(text.trim(), 250);
  return useQuery({
    queryKey: [...queryKey, q],
    queryFn: () => search(q),
    enabled: opened || q !== "",
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

function nothingFound(results: ReturnType<typeof useSearch>): string {
  if (results.isFetching) return "Searching…";
  return results.isError ? "The search failed: try again." : "Nothing found";
}

type Common = {
  label: string;
  description?: string | undefined;
  placeholder: string;
  error?: string | undefined;
  disabled?: boolean | undefined;
  required?: boolean | undefined;
};

function SearchSelect({
  value,
  onChange,
  ...props
}: Common & Search & { value: Picked | null; onChange: (next: Picked | null) => void }) {
  const [text, setText] = useState(value?.label ?? "");
  const [opened, setOpened] = useState(false);
  // Typing the chosen label again is not a new search.
  const results = useSearch(props, text === value?.label ? "" : text, opened);
  const known = new Map<string, Picked>();
  if (value) known.set(value.value, value);
  for (const p of results.data ?? []) if (!known.has(p.value)) known.set(p.value, p);
  return (
    <Select
      label={props.label}
      description={props.description}
      placeholder={props.placeholder}
      required={props.required}
      disabled={props.disabled}
      data={[...known.values()]}
      value={value?.value ?? null}
      onChange={(id) => onChange(id ? (known.get(id) ?? null) : null)}
      searchable
      searchValue={text}
      onSearchChange={setText}
      onDropdownOpen={() => setOpened(true)}
      // The server searched already: show what it found.
      filter={({ options }) => options}
      nothingFoundMessage={nothingFound(results)}
      error={props.error}
      clearable
      comboboxProps={{ withinPortal: true }}
    />
  );
}

function SearchMultiSelect({
  value,
  onChange,
  ...props
}: Common & Search & { value: readonly Picked[]; onChange: (next: Picked[]) => void }) {
  const [text, setText] = useState("");
  const [opened, setOpened] = useState(false);
  const results = useSearch(props, text, opened);
  const known = new Map<string, Picked>();
  for (const p of value) known.set(p.value, p);
  for (const p of results.data ?? []) if (!known.has(p.value)) known.set(p.value, p);
  return (
    <MultiSelect
      label={props.label}
      description={props.description}
      placeholder={value.length === 0 ? props.placeholder : undefined}
      required={props.required}
      disabled={props.disabled}
      data={[...known.values()]}
      value={value.map((p) => p.value)}
      onChange={(ids) => onChange(ids.map((id) => known.get(id) ?? { value: id, label: id }))}
      searchable
      searchValue={text}
      onSearchChange={setText}
      onDropdownOpen={() => setOpened(true)}
      filter={({ options }) => options}
      nothingFoundMessage={nothingFound(results)}
      error={props.error}
      clearable
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** The label of a user in a picker: "Alice Martin (alice@x.test)", marked when deactivated. */
export function userLabel(u: {
  firstName: string;
  lastName: string;
  email: string;
  status?: "active" | "deactivated";
}): string {
  const name = fullName(u);
  const who = name === u.email ? u.email : `${name} (${u.email})`;
  return u.status === "deactivated" ? `${who}, deactivated` : who;
}

const searchUsers: Search = {
  queryKey: [...keys.users, "picker"],
  search: async (q) => {
    const page = await api.users.list({ limit: 20, ...(q && { q }) });
    return page.users.map((u) => ({ value: u.id, label: userLabel(u) }));
  },
};

/** One user of the organization, searched by name or email. */
export function UserSearchSelect(
  props: Omit<Common, "placeholder"> & { value: Picked | null; onChange: (next: Picked | null) => void },
) {
  return <SearchSelect placeholder="Search by name or email" {...searchUsers} {...props} />;
}

function searchResources(type: string): Search {
  return {
    queryKey: ["resources", "picker", type],
    search: async (q) => {
      const page = await api.resources.list({ type, limit: 20, ...(q && { q }) });
      return page.resources.map((r) => ({ value: r.id, label: r.name }));
    },
  };
}

/** One resource of a type (a dataset, an app...), searched by name or key. */
export function ResourceSearchSelect({
  type,
  noun,
  ...props
}: Omit<Common, "placeholder"> & {
  type: string;
  /** "dataset", "app": for the placeholder. */
  noun: string;
  value: Picked | null;
  onChange: (next: Picked | null) => void;
}) {
  return (
    <SearchSelect
      key={type}
      placeholder={`Search ${noun}s by name or key`}
      {...searchResources(type)}
      {...props}
    />
  );
}

/** Several resources of a type, searched by name or key. */
export function ResourceMultiSelect({
  type,
  noun,
  ...props
}: Omit<Common, "placeholder"> & {
  type: string;
  noun: string;
  value: readonly Picked[];
  onChange: (next: Picked[]) => void;
}) {
  return (
    <SearchMultiSelect
      key={type}
      placeholder={`Search ${noun}s by name or key`}
      {...searchResources(type)}
      {...props}
    />
  );
}

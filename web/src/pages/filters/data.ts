import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type * as C from "../../../../src/contracts/index.ts";
import { api, type In, type Out } from "../../api.ts";
import { keys } from "../../data.ts";

/** The data filters area's queries and writes. Every write invalidates what it changed. */

export type FilterRow = Out<typeof C.FilterList>["filters"][number];
export type FilterPreview = Out<typeof C.FilterPreview>;
export type Placeholder = "dollar" | "question";

/** Every key of this area starts with "filters" (the group page's list of filters too). */
export const filterKeys = { all: ["filters"] as const };

export function useFilterList(resource: string | undefined) {
  return useQuery({
    queryKey: [...filterKeys.all, "list", resource ?? null],
    queryFn: () => api.filters.list(resource ? { resource } : {}),
    select: (d) => d.filters,
    placeholderData: keepPreviousData,
  });
}

/** The organization's datasets, by name (for the dataset filter of the list). */
export function useDatasets() {
  return useQuery({
    queryKey: ["resources", "datasets"],
    queryFn: () => api.resources.list({ type: "dataset", limit: 500 }),
    select: (d) => d.resources,
    staleTime: 60_000,
  });
}

/** What the check API answers for this user on this dataset: no access, unfiltered, or filtered with its SQL. */
export function useFilterPreview(resource: string | null, user: string | null, placeholder: Placeholder) {
  return useQuery({
    queryKey: [...filterKeys.all, "preview", resource, user, placeholder],
    queryFn: () => api.filters.preview({ resource: resource!, user: user!, placeholder }),
    enabled: Boolean(resource && user),
    placeholderData: keepPreviousData,
  });
}

function useInvalidate() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: filterKeys.all }),
      client.invalidateQueries({ queryKey: keys.groups }),
      client.invalidateQueries({ queryKey: keys.audit }),
    ]);
}

export function useSetFilter() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: In<typeof C.FilterBody>) => api.filters.set(body),
    onSuccess: invalidate,
  });
}

export function useRemoveFilter() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.filters.remove(id), onSuccess: invalidate });
}

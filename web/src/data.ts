import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type GroupSummary } from "./api.ts";

/**
 * Query keys and the queries several pages share. A page's own queries live
 * next to it (pages/<area>/data.ts) and use these keys, so a write can
 * invalidate what it changed: `client.invalidateQueries({ queryKey: keys.users })`.
 */
export const keys = {
  me: ["me"] as const,
  users: ["users"] as const,
  user: (id: string) => ["users", "one", id] as const,
  groups: ["groups"] as const,
  resourceTypes: ["resource-types"] as const,
  audit: ["audit"] as const,
};

/** Every group of the organization, by name (the groups table's summary rows). */
export function useGroups() {
  return useQuery({
    queryKey: [...keys.groups, "all"],
    queryFn: () => api.groups.list(),
    select: (d) => d.groups,
    placeholderData: keepPreviousData,
  });
}

/** Groups a person can be put in by hand: not Everyone, not Administrators (that is the role), not all-users groups. */
export function assignable(g: GroupSummary): boolean {
  return g.system !== "everyone" && g.system !== "administrators" && !g.allUsers;
}

/** The organization's resource types, in catalog order. */
export function useResourceTypes() {
  return useQuery({
    queryKey: keys.resourceTypes,
    queryFn: () => api.catalog.resourceTypes(),
    select: (d) => d.resourceTypes,
    staleTime: 5 * 60_000,
  });
}

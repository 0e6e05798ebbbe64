import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type * as C from "../../../../src/contracts/index.ts";
import { api, type In, type Out } from "../../api.ts";
import { keys } from "../../data.ts";

/** The groups area's queries and writes. Every write invalidates what it changed. */

export type GroupDetail = Out<typeof C.GroupDetail>;
export type GroupRuleRow = Out<typeof C.GroupRuleRow>;
export type NewGroupBody = In<typeof C.NewGroupDefinitionBody>;
export type GroupDefinitionBody = In<typeof C.GroupDefinitionBody>;
export type GroupPrivilegeBody = In<typeof C.GroupPrivilege>;
export type Notify = Out<typeof C.Notify>;
export type DataFilterRow = Out<typeof C.FilterList>["filters"][number];

export const group = (id: string) => [...keys.groups, "one", id] as const;

/** The groups table: every group whose name contains `q`, with its summary. */
export function useGroupList(q: string) {
  return useQuery({
    queryKey: [...keys.groups, "list", q],
    queryFn: () => api.groups.list(q ? { q } : {}),
    select: (d) => d.groups,
    placeholderData: keepPreviousData,
  });
}

export function useGroup(id: string) {
  return useQuery({ queryKey: group(id), queryFn: () => api.groups.get(id) });
}

/** A group above this one, reached through `path` (the groups between, from this one up, this one first). */
export type Ancestor = { detail: GroupDetail; path: string[] };

/**
 * Every group this one is nested in, directly or through other groups, each
 * with the path that reaches it, walking up the parents of the group pages
 * (each fetched once, shared with the pages' own cache).
 */
export function useAncestors(start: GroupDetail) {
  const client = useQueryClient();
  const fetchGroup = (id: string) =>
    client.fetchQuery({ queryKey: group(id), queryFn: () => api.groups.get(id) });
  return useQuery({
    queryKey: [...keys.groups, "ancestors", start.group.id, start.parents.map((p) => p.id)],
    queryFn: async () => {
      const found: Ancestor[] = [];
      const seen = new Set([start.group.id]);
      let frontier = start.parents.map((p) => ({ id: p.id, path: [start.group.name] }));
      while (frontier.length > 0) {
        const next: typeof frontier = [];
        const details = await Promise.all(frontier.map((f) => fetchGroup(f.id)));
        details.forEach((detail, i) => {
          const path = frontier[i]!.path;
          if (seen.has(detail.group.id)) return;
          seen.add(detail.group.id);
          found.push({ detail, path });
          for (const p of detail.parents) next.push({ id: p.id, path: [...path, detail.group.name] });
        });
        frontier = next.filter((f) => !seen.has(f.id));
      }
      return found;
    },
  });
}

export const MEMBERS_PAGE = 25;

/** The users of a group, directly or through nested groups, a page at a time (the users API's group filter). */
export function useMemberPage(groupId: string, q: string, cursor: string | undefined) {
  return useQuery({
    queryKey: [...keys.users, "list", { group: groupId, q }, cursor ?? null],
    queryFn: () =>
      api.users.list({
        group: groupId,
        limit: MEMBERS_PAGE,
        ...(q && { q }),
        ...(cursor && { cursor }),
      }),
    placeholderData: keepPreviousData,
  });
}

/** Who is in any of these groups (who loses what they give), and the first few by name. */
export function useUsersOfGroups(groupIds: readonly string[]) {
  return useQuery({
    // Not under keys.groups: a deletion's refresh would ask again about the groups it just deleted.
    queryKey: ["group-reach", [...groupIds].sort()],
    queryFn: () => api.groups.usersOf({ groupIds: [...groupIds], limit: 8 }),
    enabled: groupIds.length > 0,
    // Asked afresh each time a confirmation opens: members may have changed since.
    staleTime: 0,
  });
}

/** Every data filter of the organization (the group page keeps its own). */
export function useDataFilters() {
  return useQuery({
    queryKey: ["filters", "all"],
    queryFn: () => api.filters.list(),
    select: (d) => d.filters,
  });
}

function useInvalidate() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: keys.groups }),
      client.invalidateQueries({ queryKey: keys.users }),
      client.invalidateQueries({ queryKey: keys.audit }),
      client.invalidateQueries({ queryKey: ["rules"] }),
    ]);
}

export function useCreateGroup() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: NewGroupBody) => api.groups.create(body), onSuccess: invalidate });
}

export function useRedefineGroup() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: GroupDefinitionBody }) => api.groups.redefine(id, body),
    onSuccess: invalidate,
  });
}

export function useSetNotify() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, notify }: { id: string; notify: Notify }) => api.groups.update(id, { notify }),
    onSuccess: invalidate,
  });
}

export function useBulkPrivileges() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: { groupIds: string[]; privileges: boolean }) => api.groups.bulkPrivileges(body),
    onSuccess: invalidate,
  });
}

export function useBulkNotify() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: { groupIds: string[]; notify: Notify }) => api.groups.bulkNotify(body),
    onSuccess: invalidate,
  });
}

export function useBulkDelete() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: { groupIds: string[]; force: boolean }) => api.groups.bulkDelete(body),
    // Not awaited: the page of a deleted group moves away at once instead of showing it gone.
    onSuccess: () => void invalidate(),
  });
}

export type MemberChange = { userIds?: string[]; groupIds?: string[] };

export function useAddMembers() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, members }: { id: string; members: MemberChange }) =>
      api.groups.addMembers(id, members),
    onSuccess: invalidate,
  });
}

export function useRemoveMembers() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, members }: { id: string; members: MemberChange }) =>
      api.groups.removeMembers(id, members),
    onSuccess: invalidate,
  });
}

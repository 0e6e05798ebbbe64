import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type * as C from "../../../../src/contracts/index.ts";
import { api, type In, type Out } from "../../api.ts";
import { keys } from "../../data.ts";

/**
 * The permissions area's queries and writes: resources, and the rules that
 * cover one. Every write invalidates what it changed: the rules and
 * resources here, and the users' access, the groups' counts and the audit
 * log elsewhere.
 */

export type Resource = Out<typeof C.Resource>;
export type RulesPage = Out<typeof C.RulesPage>;
export type GroupPermission = Out<typeof C.GroupPermissionRow>;
export type UserPermission = Out<typeof C.UserPermissionRow>;
export type SetRulesBody = In<typeof C.SetRulesBody>;
export type SetRulesResult = Out<typeof C.SetRulesResult>;

export const resourceKeys = {
  all: ["resources"] as const,
  one: (id: string) => ["resources", "one", id] as const,
  rules: ["rules"] as const,
};

export const PAGE_SIZE = 50;

/** Resources by name, of one type (or all) and matching a search, a page at a time ("Show more"). */
export function useResourceList(type: string | undefined, q: string) {
  return useInfiniteQuery({
    queryKey: [...resourceKeys.all, "list", type ?? null, q],
    queryFn: ({ pageParam }) =>
      api.resources.list({
        limit: PAGE_SIZE,
        ...(type && { type }),
        ...(q && { q }),
        ...(pageParam && { cursor: pageParam }),
      }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useResource(id: string) {
  return useQuery({ queryKey: resourceKeys.one(id), queryFn: () => api.resources.get(id) });
}

export type PermissionFilters = {
  readonly view: "groups" | "users";
  readonly q: string;
  /** Role names; undefined: every role. */
  readonly roles: readonly string[] | undefined;
  readonly sort: "name" | "recent";
};

/** The groups or users holding a rule that covers the resource, a page at a time. */
export function usePermissions(resourceId: string, filters: PermissionFilters, enabled = true) {
  return useInfiniteQuery({
    enabled,
    queryKey: [...resourceKeys.rules, resourceId, filters],
    queryFn: ({ pageParam }) =>
      api.rules.list({
        resource: resourceId,
        view: filters.view,
        sort: filters.sort,
        limit: PAGE_SIZE,
        ...(filters.q && { q: filters.q }),
        ...(filters.roles && { role: filters.roles.join(",") }),
        ...(pageParam && { cursor: pageParam }),
      }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** The rule a subject already holds on this resource with that scope, if any (to ask before replacing it). */
export async function existingRule(
  resourceId: string,
  subject: { kind: "group"; id: string; name: string } | { kind: "user"; id: string; email: string },
  scope: "resource" | "all_current_and_future",
): Promise<GroupPermission | UserPermission | null> {
  const page = await api.rules.list({
    resource: resourceId,
    view: subject.kind === "group" ? "groups" : "users",
    q: subject.kind === "group" ? subject.name : subject.email,
    limit: 500,
  });
  const rows: (GroupPermission | UserPermission)[] = page.view === "subject" ? [] : page.rows;
  return (
    rows.find(
      (r) => r.scope === scope && ("group" in r ? r.group.id === subject.id : r.user.id === subject.id),
    ) ?? null
  );
}

function useInvalidate() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: resourceKeys.all }),
      client.invalidateQueries({ queryKey: resourceKeys.rules }),
      client.invalidateQueries({ queryKey: keys.users }),
      client.invalidateQueries({ queryKey: keys.groups }),
      client.invalidateQueries({ queryKey: keys.audit }),
    ]);
}

export function useCreateResource() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: In<typeof C.ResourceBody>) => api.resources.create(body),
    onSuccess: invalidate,
  });
}

export function useUpdateResource() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: In<typeof C.ResourcePatchBody> }) =>
      api.resources.update(id, changes),
    onSuccess: invalidate,
  });
}

export function useDeleteResource() {
  const client = useQueryClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api.resources.remove(id),
    onSuccess: async (_, id) => {
      client.removeQueries({ queryKey: resourceKeys.one(id) });
      await invalidate();
    },
  });
}

export function useSetRule() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: SetRulesBody) => api.rules.set(body), onSuccess: invalidate });
}

export function useRemoveRule() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (ruleId: string) => api.rules.remove(ruleId), onSuccess: invalidate });
}

/** Users whose name or email contains `q`, for the add-rule dialog's suggestions. */
export function useUserSuggestions(q: string) {
  return useQuery({
    queryKey: [...keys.users, "suggest", q],
    queryFn: () => api.users.list({ q, limit: 8, sort: "name" }),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  });
}

import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api, type InviteUserBody, type OrgRole, type UpdateUserBody } from "../../api.ts";
import { keys } from "../../data.ts";

/** The users area's queries and writes. Every write invalidates what it changed. */

export const PAGE_SIZE = 50;

export type UserFilters = {
  readonly q?: string | undefined;
  readonly role?: OrgRole | undefined;
  readonly group?: string | undefined;
  readonly status?: "active" | "deactivated" | undefined;
  readonly sort: "name" | "recent";
};

export function useUserPage(filters: UserFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: [...keys.users, "list", filters, cursor ?? null],
    queryFn: () => api.users.list({ ...filters, limit: PAGE_SIZE, ...(cursor && { cursor }) }),
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: string) {
  return useQuery({ queryKey: keys.user(id), queryFn: () => api.users.get(id) });
}

/** What the user can use among the resources of a type, a page at a time ("Show more"). */
export function useUserAccess(id: string, type: string, q: string) {
  return useInfiniteQuery({
    queryKey: [...keys.user(id), "access", type, q],
    queryFn: ({ pageParam }) =>
      api.users.access(id, { type, limit: 25, ...(q && { q }), ...(pageParam && { cursor: pageParam }) }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useExplanation(userId: string, resourceId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.user(userId), "explain", resourceId],
    queryFn: () => api.access.explain(userId, resourceId),
    enabled,
  });
}

/** The latest changes made to a user (the audit entries whose target is them). */
export function useUserAudit(id: string) {
  return useQuery({
    queryKey: [...keys.audit, "target", id],
    queryFn: () => api.audit.search({ target: id, limit: 10 }),
  });
}

function useInvalidate() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: keys.users }),
      client.invalidateQueries({ queryKey: keys.groups }),
      client.invalidateQueries({ queryKey: keys.audit }),
    ]);
}

export type InviteInput = InviteUserBody & { sendLink: boolean };

/** Invites a user, then (optionally) emails them a one-time link to set their password. */
export function useInviteUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ sendLink, ...body }: InviteInput) => {
      const { user } = await api.users.invite(body);
      const link = sendLink ? await api.users.passwordLink(user.id, true) : null;
      return { user, link };
    },
    onSuccess: invalidate,
  });
}

export type EditInput = { id: string; changes: UpdateUserBody; role?: OrgRole | undefined };

/** Saves a user's fields, then their organization role when it changed (a separate endpoint). */
export function useEditUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ id, changes, role }: EditInput) => {
      const written = Object.keys(changes).length > 0 ? await api.users.update(id, changes) : null;
      if (role) await api.users.setRole(id, role);
      return written;
    },
    onSettled: invalidate,
  });
}

export function useSetStatus() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: "active" | "deactivated" }) =>
      api.users.update(id, { status }),
    onSuccess: invalidate,
  });
}

export function useRemoveUser() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.users.remove(id), onSuccess: invalidate });
}

export function useBulkGroups() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: { userIds: string[]; add?: string[]; remove?: string[] }) =>
      api.users.bulkGroups(body),
    onSuccess: invalidate,
  });
}

export function usePasswordLink() {
  return useMutation({ mutationFn: (id: string) => api.users.passwordLink(id, true) });
}

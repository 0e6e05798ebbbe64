import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type * as C from "../../../../src/contracts/index.ts";
import { api, type In } from "../../api.ts";
import { keys } from "../../data.ts";
import { resourceKeys } from "../resources/data.ts";

/** The roles area: previews of a set of capabilities, and custom roles' writes. */

/**
 * What a set of capabilities is as a role, asked of the server: the named role
 * it equals ("this is Analyst") and, with `close`, the dependencies it adds;
 * without `close`, a set missing a dependency is refused as creating it would be.
 */
export function useRolePreview(type: string, capabilities: readonly string[], close: boolean) {
  return useQuery({
    queryKey: ["roles", "preview", type, [...capabilities].sort(), close],
    queryFn: () => api.roles.preview({ type, capabilities: [...capabilities], closeDependencies: close }),
    enabled: capabilities.length > 0,
    staleTime: 60_000,
  });
}

function useInvalidate() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: keys.resourceTypes }),
      client.invalidateQueries({ queryKey: ["roles"] }),
      // Rules show their role's name; users' access shows the highest role.
      client.invalidateQueries({ queryKey: resourceKeys.rules }),
      client.invalidateQueries({ queryKey: keys.users }),
      client.invalidateQueries({ queryKey: keys.groups }),
      client.invalidateQueries({ queryKey: keys.audit }),
    ]);
}

export function useCreateRole() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: In<typeof C.RoleBody>) => api.roles.create(body),
    onSuccess: invalidate,
  });
}

export function useUpdateRole() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: In<typeof C.RolePatchBody> }) =>
      api.roles.update(id, changes),
    onSuccess: invalidate,
  });
}

export function useDeleteRole() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.roles.remove(id), onSuccess: invalidate });
}

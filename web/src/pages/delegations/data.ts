import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type * as C from "../../../../src/contracts/index.ts";
import { api, type In, type Out } from "../../api.ts";
import { keys } from "../../data.ts";

/** The delegations area's queries and writes. Every write invalidates what it changed. */

export type DelegationRow = Out<typeof C.DelegationList>["delegations"][number];

export const delegationKeys = { all: ["delegations"] as const };

export function useDelegations() {
  return useQuery({
    queryKey: delegationKeys.all,
    queryFn: () => api.delegations.list(),
    select: (d) => d.delegations,
  });
}

function useInvalidate() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: delegationKeys.all }),
      // Groups show the delegation they were created under; the session says what its person administers.
      client.invalidateQueries({ queryKey: keys.groups }),
      client.invalidateQueries({ queryKey: keys.audit }),
    ]);
}

export function useCreateDelegation() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: In<typeof C.DelegationBody>) => api.delegations.create(body),
    onSuccess: invalidate,
  });
}

export function useRemoveDelegation() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.delegations.remove(id), onSuccess: invalidate });
}

import {
  type Delegation,
  type DelegationId,
  fail,
  newId,
  type RuleScope,
  type UserId,
} from "../domain/index.ts";
import { deleteDelegation, getDelegation, getUser, insertDelegation } from "../store/index.ts";
import { expandScope } from "./catalog.ts";
import { type CommandContext, requireAdmin, runCommand } from "./context.ts";
import { loadUser } from "./users.ts";

/**
 * Delegates administration of some resources (a scope shaped like a rule's)
 * to a user: they may create groups, manage those groups' members and set
 * their rules inside the scope.
 */
export async function createDelegation(ctx: CommandContext, input: { userId: UserId; scope: RuleScope }) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const user = await loadUser(w, input.userId);
    if (user.status !== "active") fail("user.deactivated", `${user.email} is deactivated.`);
    const { type, resources } = await expandScope(w, input.scope);
    if (resources !== null && resources.length === 0) {
      fail("delegation.invalid", `There are no ${type.def.key} resources to delegate.`);
    }
    const delegation: Delegation = {
      id: newId("delegation"),
      userId: user.id,
      type: type.def.key,
      resourceIds: resources === null ? null : resources.map((r) => r.id),
      createdAt: w.now,
    };
    await insertDelegation(w.tx, w.org.id, delegation);
    w.emit({ type: "delegation.created", delegation });
    w.audit({
      action: "delegation.create",
      targetType: "delegation",
      targetId: delegation.id,
      targetLabel: user.email,
      before: null,
      after: delegation,
    });
    return { delegation };
  });
}

/** Ends a delegation; the groups created under it stay, without the mark. */
export async function removeDelegation(ctx: CommandContext, id: DelegationId) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const delegation =
      (await getDelegation(w.tx, w.org.id, id)) ?? fail("delegation.not_found", `No delegation ${id}.`);
    const delegate = await getUser(w.tx, w.org.id, delegation.userId);
    await deleteDelegation(w.tx, w.org.id, id);
    w.emit({ type: "delegation.removed", delegationId: id });
    w.audit({
      action: "delegation.remove",
      targetType: "delegation",
      targetId: id,
      targetLabel: delegate?.email ?? null,
      before: delegation,
      after: null,
    });
    return { delegation };
  });
}

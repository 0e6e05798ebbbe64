import { fail } from "./errors.ts";
import type { DelegationId, GroupId, ResourceId, UserId } from "./ids.ts";
import type { Delegation, Group, Organization, Resource, RuleScope } from "./model.ts";

/** Custom (non-system) groups need the enterprise plan, however they are created. */
export function assertCustomGroupsAllowed(org: Organization): void {
  if (org.plan !== "enterprise") {
    fail(
      "plan.enterprise_required",
      `Custom groups need the enterprise plan; ${org.name} is on ${org.plan}.`,
      {
        plan: org.plan,
      },
    );
  }
}

/**
 * Nesting `child` into `parent` closes a cycle when parent is child itself or
 * already a member of child, directly or through nesting.
 */
export function wouldCreateCycle(
  membersOf: (group: GroupId) => Iterable<GroupId>,
  parent: GroupId,
  child: GroupId,
): boolean {
  const seen = new Set<GroupId>();
  const stack = [child];
  while (stack.length > 0) {
    const g = stack.pop()!;
    if (g === parent) return true;
    if (seen.has(g)) continue;
    seen.add(g);
    for (const m of membersOf(g)) stack.push(m);
  }
  return false;
}

/**
 * The last active member of Administrators can never be removed, deactivated,
 * demoted or deleted. `before` and `after` are the active administrators
 * around a change, computed inside its transaction.
 */
export function assertAdministratorsRemain(before: readonly UserId[], after: readonly UserId[]): void {
  if (before.length > 0 && after.length === 0) {
    fail(
      "admin.last_administrator",
      "This would leave the organization without an active administrator: add another administrator first.",
      { administrators: before },
    );
  }
}

/** Members of Everyone cannot be added or removed; single users cannot leave an all-users group. */
export function assertMembersEditable(group: Group, change: { users: boolean; removal: boolean }): void {
  if (group.system === "everyone") {
    fail(
      "group.everyone_members",
      "Everyone always holds every user: its members cannot be added or removed.",
    );
  }
  if (group.allUsers && change.users && change.removal) {
    fail(
      "group.all_users",
      `${group.name} takes all current and future users: turn that off before removing single users.`,
    );
  }
}

export function assertNotSystemGroup(group: Group, action: string): void {
  if (group.system !== null) {
    fail("group.system", `${group.name} is a system group: it cannot be ${action}.`, {
      system: group.system,
    });
  }
}

/** The resources a delegation covers; null scope means every resource of its type, now and later. */
export function delegationCovers(delegation: Delegation, resource: Pick<Resource, "id" | "type">): boolean {
  if (resource.type !== delegation.type) return false;
  return delegation.resourceIds === null || delegation.resourceIds.includes(resource.id);
}

/** A delegate manages only groups created under their delegation. */
export function assertDelegateGroup(delegationId: DelegationId, group: Group): void {
  if (group.delegationId !== delegationId) {
    fail("delegation.out_of_scope", `${group.name} was not created under your delegation.`, {
      group: group.id,
    });
  }
}

/** A delegate sets rules only on resources inside the delegated scope. */
export function assertDelegateScope(
  delegation: Delegation,
  scope: RuleScope,
  resources: readonly Pick<Resource, "id" | "type">[],
): void {
  if (scope.kind === "all_current_and_future") {
    if (delegation.resourceIds !== null || delegation.type !== scope.type) {
      fail(
        "delegation.out_of_scope",
        `Your delegation does not cover all future resources of type ${scope.type}.`,
      );
    }
    return;
  }
  const outside: ResourceId[] = resources.filter((r) => !delegationCovers(delegation, r)).map((r) => r.id);
  if (outside.length > 0) {
    fail("delegation.out_of_scope", "Some resources are outside your delegation.", { resources: outside });
  }
}

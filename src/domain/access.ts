import {
  capabilitiesOf,
  DATASET_TYPE,
  maskOf,
  ORGANIZATION_TYPE,
  QUERY_CAPABILITY,
  summarize,
} from "./catalog.ts";
import { fail } from "./errors.ts";
import { combinePaths, type EffectiveFilter, type ResolvedPredicate, resolvePredicate } from "./filters.ts";
import type { GroupId, ResourceId, UserId } from "./ids.ts";
import type { Delegation, OrgRole, Resource, Role, Rule, User } from "./model.ts";
import { type OrgState, sameSubject, systemGroup } from "./state.ts";

/**
 * The naive resolver of effective access: straightforward loops over an
 * OrgState. It is the oracle the compact index is tested against, and it is
 * what commands use on the small states they load. Not for the hot path.
 */

export function getUser(state: OrgState, userId: UserId): User {
  return state.users.get(userId) ?? fail("user.not_found", `No user ${userId}.`);
}

export function getResource(state: OrgState, resourceId: ResourceId): Resource {
  return state.resources.get(resourceId) ?? fail("resource.not_found", `No resource ${resourceId}.`);
}

/** The groups a user is directly in: explicit memberships, Everyone, and all-users groups. */
export function directGroupsOfUser(state: OrgState, userId: UserId): GroupId[] {
  const out: GroupId[] = [];
  for (const g of state.groups.values()) {
    if (g.system === "everyone" || g.allUsers || state.userMembers.get(g.id)?.has(userId)) out.push(g.id);
  }
  return out;
}

/** Parent groups of each group (the groups it is nested in). */
export function parentIndex(state: OrgState): Map<GroupId, GroupId[]> {
  const parents = new Map<GroupId, GroupId[]>();
  for (const [parent, children] of state.groupMembers) {
    for (const child of children) {
      const list = parents.get(child);
      if (list) list.push(parent);
      else parents.set(child, [parent]);
    }
  }
  return parents;
}

/**
 * Every group the user belongs to, directly or through nesting, each with one
 * shortest path of groups from a direct group up to it (breadth-first).
 */
export function groupsOfUser(state: OrgState, userId: UserId): Map<GroupId, readonly GroupId[]> {
  const paths = new Map<GroupId, readonly GroupId[]>();
  const parents = parentIndex(state);
  let frontier: GroupId[] = [];
  for (const g of directGroupsOfUser(state, userId)) {
    paths.set(g, [g]);
    frontier.push(g);
  }
  while (frontier.length > 0) {
    const next: GroupId[] = [];
    for (const g of frontier) {
      for (const p of parents.get(g) ?? []) {
        if (paths.has(p)) continue;
        paths.set(p, [...paths.get(g)!, p]);
        next.push(p);
      }
    }
    frontier = next;
  }
  return paths;
}

/** Every user in a group, directly or through nested groups (all users when Everyone or an all-users group is inside). */
export function usersOfGroup(state: OrgState, groupId: GroupId): Set<UserId> {
  const seen = new Set<GroupId>([groupId]);
  const stack = [groupId];
  const users = new Set<UserId>();
  while (stack.length > 0) {
    const g = stack.pop()!;
    const group = state.groups.get(g);
    if (group && (group.system === "everyone" || group.allUsers)) return new Set(state.users.keys());
    for (const u of state.userMembers.get(g) ?? []) users.add(u);
    for (const child of state.groupMembers.get(g) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        stack.push(child);
      }
    }
  }
  return users;
}

/** The organization role: admin exactly when in Administrators (directly or nested); owner is a mark on top. */
export function orgRole(state: OrgState, userId: UserId): OrgRole {
  const user = getUser(state, userId);
  const admins = systemGroup(state, "administrators").id;
  if (!groupsOfUser(state, userId).has(admins)) return "member";
  return user.owner ? "owner" : "admin";
}

/** Active users whose role is admin or owner. */
export function activeAdministrators(state: OrgState): UserId[] {
  const admins = usersOfGroup(state, systemGroup(state, "administrators").id);
  return [...admins].filter((u) => state.users.get(u)?.status === "active");
}

export function roleOfRule(state: OrgState, rule: Rule): Role {
  return state.roles.get(rule.roleId) ?? fail("role.not_found", `No role ${rule.roleId}.`);
}

export function ruleMask(state: OrgState, rule: Rule): number {
  const type = state.types.get(rule.type);
  if (!type) return 0;
  return maskOf(type, roleOfRule(state, rule).capabilities);
}

export function ruleCovers(rule: Rule, resource: Resource): boolean {
  return rule.resourceId === null ? rule.type === resource.type : rule.resourceId === resource.id;
}

export type Contribution =
  | {
      readonly kind: "organization_role";
      readonly role: "owner" | "admin";
      readonly path: readonly GroupId[];
    }
  | {
      readonly kind: "rule";
      readonly rule: Rule;
      readonly role: Role;
      readonly mask: number;
      /** Groups from the user to the rule's holder; empty for the user's own rule. */
      readonly path: readonly GroupId[];
    };

export type Explanation = {
  readonly mask: number;
  readonly contributions: readonly Contribution[];
  /** True when more contributions exist than the limit allowed listing. */
  readonly truncated: boolean;
};

export const EXPLAIN_LIMIT = 50;

/**
 * Effective access with its explanation: the union of every path's
 * capabilities, each contributing rule with one shortest path to it.
 * Deactivated users have no access. Groups whose privileges are off
 * contribute no rules, but their nesting still counts.
 */
export function explain(
  state: OrgState,
  userId: UserId,
  resourceId: ResourceId,
  limit = EXPLAIN_LIMIT,
): Explanation {
  const user = getUser(state, userId);
  const resource = getResource(state, resourceId);
  const type = state.types.get(resource.type) ?? fail("resource_type.not_found", `No type ${resource.type}.`);
  if (user.status !== "active") return { mask: 0, contributions: [], truncated: false };
  const groups = groupsOfUser(state, userId);
  const contributions: Contribution[] = [];
  let mask = 0;
  const adminPath = groups.get(systemGroup(state, "administrators").id);
  if (adminPath) {
    mask = type.allMask;
    contributions.push({ kind: "organization_role", role: user.owner ? "owner" : "admin", path: adminPath });
  }
  const found: Contribution[] = [];
  for (const rule of state.rules.values()) {
    if (!ruleCovers(rule, resource)) continue;
    let path: readonly GroupId[] | undefined;
    if (rule.subject.kind === "user") {
      if (rule.subject.id !== userId) continue;
      path = [];
    } else {
      path = groups.get(rule.subject.id);
      if (!path || !state.groups.get(rule.subject.id)?.privileges) continue;
    }
    const m = ruleMask(state, rule);
    mask |= m;
    found.push({ kind: "rule", rule, role: roleOfRule(state, rule), mask: m, path });
  }
  found.sort(
    (a, b) => a.path.length - b.path.length || (a.kind === "rule" && b.kind === "rule" ? b.mask - a.mask : 0),
  );
  const room = Math.max(0, limit - contributions.length);
  contributions.push(...found.slice(0, room));
  return { mask, contributions, truncated: found.length > room };
}

export function effectiveMask(state: OrgState, userId: UserId, resourceId: ResourceId): number {
  return explain(state, userId, resourceId, 0).mask;
}

export function effectiveAccess(state: OrgState, userId: UserId, resourceId: ResourceId) {
  const resource = getResource(state, resourceId);
  const type = state.types.get(resource.type)!;
  const mask = effectiveMask(state, userId, resourceId);
  return { mask, ...summarize(type, mask) };
}

export function check(state: OrgState, userId: UserId, resourceId: ResourceId, capability: string): boolean {
  const resource = getResource(state, resourceId);
  const type = state.types.get(resource.type)!;
  return (effectiveMask(state, userId, resourceId) & maskOf(type, [capability])) !== 0;
}

/** The resources of a type the user can use at all, or with a given capability. */
export function resourcesOfUser(
  state: OrgState,
  userId: UserId,
  type: string,
  capability?: string,
): ResourceId[] {
  const t = state.types.get(type) ?? fail("resource_type.not_found", `No type ${type}.`);
  const need = capability ? maskOf(t, [capability]) : t.allMask;
  const out: ResourceId[] = [];
  for (const r of state.resources.values()) {
    if (r.type === type && effectiveMask(state, userId, r.id) & need) out.push(r.id);
  }
  return out;
}

/** The users who can use a resource at all, or with a given capability. */
export function usersOfResource(state: OrgState, resourceId: ResourceId, capability?: string): UserId[] {
  const resource = getResource(state, resourceId);
  const t = state.types.get(resource.type)!;
  const need = capability ? maskOf(t, [capability]) : t.allMask;
  return [...state.users.keys()].filter((u) => effectiveMask(state, u, resourceId) & need);
}

/**
 * The data filter of a user on a dataset: only paths granting `query` count,
 * each bringing the filter of whoever holds the rule; the result is their OR.
 */
export function dataFilter(state: OrgState, userId: UserId, datasetId: ResourceId): EffectiveFilter {
  const resource = getResource(state, datasetId);
  if (resource.type !== DATASET_TYPE) fail("resource.type_mismatch", "Data filters apply to datasets.");
  const user = getUser(state, userId);
  const { mask, contributions } = explain(state, userId, datasetId, Number.POSITIVE_INFINITY);
  const type = state.types.get(DATASET_TYPE)!;
  const query = maskOf(type, [QUERY_CAPABILITY]);
  if (!(mask & query)) return { access: "none" };
  const paths: (ResolvedPredicate | null)[] = [];
  for (const c of contributions) {
    if (c.kind === "organization_role") return { access: "unfiltered" };
    if (!(c.mask & query)) continue;
    const filter = [...state.filters.values()].find(
      (f) => f.resourceId === datasetId && sameSubject(f.subject, c.rule.subject),
    );
    paths.push(filter ? resolvePredicate(filter.predicate, user.attributes) : null);
  }
  return combinePaths(paths);
}

export type Administration = {
  readonly role: OrgRole;
  readonly manageUsers: boolean;
  readonly manageGroups: boolean;
  readonly delegations: readonly Delegation[];
};

/** What a user may administer: everything (owner, admin), users or groups (the organization's manage capabilities), or delegated resources. */
export function administrationOf(state: OrgState, userId: UserId): Administration {
  const user = getUser(state, userId);
  const role = orgRole(state, userId);
  if (user.status !== "active") return { role, manageUsers: false, manageGroups: false, delegations: [] };
  const orgResource = [...state.resources.values()].find((r) => r.type === ORGANIZATION_TYPE);
  const caps = orgResource
    ? capabilitiesOf(state.types.get(ORGANIZATION_TYPE)!, effectiveMask(state, userId, orgResource.id))
    : [];
  return {
    role,
    manageUsers: caps.includes("manage_users"),
    manageGroups: caps.includes("manage_groups"),
    delegations: [...state.delegations.values()].filter((d) => d.userId === userId),
  };
}

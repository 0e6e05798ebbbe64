import { type CompiledType, compileType } from "./catalog.ts";
import { fail } from "./errors.ts";
import type { ChangeEvent } from "./events.ts";
import type { DelegationId, FilterId, GroupId, ResourceId, RoleId, RuleId, UserId } from "./ids.ts";
import type {
  DataFilter,
  Delegation,
  Group,
  Organization,
  Resource,
  Role,
  Rule,
  Subject,
  SystemGroupKey,
  User,
} from "./model.ts";

/**
 * The whole access-relevant state of one organization, as plain maps. It is
 * the naive reference: the compact index must agree with what this state and
 * the resolver in access.ts answer. `applyEvent` mutates it in place.
 */
export type OrgState = {
  organization: Organization;
  types: Map<string, CompiledType>;
  roles: Map<RoleId, Role>;
  resources: Map<ResourceId, Resource>;
  users: Map<UserId, User>;
  groups: Map<GroupId, Group>;
  /** Explicit user members of each group (Everyone's and all-users groups' are implicit); no empty sets. */
  userMembers: Map<GroupId, Set<UserId>>;
  /** Nested groups: parent -> its member groups. */
  groupMembers: Map<GroupId, Set<GroupId>>;
  rules: Map<RuleId, Rule>;
  filters: Map<FilterId, DataFilter>;
  delegations: Map<DelegationId, Delegation>;
};

export function emptyState(organization: Organization): OrgState {
  return {
    organization,
    types: new Map(),
    roles: new Map(),
    resources: new Map(),
    users: new Map(),
    groups: new Map(),
    userMembers: new Map(),
    groupMembers: new Map(),
    rules: new Map(),
    filters: new Map(),
    delegations: new Map(),
  };
}

export function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.id === b.id;
}

export function systemGroup(state: OrgState, key: SystemGroupKey): Group {
  for (const g of state.groups.values()) if (g.system === key) return g;
  return fail("group.not_found", `The organization has no ${key} group.`);
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

function removeSubject(state: OrgState, subject: Subject): void {
  for (const [id, r] of state.rules) if (sameSubject(r.subject, subject)) state.rules.delete(id);
  for (const [id, f] of state.filters) if (sameSubject(f.subject, subject)) state.filters.delete(id);
}

/** The reference fold: applies one logged change to the state. */
export function applyEvent(state: OrgState, event: ChangeEvent): void {
  switch (event.type) {
    case "organization.created":
    case "organization.updated":
      state.organization = event.organization;
      return;
    case "resource_type.created":
      state.types.set(event.resourceType.key, compileType(event.resourceType, false));
      return;
    case "role.created":
    case "role.updated":
      state.roles.set(event.role.id, event.role);
      return;
    case "role.deleted":
      state.roles.delete(event.roleId);
      return;
    case "resource.created":
    case "resource.updated":
      state.resources.set(event.resource.id, event.resource);
      return;
    case "resource.deleted": {
      state.resources.delete(event.resourceId);
      for (const [id, r] of state.rules) if (r.resourceId === event.resourceId) state.rules.delete(id);
      for (const [id, f] of state.filters) if (f.resourceId === event.resourceId) state.filters.delete(id);
      for (const [id, d] of state.delegations) {
        if (d.resourceIds?.includes(event.resourceId)) {
          state.delegations.set(id, {
            ...d,
            resourceIds: d.resourceIds.filter((r) => r !== event.resourceId),
          });
        }
      }
      return;
    }
    case "user.created":
    case "user.updated":
      state.users.set(event.user.id, event.user);
      return;
    case "user.deleted": {
      state.users.delete(event.userId);
      for (const [g, members] of state.userMembers) {
        if (members.delete(event.userId) && members.size === 0) state.userMembers.delete(g);
      }
      removeSubject(state, { kind: "user", id: event.userId });
      for (const [id, d] of state.delegations) {
        if (d.userId === event.userId) applyEvent(state, { type: "delegation.removed", delegationId: id });
      }
      return;
    }
    case "group.created":
    case "group.updated":
      state.groups.set(event.group.id, event.group);
      return;
    case "group.deleted": {
      state.groups.delete(event.groupId);
      state.userMembers.delete(event.groupId);
      state.groupMembers.delete(event.groupId);
      for (const [g, members] of state.groupMembers) {
        if (members.delete(event.groupId) && members.size === 0) state.groupMembers.delete(g);
      }
      removeSubject(state, { kind: "group", id: event.groupId });
      return;
    }
    case "members.added": {
      for (const u of event.userIds) setOf(state.userMembers, event.groupId).add(u);
      for (const g of event.groupIds) setOf(state.groupMembers, event.groupId).add(g);
      return;
    }
    case "members.removed": {
      const users = state.userMembers.get(event.groupId);
      for (const u of event.userIds) users?.delete(u);
      if (users?.size === 0) state.userMembers.delete(event.groupId);
      const groups = state.groupMembers.get(event.groupId);
      for (const g of event.groupIds) groups?.delete(g);
      if (groups?.size === 0) state.groupMembers.delete(event.groupId);
      return;
    }
    case "rule.set":
      state.rules.set(event.rule.id, event.rule);
      return;
    case "rule.removed":
      state.rules.delete(event.ruleId);
      return;
    case "filter.set":
      state.filters.set(event.filter.id, event.filter);
      return;
    case "filter.removed":
      state.filters.delete(event.filterId);
      return;
    case "delegation.created":
      state.delegations.set(event.delegation.id, event.delegation);
      return;
    case "token.created":
    case "token.revoked":
      return;
    case "delegation.removed": {
      state.delegations.delete(event.delegationId);
      for (const [id, g] of state.groups) {
        if (g.delegationId === event.delegationId) state.groups.set(id, { ...g, delegationId: null });
      }
      return;
    }
  }
}

/** A state from a full log, starting with `organization.created`. */
export function foldLog(events: Iterable<ChangeEvent>): OrgState {
  let state: OrgState | null = null;
  for (const e of events) {
    if (state === null) {
      if (e.type !== "organization.created")
        fail("organization.invalid", "A log starts with organization.created.");
      state = emptyState(e.organization);
    } else {
      applyEvent(state, e);
    }
  }
  if (state === null) return fail("organization.not_found", "Empty change log.");
  return state;
}

import { eq } from "drizzle-orm";
import {
  type CompiledType,
  capabilitiesOf,
  type GroupId,
  maskOf,
  type OrgId,
  type OrgRole,
  type OrgState,
  type Role,
  type Rule,
  SYSTEM_GROUPS,
  systemGroup,
  type UserId,
  type UserStatus,
  usersOfGroup,
} from "../domain/index.ts";
import { loadSnapshot, type Store, tables } from "../store/index.ts";

/**
 * The exports of PRODUCT.md (groups, users, rules), read from one consistent
 * snapshot of the organization. Each walks the state once or a few times, so
 * an organization of 100k users exports correctly; speed is not the aim here.
 */

export type GroupExportRow = {
  name: string;
  system: boolean;
  /** "Administrator" for Administrators and the groups nested in it; else the roles of its own rules. */
  role: string;
  /** Active users in the group, directly or through nested groups. */
  users: number;
  /** Sites the group's own rules are on ("all current and future" counts every site). */
  sites: number;
  apps: number;
  privileges: boolean;
  notify: string;
  /** The delegate's email when the group was created under a delegation. */
  delegation: string;
};

export type UserExportRow = {
  email: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  role: OrgRole;
  /** The groups the user is directly in (explicitly or as an all-users group), Everyone left out; sorted. */
  groups: string[];
  externalId: string;
  attributes: Record<string, readonly string[]>;
  createdAt: string;
  lastActiveAt: string;
};

export type RuleExportRow = {
  subjectKind: "user" | "group";
  /** The user's email or the group's name. */
  subject: string;
  type: string;
  /** The resource's key, or "*" for all current and future resources of the type. */
  resource: string;
  resourceName: string;
  role: string;
  capabilities: string[];
  locked: boolean;
};

export const GROUP_COLUMNS = [
  "name",
  "system",
  "role",
  "users",
  "sites",
  "apps",
  "privileges",
  "notify",
  "delegation",
] as const satisfies readonly (keyof GroupExportRow)[];

export const USER_COLUMNS = [
  "email",
  "firstName",
  "lastName",
  "status",
  "role",
  "groups",
  "externalId",
  "attributes",
  "createdAt",
  "lastActiveAt",
] as const satisfies readonly (keyof UserExportRow)[];

export const RULE_COLUMNS = [
  "subjectKind",
  "subject",
  "type",
  "resource",
  "resourceName",
  "role",
  "capabilities",
  "locked",
] as const satisfies readonly (keyof RuleExportRow)[];

const byText = (a: string, b: string) =>
  a.localeCompare(b, "en", { sensitivity: "base" }) || (a < b ? -1 : a > b ? 1 : 0);

/** Groups nested in Administrators (transitively), Administrators included: their members are admins. */
function administratorGroups(state: OrgState): Set<GroupId> {
  const admins = systemGroup(state, "administrators").id;
  const out = new Set<GroupId>([admins]);
  const stack = [admins];
  while (stack.length > 0) {
    for (const child of state.groupMembers.get(stack.pop()!) ?? []) {
      if (!out.has(child)) {
        out.add(child);
        stack.push(child);
      }
    }
  }
  return out;
}

function countOfType(state: OrgState, type: string): number {
  let n = 0;
  for (const r of state.resources.values()) if (r.type === type) n++;
  return n;
}

/** The resources of `type` a set of rules is on: every one when a rule is on all current and future. */
function coveredCount(rules: readonly Rule[], type: string, all: number): number {
  const ids = new Set<string>();
  for (const r of rules) {
    if (r.type !== type) continue;
    if (r.resourceId === null) return all;
    ids.add(r.resourceId);
  }
  return ids.size;
}

/** Role names of rules, each once: types in catalog order, the stronger role first within a type. */
function roleNames(state: OrgState, rules: readonly Rule[]): string {
  const typeOrder = [...state.types.keys()];
  const roles = new Map<string, Role>();
  for (const r of rules) {
    const role = state.roles.get(r.roleId);
    if (role) roles.set(role.id, role);
  }
  const sorted = [...roles.values()].sort(
    (a, b) =>
      typeOrder.indexOf(a.type) - typeOrder.indexOf(b.type) ||
      b.capabilities.length - a.capabilities.length ||
      byText(a.name, b.name),
  );
  return [...new Set(sorted.map((r) => r.name))].join(", ");
}

/** One row per group, sorted by name (system groups first, in their usual order). */
export async function exportGroups(store: Store, orgId: OrgId): Promise<GroupExportRow[]> {
  const { state } = await loadSnapshot(store, orgId);
  const adminGroups = administratorGroups(state);
  const rulesOf = new Map<GroupId, Rule[]>();
  for (const r of state.rules.values()) {
    if (r.subject.kind !== "group") continue;
    const list = rulesOf.get(r.subject.id);
    if (list) list.push(r);
    else rulesOf.set(r.subject.id, [r]);
  }
  const allSites = countOfType(state, "site");
  const allApps = countOfType(state, "app");
  const systemOrder = SYSTEM_GROUPS.map((g) => g.key as string);
  const groups = [...state.groups.values()].sort(
    (a, b) =>
      (a.system === null ? 1 : 0) - (b.system === null ? 1 : 0) ||
      systemOrder.indexOf(a.system ?? "") - systemOrder.indexOf(b.system ?? "") ||
      byText(a.name, b.name),
  );
  return groups.map((g) => {
    const admin = adminGroups.has(g.id);
    const rules = rulesOf.get(g.id) ?? [];
    let users = 0;
    for (const u of usersOfGroup(state, g.id)) if (state.users.get(u)?.status === "active") users++;
    const delegation = g.delegationId ? state.delegations.get(g.delegationId) : undefined;
    return {
      name: g.name,
      system: g.system !== null,
      role: admin ? "Administrator" : roleNames(state, rules),
      users,
      sites: admin ? allSites : coveredCount(rules, "site", allSites),
      apps: admin ? allApps : coveredCount(rules, "app", allApps),
      privileges: g.privileges,
      notify: g.notify,
      delegation: delegation ? (state.users.get(delegation.userId)?.email ?? "") : "",
    };
  });
}

/** One row per user, sorted by email. */
export async function exportUsers(store: Store, orgId: OrgId): Promise<UserExportRow[]> {
  const { state } = await loadSnapshot(store, orgId);
  // Not part of the access state: read beside it.
  const activity = await store.db
    .select({ id: tables.users.id, lastActiveAt: tables.users.lastActiveAt })
    .from(tables.users)
    .where(eq(tables.users.orgId, orgId));
  const lastActive = new Map(activity.map((a) => [a.id, a.lastActiveAt?.toISOString() ?? ""]));
  const admins = usersOfGroup(state, systemGroup(state, "administrators").id);
  const groupsOf = new Map<UserId, string[]>();
  const allUserGroups: string[] = [];
  for (const g of state.groups.values()) {
    if (g.system === "everyone") continue;
    if (g.allUsers) {
      allUserGroups.push(g.name);
      continue;
    }
    for (const u of state.userMembers.get(g.id) ?? []) {
      const list = groupsOf.get(u);
      if (list) list.push(g.name);
      else groupsOf.set(u, [g.name]);
    }
  }
  const users = [...state.users.values()].sort((a, b) => byText(a.email, b.email));
  return users.map((u) => ({
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    status: u.status,
    role: admins.has(u.id) ? (u.owner ? "owner" : "admin") : "member",
    groups: [...new Set([...(groupsOf.get(u.id) ?? []), ...allUserGroups])].sort(byText),
    externalId: u.externalId ?? "",
    attributes: { ...u.attributes },
    createdAt: u.createdAt,
    lastActiveAt: lastActive.get(u.id) ?? "",
  }));
}

function typeLabel(type: CompiledType | undefined, key: string): string {
  return (type?.def.label ?? key).toLowerCase();
}

/** One row per rule: users' rules by email, then groups' by name; within a subject by type and resource. */
export async function exportRules(store: Store, orgId: OrgId): Promise<RuleExportRow[]> {
  const { state } = await loadSnapshot(store, orgId);
  const rows: RuleExportRow[] = [];
  for (const rule of state.rules.values()) {
    const subject =
      rule.subject.kind === "user"
        ? state.users.get(rule.subject.id)?.email
        : state.groups.get(rule.subject.id)?.name;
    const role = state.roles.get(rule.roleId);
    const type = state.types.get(rule.type);
    const resource = rule.resourceId ? state.resources.get(rule.resourceId) : undefined;
    let capabilities = [...(role?.capabilities ?? [])];
    if (type && role) {
      try {
        capabilities = capabilitiesOf(type, maskOf(type, role.capabilities)); // catalog order
      } catch {
        // A role naming a capability the type lost: export it as stored.
      }
    }
    rows.push({
      subjectKind: rule.subject.kind,
      subject: subject ?? rule.subject.id,
      type: rule.type,
      resource: rule.resourceId === null ? "*" : (resource?.key ?? rule.resourceId),
      resourceName:
        rule.resourceId === null
          ? `all current and future ${typeLabel(type, rule.type)}s`
          : (resource?.name ?? ""),
      role: role?.name ?? rule.roleId,
      capabilities,
      locked: rule.locked,
    });
  }
  const typeOrder = [...state.types.keys()];
  return rows.sort(
    (a, b) =>
      (a.subjectKind === "user" ? 0 : 1) - (b.subjectKind === "user" ? 0 : 1) ||
      byText(a.subject, b.subject) ||
      typeOrder.indexOf(a.type) - typeOrder.indexOf(b.type) ||
      (a.resource === "*" ? -1 : 0) - (b.resource === "*" ? -1 : 0) ||
      byText(a.resourceName, b.resourceName),
  );
}

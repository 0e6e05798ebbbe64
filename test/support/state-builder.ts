import {
  type Attributes,
  type ChangeEvent,
  DEFAULT_CATALOG,
  type DelegationId,
  type FilterId,
  foldLog,
  type Group,
  type GroupId,
  type NotifySetting,
  ORGANIZATION_TYPE,
  type OrgId,
  type OrgState,
  type Plan,
  parseFilterExpression,
  type ResourceId,
  type ResourceTypeDef,
  type Role,
  type RoleId,
  type Rule,
  type RuleId,
  type Subject,
  SYSTEM_GROUPS,
  type User,
  type UserId,
  type UserStatus,
  WORKSPACE_TYPE,
} from "../../src/domain/index.ts";

/**
 * Builds an organization's state the way the store does: by folding a change
 * log (`foldLog`), so tests exercise the public domain API only. Everything is
 * named: users ("alice"), groups ("Analysts", or a system group's name such as
 * "Administrators"), resources ("Finance"), roles by their catalog name.
 *
 *   const org = buildOrg();
 *   org.user("alice");
 *   org.group("Analysts");
 *   org.add("Analysts", "alice");
 *   org.resource("app", "Finance");
 *   org.grant("Analysts", "Writer", "Finance");
 *   const state = org.state();
 */

/** A rule's scope: one resource by name, or all current and future resources of a type. */
export type Scope = string | { readonly all: string };

export type UserOptions = {
  readonly attributes?: Attributes;
  readonly status?: UserStatus;
  readonly owner?: boolean;
};

export type GroupOptions = {
  readonly privileges?: boolean;
  readonly allUsers?: boolean;
  readonly notify?: NotifySetting;
  /** The name the delegation was given in `delegate`. */
  readonly delegation?: string;
};

export type OrgBuilder = {
  /** The log so far, starting with `organization.created`. */
  readonly events: readonly ChangeEvent[];
  /** A fresh fold of the whole log. */
  state(): OrgState;
  /** Appends raw events (for what the helpers do not cover). */
  emit(...events: ChangeEvent[]): void;

  user(name: string, options?: UserOptions): UserId;
  updateUser(name: string, change: UserOptions): void;
  deactivate(name: string): void;
  deleteUser(name: string): void;

  group(name: string, options?: GroupOptions): GroupId;
  updateGroup(name: string, change: GroupOptions): void;
  /** Turns a group's privileges on or off. */
  privileges(group: string, on: boolean): void;
  deleteGroup(name: string): void;
  /** Adds users and groups (by name) to a group. */
  add(group: string, ...members: string[]): void;
  remove(group: string, ...members: string[]): void;

  resource(type: string, name: string): ResourceId;
  deleteResource(name: string): void;

  /** A rule giving a named role of the scope's type. */
  grant(subject: string, role: string, scope: Scope): RuleId;
  /** A rule giving a custom role (a new role of the scope's type with these capabilities). */
  grantCustom(subject: string, capabilities: readonly string[], scope: Scope): RuleId;
  revoke(rule: RuleId): void;

  /** A data filter, written in the text syntax, e.g. `country in (France)` or `region = {{user.region}}`. */
  filter(subject: string, dataset: string, expression: string): FilterId;

  /** A delegation to a user of some resources of a type (by name), or of all of them (`"all"`). */
  delegate(name: string, user: string, type: string, resources: readonly string[] | "all"): DelegationId;
  removeDelegation(name: string): void;

  userId(name: string): UserId;
  groupId(name: string): GroupId;
  resourceId(name: string): ResourceId;
  roleId(type: string, name: string): RoleId;
  delegationId(name: string): DelegationId;
  subject(name: string): Subject;
  /** The readable name of a group id (for rendering explanation paths). */
  groupName(id: GroupId): string;
  /** The organization resource, on which organization capabilities are granted. */
  readonly organizationResource: ResourceId;
};

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "_");

function required<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`state-builder: no ${what} "${String(key)}"`);
  return value;
}

export type BuildOptions = {
  readonly plan?: Plan;
  readonly name?: string;
  /** The organization's catalog; the default catalog unless given. */
  readonly catalog?: readonly ResourceTypeDef[];
};

export function buildOrg(options: BuildOptions = {}): OrgBuilder {
  const events: ChangeEvent[] = [];
  let tick = 0;
  const now = () => new Date(Date.UTC(2024, 0, 1) + 1000 * tick++).toISOString();
  let counter = 0;
  const nextId = <T extends string>(prefix: string, name: string) =>
    `${prefix}_${++counter}_${slug(name)}` as T;

  const users = new Map<string, User>();
  const groups = new Map<string, Group>();
  const resources = new Map<string, { id: ResourceId; type: string }>();
  const roles = new Map<string, Role>(); // `${type}/${name}`
  const delegations = new Map<string, DelegationId>();

  const emit = (...more: ChangeEvent[]) => {
    events.push(...more);
  };

  const name = options.name ?? "Acme";
  const organization = {
    id: `org_${slug(name)}` as OrgId,
    name,
    slug: slug(name),
    plan: options.plan ?? "enterprise",
    createdAt: now(),
  };
  emit({ type: "organization.created", organization });

  for (const def of options.catalog ?? DEFAULT_CATALOG) {
    emit({ type: "resource_type.created", resourceType: def });
    for (const r of def.roles) {
      const role: Role = {
        id: `rol_${def.key}_${slug(r.name)}` as RoleId,
        type: def.key,
        name: r.name,
        capabilities: r.capabilities,
        builtin: true,
      };
      roles.set(`${def.key}/${r.name}`, role);
      emit({ type: "role.created", role });
    }
  }

  const userId = (n: string) => required(users, n, "user").id;
  const groupId = (n: string) => required(groups, n, "group").id;
  const resourceId = (n: string) => required(resources, n, "resource").id;
  const roleId = (type: string, n: string) => required(roles, `${type}/${n}`, "role").id;

  const subject = (n: string): Subject => {
    const user = users.get(n);
    const group = groups.get(n);
    if (user && group) throw new Error(`state-builder: "${n}" names both a user and a group`);
    if (user) return { kind: "user", id: user.id };
    if (group) return { kind: "group", id: group.id };
    throw new Error(`state-builder: no user or group "${n}"`);
  };

  const resource = (type: string, n: string): ResourceId => {
    if (resources.has(n)) throw new Error(`state-builder: resource "${n}" exists`);
    const id = nextId<ResourceId>("res", n);
    resources.set(n, { id, type });
    emit({ type: "resource.created", resource: { id, type, key: slug(n), name: n, createdAt: now() } });
    return id;
  };

  const organizationResource = resource(ORGANIZATION_TYPE, name);

  const setRule = (subjectName: string, role: Role, scope: Scope, locked = false): RuleId => {
    const resource = typeof scope === "string" ? required(resources, scope, "resource") : null;
    const type = resource ? resource.type : (scope as { all: string }).all;
    if (role.type !== type) throw new Error(`state-builder: ${role.name} is not a role of ${type}`);
    const at = now();
    const rule: Rule = {
      id: nextId<RuleId>("rul", `${subjectName} ${role.name}`),
      subject: subject(subjectName),
      type,
      resourceId: resource ? resource.id : null,
      roleId: role.id,
      locked,
      createdAt: at,
      updatedAt: at,
    };
    emit({ type: "rule.set", rule });
    return rule.id;
  };

  const scopeType = (scope: Scope) =>
    typeof scope === "string" ? required(resources, scope, "resource").type : scope.all;

  const group = (
    n: string,
    o: GroupOptions = {},
    system: Group["system"] = null,
    description = "",
  ): GroupId => {
    if (groups.has(n)) throw new Error(`state-builder: group "${n}" exists`);
    const g: Group = {
      id: nextId<GroupId>("grp", n),
      name: n,
      description,
      system,
      privileges: o.privileges ?? true,
      notify: o.notify ?? "none",
      allUsers: o.allUsers ?? false,
      delegationId: o.delegation ? required(delegations, o.delegation, "delegation") : null,
      createdAt: now(),
    };
    groups.set(n, g);
    emit({ type: "group.created", group: g });
    return g.id;
  };

  for (const def of SYSTEM_GROUPS) {
    group(def.name, {}, def.key, def.description);
    if (def.workspaceRole) {
      setRule(
        def.name,
        required(roles, `${WORKSPACE_TYPE}/${def.workspaceRole}`, "role"),
        { all: WORKSPACE_TYPE },
        true,
      );
    }
  }

  const members = (
    groupName: string,
    names: readonly string[],
    type: "members.added" | "members.removed",
  ) => {
    const userIds: UserId[] = [];
    const groupIds: GroupId[] = [];
    for (const n of names) {
      const s = subject(n);
      if (s.kind === "user") userIds.push(s.id);
      else groupIds.push(s.id);
    }
    emit({ type, groupId: groupId(groupName), userIds, groupIds });
  };

  const updateUser = (n: string, change: UserOptions) => {
    const user: User = { ...required(users, n, "user"), ...change };
    users.set(n, user);
    emit({ type: "user.updated", user });
  };

  const updateGroup = (n: string, change: GroupOptions) => {
    const { delegation, ...rest } = change;
    const g: Group = {
      ...required(groups, n, "group"),
      ...rest,
      ...(delegation === undefined ? {} : { delegationId: required(delegations, delegation, "delegation") }),
    };
    groups.set(n, g);
    emit({ type: "group.updated", group: g });
  };

  return {
    events,
    state: () => foldLog(events),
    emit,
    user(n, o = {}) {
      if (users.has(n)) throw new Error(`state-builder: user "${n}" exists`);
      const user: User = {
        id: nextId<UserId>("usr", n),
        email: `${n}@example.com`,
        firstName: n.charAt(0).toUpperCase() + n.slice(1),
        lastName: "Example",
        status: o.status ?? "active",
        externalId: null,
        attributes: o.attributes ?? {},
        owner: o.owner ?? false,
        createdAt: now(),
      };
      users.set(n, user);
      emit({ type: "user.created", user });
      return user.id;
    },
    updateUser,
    deactivate: (n) => updateUser(n, { status: "deactivated" }),
    deleteUser(n) {
      emit({ type: "user.deleted", userId: userId(n) });
      users.delete(n);
    },
    group: (n, o) => group(n, o),
    updateGroup,
    privileges: (n, on) => updateGroup(n, { privileges: on }),
    deleteGroup(n) {
      emit({ type: "group.deleted", groupId: groupId(n) });
      groups.delete(n);
    },
    add: (g, ...names) => members(g, names, "members.added"),
    remove: (g, ...names) => members(g, names, "members.removed"),
    resource,
    deleteResource(n) {
      emit({ type: "resource.deleted", resourceId: resourceId(n) });
      resources.delete(n);
    },
    grant: (s, roleName, scope) =>
      setRule(s, required(roles, `${scopeType(scope)}/${roleName}`, "role"), scope),
    grantCustom(s, capabilities, scope) {
      const type = scopeType(scope);
      const role: Role = {
        id: nextId<RoleId>("rol", `${type} custom`),
        type,
        name: `Custom ${counter}`,
        capabilities,
        builtin: false,
      };
      emit({ type: "role.created", role });
      return setRule(s, role, scope);
    },
    revoke: (ruleId) => emit({ type: "rule.removed", ruleId }),
    filter(s, dataset, expression) {
      const id = nextId<FilterId>("flt", `${s} ${dataset}`);
      emit({
        type: "filter.set",
        filter: {
          id,
          subject: subject(s),
          resourceId: resourceId(dataset),
          predicate: parseFilterExpression(expression),
          updatedAt: now(),
        },
      });
      return id;
    },
    delegate(n, user, type, scope) {
      if (delegations.has(n)) throw new Error(`state-builder: delegation "${n}" exists`);
      const id = nextId<DelegationId>("dlg", n);
      delegations.set(n, id);
      emit({
        type: "delegation.created",
        delegation: {
          id,
          userId: userId(user),
          type,
          resourceIds: scope === "all" ? null : scope.map(resourceId),
          createdAt: now(),
        },
      });
      return id;
    },
    removeDelegation(n) {
      const id = required(delegations, n, "delegation");
      emit({ type: "delegation.removed", delegationId: id });
      delegations.delete(n);
      // The fold unmarks the delegation's groups; keep our copies in step.
      for (const [groupName, g] of groups)
        if (g.delegationId === id) groups.set(groupName, { ...g, delegationId: null });
    },
    userId,
    groupId,
    resourceId,
    roleId,
    delegationId: (n) => required(delegations, n, "delegation"),
    subject,
    groupName(id) {
      for (const g of groups.values()) if (g.id === id) return g.name;
      throw new Error(`state-builder: no group with id ${id}`);
    },
    organizationResource,
  };
}

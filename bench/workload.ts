import {
  type ChangeEvent,
  DEFAULT_CATALOG,
  type Group,
  type GroupId,
  ORGANIZATION_TYPE,
  type OrgId,
  type Resource,
  type ResourceId,
  type Role,
  type RoleId,
  type Rule,
  type RuleId,
  SYSTEM_GROUPS,
  type User,
  type UserId,
  WORKSPACE_TYPE,
} from "../src/domain/index.ts";

/**
 * A seeded workload: one organization with (by default) 100,000 users,
 * 10,000 groups nested up to depth 6, each user in 1 to 5 groups, 1,000 apps,
 * 20,000 rules (some on "all apps"), 50 admins. Deterministic for a seed, so
 * figures are comparable across runs and machines.
 */
export type WorkloadSize = {
  readonly users: number;
  readonly groups: number;
  readonly apps: number;
  readonly rules: number;
  readonly admins: number;
  readonly depth: number;
};

export const FULL: WorkloadSize = {
  users: 100_000,
  groups: 10_000,
  apps: 1_000,
  rules: 20_000,
  admins: 50,
  depth: 6,
};

export type Workload = {
  readonly events: ChangeEvent[];
  readonly userIds: UserId[];
  readonly groupIds: GroupId[];
  readonly appIds: ResourceId[];
  readonly everyone: GroupId;
  /** Ids and role ids handy for measuring single changes. */
  readonly appRoles: RoleId[];
  /** Children of each group (for finding a group with many transitive members). */
  readonly children: Map<GroupId, GroupId[]>;
  readonly members: Map<GroupId, UserId[]>;
};

/** mulberry32: a small, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ["EMEA", "APAC", "AMER"];

/** One group in fifty has its privileges off. */
export const privilegesOff = (g: number) => g % 50 === 7;

/** `prefix` makes every id unique to one load (ids are global keys in the database). */
export function generateWorkload(size: WorkloadSize = FULL, seed = 42, prefix = ""): Workload {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const now = "2025-01-01T00:00:00.000Z";
  const events: ChangeEvent[] = [];
  const orgId = "org_bench" as OrgId;
  events.push({
    type: "organization.created",
    organization: { id: orgId, name: "Bench", slug: "bench", plan: "enterprise", createdAt: now },
  });
  const roleIds = new Map<string, RoleId>();
  for (const def of DEFAULT_CATALOG) {
    events.push({ type: "resource_type.created", resourceType: def });
    for (const r of def.roles) {
      const role: Role = {
        id: `rol_${prefix}${def.key}_${r.name}` as RoleId,
        type: def.key,
        name: r.name,
        capabilities: r.capabilities,
        builtin: true,
      };
      roleIds.set(`${def.key}/${r.name}`, role.id);
      events.push({ type: "role.created", role });
    }
  }
  const appRoles = DEFAULT_CATALOG.find((t) => t.key === "app")!.roles.map(
    (r) => roleIds.get(`app/${r.name}`)!,
  );
  events.push({
    type: "resource.created",
    resource: {
      id: `res_${prefix}org` as ResourceId,
      type: ORGANIZATION_TYPE,
      key: "bench",
      name: "Bench",
      createdAt: now,
    },
  });
  let ruleN = 0;
  const rule = (
    subject: Rule["subject"],
    type: string,
    resourceId: ResourceId | null,
    roleId: RoleId,
    locked = false,
  ): Rule => ({
    id: `rul_${prefix}${++ruleN}` as RuleId,
    subject,
    type,
    resourceId,
    roleId,
    locked,
    createdAt: now,
    updatedAt: now,
  });
  const system = new Map<string, GroupId>();
  for (const def of SYSTEM_GROUPS) {
    const group: Group = {
      id: `grp_${prefix}${def.key}` as GroupId,
      name: def.name,
      description: def.description,
      system: def.key,
      privileges: true,
      notify: "none",
      allUsers: false,
      delegationId: null,
      createdAt: now,
    };
    system.set(def.key, group.id);
    events.push({ type: "group.created", group });
    if (def.workspaceRole) {
      events.push({
        type: "rule.set",
        rule: rule(
          { kind: "group", id: group.id },
          WORKSPACE_TYPE,
          null,
          roleIds.get(`${WORKSPACE_TYPE}/${def.workspaceRole}`)!,
          true,
        ),
      });
    }
  }

  const appIds: ResourceId[] = [];
  for (let i = 0; i < size.apps; i++) {
    const resource: Resource = {
      id: `res_${prefix}app_${i}` as ResourceId,
      type: "app",
      key: `app-${i}`,
      name: `App ${i}`,
      createdAt: now,
    };
    appIds.push(resource.id);
    events.push({ type: "resource.created", resource });
  }

  const userIds: UserId[] = [];
  for (let i = 0; i < size.users; i++) {
    const user: User = {
      id: `usr_${prefix}${i}` as UserId,
      email: `user${i}@bench.test`,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      status: i % 97 === 0 ? "deactivated" : "active",
      externalId: null,
      attributes: { region: [REGIONS[i % 3]!] },
      owner: i === 0,
      createdAt: now,
    };
    userIds.push(user.id);
    events.push({ type: "user.created", user });
  }

  // Groups in levels 0..depth-1; a group of level k > 0 is nested in one group
  // of level k-1, chosen with a skew so that some subtrees are large.
  const levels: GroupId[][] = [];
  const groupIds: GroupId[] = [];
  const children = new Map<GroupId, GroupId[]>();
  const weights = Array.from({ length: size.depth }, (_, k) => k + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let g = 0;
  for (let k = 0; k < size.depth; k++) {
    const count = k === size.depth - 1 ? size.groups - g : Math.round((size.groups * weights[k]!) / total);
    const level: GroupId[] = [];
    for (let j = 0; j < count; j++, g++) {
      const group: Group = {
        id: `grp_${prefix}${g}` as GroupId,
        name: `Group ${g}`,
        description: "",
        system: null,
        privileges: !privilegesOff(g),
        notify: "none",
        allUsers: false,
        delegationId: null,
        createdAt: now,
      };
      events.push({ type: "group.created", group });
      level.push(group.id);
      groupIds.push(group.id);
      if (k > 0) {
        const above = levels[k - 1]!;
        const parent = above[Math.floor(above.length * rnd() ** 3)]!;
        children.set(parent, [...(children.get(parent) ?? []), group.id]);
        events.push({ type: "members.added", groupId: parent, userIds: [], groupIds: [group.id] });
      }
    }
    levels.push(level);
  }

  const members = new Map<GroupId, UserId[]>();
  for (const u of userIds) {
    const n = 1 + int(5);
    const chosen = new Set<GroupId>();
    while (chosen.size < n) chosen.add(groupIds[int(groupIds.length)]!);
    for (const grp of chosen) {
      const list = members.get(grp);
      if (list) list.push(u);
      else members.set(grp, [u]);
    }
  }
  for (const [grp, list] of members)
    events.push({ type: "members.added", groupId: grp, userIds: list, groupIds: [] });
  events.push({
    type: "members.added",
    groupId: system.get("administrators")!,
    userIds: userIds.slice(0, size.admins),
    groupIds: [],
  });

  // Rules: 90% on a group and one app, 9% on a user and one app, 1% on a group and all apps.
  const seen = new Set<string>();
  while (ruleN < size.rules) {
    const p = rnd();
    const role = appRoles[int(appRoles.length)]!;
    if (p < 0.01) {
      const grp = groupIds[int(groupIds.length)]!;
      if (seen.has(`${grp}/*`)) continue;
      seen.add(`${grp}/*`);
      events.push({ type: "rule.set", rule: rule({ kind: "group", id: grp }, "app", null, role) });
    } else {
      const app = appIds[int(appIds.length)]!;
      const subject: Rule["subject"] =
        p < 0.1
          ? { kind: "user", id: userIds[int(userIds.length)]! }
          : { kind: "group", id: groupIds[int(groupIds.length)]! };
      const key = `${subject.id}/${app}`;
      if (seen.has(key)) continue;
      seen.add(key);
      events.push({ type: "rule.set", rule: rule(subject, "app", app, role) });
    }
  }
  return {
    events,
    userIds,
    groupIds,
    appIds,
    everyone: system.get("everyone")!,
    appRoles,
    children,
    members,
  };
}

/** Users in a group, directly or through the groups nested in it. */
export function transitiveMembers(w: Workload, group: GroupId): number {
  const users = new Set<UserId>();
  const stack = [group];
  while (stack.length > 0) {
    const g = stack.pop()!;
    for (const u of w.members.get(g) ?? []) users.add(u);
    stack.push(...(w.children.get(g) ?? []));
  }
  return users.size;
}

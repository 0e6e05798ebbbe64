import { type SQL, sql } from "drizzle-orm";
import { fail, type Group, type GroupId, type OrgId, type UserStatus } from "../domain/index.ts";
import { rows, type Store } from "../store/index.ts";

/**
 * The groups table and group page of the console: plain SQL reads that
 * aggregate in the database (counts, coverage, the groups nested in
 * Administrators), so an organization of 100k users costs a few queries per
 * page, never a load of every user.
 */

/** A LIKE pattern that finds `text` anywhere (its `%`, `_` and `\` are literal). */
export function containingText(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A timestamp as both drivers return it (a Date, or text), in ISO 8601. */
export const toIso = (v: Date | string): string => new Date(v).toISOString();

// ---- nesting ------------------------------------------------------------------------

/** Groups reached downward from some roots (the roots included), and whether one of them holds every user. */
export type GroupReach = { readonly ids: readonly GroupId[]; readonly universal: boolean };

/**
 * The groups `roots` selects (a condition on `groups`) and every group nested
 * in them, with a recursive CTE over the nesting edges. `universal` when one
 * of them is Everyone or an "all current and future users" group: then every
 * user of the organization is a member.
 */
export async function reachDown(store: Store, orgId: OrgId, roots: SQL): Promise<GroupReach> {
  const list = await rows<{ id: string; universal: boolean }>(
    store.db,
    sql`with recursive sub(id) as (
          select id from groups where org_id = ${orgId} and ${roots}
          union
          select m.child_id from group_group_members m join sub on m.parent_id = sub.id
          where m.org_id = ${orgId}
        )
        select g.id, (coalesce(g.system = 'everyone', false) or g.all_users) as universal
        from sub join groups g on g.id = sub.id`,
  );
  return { ids: list.map((g) => g.id as GroupId), universal: list.some((g) => g.universal) };
}

/** Administrators and every group nested in it: whoever is in one is an organization admin. */
export function administratorGroups(store: Store, orgId: OrgId): Promise<GroupReach> {
  return reachDown(store, orgId, sql`system = 'administrators'`);
}

/** A condition on a user id column: the user is in one of the reached groups (explicitly, or as every user). */
export function memberOf(reach: GroupReach, userId: SQL): SQL {
  if (reach.universal) return sql`true`;
  if (reach.ids.length === 0) return sql`false`;
  return sql`${userId} in (select m.user_id from group_user_members m where m.group_id in ${reach.ids})`;
}

// ---- the groups table ---------------------------------------------------------------

export type GroupSummary = Group & {
  /** "Administrator" when the group is or is nested in Administrators; else its rules' role names. */
  role: string;
  /** Active users, directly or through nested groups. */
  users: number;
  apps: number;
  sites: number;
  delegation: { id: string; userEmail: string } | null;
  /** Direct members. */
  members: { users: number; groups: number };
};

export type GroupListInput = { readonly q?: string | undefined; readonly sort?: "name" | undefined };

type GroupRow = {
  id: string;
  name: string;
  description: string;
  system: string | null;
  privileges: boolean;
  notify: string;
  all_users: boolean;
  delegation_id: string | null;
  created_at: Date | string;
  delegate_email: string | null;
};

/** Every group of the organization (or those whose name contains `q`), by name, case-insensitively. */
export async function listGroups(store: Store, orgId: OrgId, input: GroupListInput = {}) {
  const q = input.q?.trim();
  return { groups: await summaries(store, orgId, q ? sql`g.name ilike ${containingText(q)}` : sql`true`) };
}

async function summaries(store: Store, orgId: OrgId, condition: SQL): Promise<GroupSummary[]> {
  const groups = await rows<GroupRow>(
    store.db,
    sql`select g.id, g.name, g.description, g.system, g.privileges, g.notify, g.all_users, g.delegation_id,
          g.created_at, u.email as delegate_email
        from groups g
        left join delegations d on d.id = g.delegation_id and d.org_id = g.org_id
        left join users u on u.id = d.user_id and u.org_id = g.org_id
        where g.org_id = ${orgId} and ${condition}
        order by lower(g.name), g.id`,
  );
  if (groups.length === 0) return [];
  const ids = groups.map((g) => g.id);
  const admins = new Set<string>((await administratorGroups(store, orgId)).ids);
  const counts = await memberCounts(store, orgId, ids);
  const roles = await ruleRoles(store, orgId, ids);
  const coverage = await ruleCoverage(store, orgId, ids);
  const totals = await organizationTotals(store, orgId);
  return groups.map((g) => {
    const admin = admins.has(g.id);
    const universal = g.system === "everyone" || g.all_users;
    const covered = coverage.get(g.id);
    const counted = counts.get(g.id);
    const active = counted?.active ?? 0;
    const count = (type: "app" | "site") => {
      const c = covered?.get(type);
      return admin || c?.every ? (totals.resources.get(type) ?? 0) : (c?.n ?? 0);
    };
    return {
      ...toGroup(g),
      role: admin ? "Administrator" : (roles.get(g.id) ?? ""),
      users: active < 0 ? totals.activeUsers : active,
      apps: count("app"),
      sites: count("site"),
      delegation:
        g.delegation_id && g.delegate_email !== null
          ? { id: g.delegation_id, userEmail: g.delegate_email }
          : null,
      members: {
        users: universal ? totals.users : (counted?.users ?? 0),
        groups: counted?.groups ?? 0,
      },
    };
  });
}

function toGroup(g: GroupRow): Group {
  return {
    id: g.id as GroupId,
    name: g.name,
    description: g.description,
    system: g.system as Group["system"],
    privileges: g.privileges,
    notify: g.notify as Group["notify"],
    allUsers: g.all_users,
    delegationId: g.delegation_id as Group["delegationId"],
    createdAt: toIso(g.created_at),
  };
}

/**
 * For each group: its direct members (users, groups) and its active users,
 * directly or through nesting (-1: every active user, as Everyone or an
 * all-users group is in it). A group with nothing nested in it counts its own
 * membership rows (no DISTINCT over the organization's memberships); one with
 * nested groups counts distinct users over them, through the primary key.
 */
async function memberCounts(store: Store, orgId: OrgId, ids: string[]) {
  const list = await rows<{
    id: string;
    direct_users: number | string;
    direct_groups: number | string;
    active_users: number | string;
  }>(
    store.db,
    sql`with recursive sub(root, id) as (
          select id, id from groups where org_id = ${orgId} and id in ${ids}
          union
          select sub.root, m.child_id from group_group_members m join sub on m.parent_id = sub.id
          where m.org_id = ${orgId}
        ),
        universal as (
          select distinct sub.root from sub join groups g on g.id = sub.id
          where g.system = 'everyone' or g.all_users
        ),
        nested as (select distinct root from sub where root <> id),
        inactive as (select id from users where org_id = ${orgId} and status <> 'active'),
        direct as (
          select m.group_id as id, count(*)::int as users, count(i.id)::int as inactive
          from group_user_members m left join inactive i on i.id = m.user_id
          where m.org_id = ${orgId} and m.group_id in ${ids}
          group by m.group_id
        )
        select g.id, coalesce(d.users, 0) as direct_users,
          (select count(*)::int from group_group_members c where c.parent_id = g.id) as direct_groups,
          case
            when g.id in (select root from universal) then -1
            when g.id in (select root from nested) then (
              select count(distinct m.user_id)::int
              from sub join group_user_members m on m.group_id = sub.id
              where sub.root = g.id and m.user_id not in (select id from inactive))
            else coalesce(d.users - d.inactive, 0)
          end as active_users
        from groups g left join direct d on d.id = g.id
        where g.org_id = ${orgId} and g.id in ${ids}`,
  );
  return new Map(
    list.map((r) => [
      r.id,
      { users: Number(r.direct_users), groups: Number(r.direct_groups), active: Number(r.active_users) },
    ]),
  );
}

/** The distinct role names of each group's own rules: types in catalog order, the stronger role first. */
async function ruleRoles(store: Store, orgId: OrgId, ids: string[]): Promise<Map<string, string>> {
  const list = await rows<{ group_id: string; name: string }>(
    store.db,
    sql`select r.group_id, ro.name, min(coalesce(rt.position, 2147483647)) as position,
          cardinality(ro.capabilities) as size
        from rules r
        join roles ro on ro.id = r.role_id
        left join resource_types rt on rt.org_id = r.org_id and rt.key = r.type
        where r.org_id = ${orgId} and r.group_id in ${ids}
        group by r.group_id, ro.id, ro.name, ro.capabilities
        order by r.group_id, position, size desc, lower(ro.name), ro.id`,
  );
  const names = new Map<string, string[]>();
  for (const r of list) {
    const seen = names.get(r.group_id);
    if (!seen) names.set(r.group_id, [r.name]);
    else if (!seen.includes(r.name)) seen.push(r.name);
  }
  return new Map([...names].map(([id, list]) => [id, list.join(", ")]));
}

/** For each group, the apps and sites its own rules are on (`every`: a rule on all current and future). */
async function ruleCoverage(store: Store, orgId: OrgId, ids: string[]) {
  const list = await rows<{ group_id: string; type: string; every: boolean; n: number | string }>(
    store.db,
    sql`select r.group_id, r.type, bool_or(r.resource_id is null) as every, count(distinct r.resource_id)::int as n
        from rules r
        where r.org_id = ${orgId} and r.group_id in ${ids} and r.type in ('app', 'site')
        group by r.group_id, r.type`,
  );
  const out = new Map<string, Map<string, { every: boolean; n: number }>>();
  for (const r of list) {
    const byType = out.get(r.group_id) ?? new Map();
    byType.set(r.type, { every: r.every, n: Number(r.n) });
    out.set(r.group_id, byType);
  }
  return out;
}

async function organizationTotals(store: Store, orgId: OrgId) {
  const [users] = await rows<{ n: number | string; active: number | string }>(
    store.db,
    sql`select count(*)::int as n, (count(*) filter (where status = 'active'))::int as active
        from users where org_id = ${orgId}`,
  );
  const resources = await rows<{ type: string; n: number | string }>(
    store.db,
    sql`select type, count(*)::int as n from resources
        where org_id = ${orgId} and type in ('app', 'site') group by type`,
  );
  return {
    users: Number(users?.n ?? 0),
    activeUsers: Number(users?.active ?? 0),
    resources: new Map(resources.map((r) => [r.type, Number(r.n)])),
  };
}

// ---- the group page ------------------------------------------------------------------

export type GroupRuleView = {
  id: string;
  type: string;
  scope: "resource" | "all_current_and_future";
  resource: { id: string; key: string; name: string } | null;
  role: { id: string; name: string };
  locked: boolean;
  updatedAt: string;
};

export type GroupDetail = {
  group: GroupSummary;
  members: {
    users: { id: string; email: string; name: string; status: UserStatus }[];
    groups: { id: string; name: string }[];
  };
  rules: GroupRuleView[];
  parents: { id: string; name: string }[];
};

/** One group with its summary, its explicit members, its own rules and the groups it is nested in. */
export async function getGroupDetail(store: Store, orgId: OrgId, id: string): Promise<GroupDetail> {
  const [group] = await summaries(store, orgId, sql`g.id = ${id}`);
  if (!group) return fail("group.not_found", `No group ${id} in this organization.`, { id });
  const users = await rows<{
    id: string;
    email: string;
    first_name: string;
    last_name: string;
    status: UserStatus;
  }>(
    store.db,
    sql`select u.id, u.email, u.first_name, u.last_name, u.status
        from group_user_members m join users u on u.id = m.user_id
        where m.org_id = ${orgId} and m.group_id = ${id}
        order by lower(u.last_name), lower(u.first_name), u.id`,
  );
  const children = await rows<{ id: string; name: string }>(
    store.db,
    sql`select g.id, g.name from group_group_members c join groups g on g.id = c.child_id
        where c.org_id = ${orgId} and c.parent_id = ${id}
        order by lower(g.name), g.id`,
  );
  const parents = await rows<{ id: string; name: string }>(
    store.db,
    sql`select g.id, g.name from group_group_members c join groups g on g.id = c.parent_id
        where c.org_id = ${orgId} and c.child_id = ${id}
        order by lower(g.name), g.id`,
  );
  const rules = await rows<{
    id: string;
    type: string;
    resource_id: string | null;
    res_key: string | null;
    res_name: string | null;
    role_id: string;
    role_name: string;
    locked: boolean;
    updated_at: Date | string;
  }>(
    store.db,
    sql`select r.id, r.type, r.resource_id, res.key as res_key, res.name as res_name,
          ro.id as role_id, ro.name as role_name, r.locked, r.updated_at
        from rules r
        join roles ro on ro.id = r.role_id
        left join resources res on res.id = r.resource_id
        left join resource_types rt on rt.org_id = r.org_id and rt.key = r.type
        where r.org_id = ${orgId} and r.group_id = ${id}
        order by rt.position nulls last, r.type, r.resource_id is not null, lower(res.name), r.id`,
  );
  return {
    group,
    members: {
      users: users.map((u) => ({
        id: u.id,
        email: u.email,
        name: `${u.first_name} ${u.last_name}`.trim(),
        status: u.status,
      })),
      groups: children,
    },
    rules: rules.map((r) => ({
      id: r.id,
      type: r.type,
      scope: r.resource_id === null ? "all_current_and_future" : "resource",
      resource:
        r.resource_id === null ? null : { id: r.resource_id, key: r.res_key ?? "", name: r.res_name ?? "" },
      role: { id: r.role_id, name: r.role_name },
      locked: r.locked,
      updatedAt: toIso(r.updated_at),
    })),
    parents,
  };
}

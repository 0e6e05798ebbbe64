import { type SQL, sql } from "drizzle-orm";
import {
  type DelegationId,
  fail,
  formatPredicate,
  type GroupId,
  type OrgId,
  type Predicate,
  type ResourceId,
  type Subject,
  type UserId,
} from "../domain/index.ts";
import { getGroup, getResources, getUser, rows, type Store } from "../store/index.ts";
import { containing, decodeCursor, findResource, iso, page, timeOf } from "./catalog.ts";

/**
 * The lists of the console's permission pages: who holds a rule on a
 * resource (groups and users tabs), a subject's rules, data filters and
 * delegations. Plain SQL reads; access decisions come from the index.
 */

type RoleRef = { id: string; name: string };
type ScopeKind = "resource" | "all_current_and_future";

export type PermissionListInput = {
  readonly resourceId: string;
  readonly view: "groups" | "users";
  readonly q?: string | undefined;
  /** Role names (any of them), compared case-insensitively. */
  readonly roles?: readonly string[] | undefined;
  readonly sort: "name" | "recent";
  readonly limit: number;
  readonly cursor?: string | undefined;
};

export type GroupPermission = {
  ruleId: string;
  group: { id: string; name: string; privileges: boolean };
  role: RoleRef;
  scope: ScopeKind;
  locked: boolean;
  updatedAt: string;
  members: number;
};

export type UserPermission = {
  ruleId: string;
  user: { id: string; email: string; firstName: string; lastName: string; status: "active" | "deactivated" };
  role: RoleRef;
  scope: ScopeKind;
  locked: boolean;
  updatedAt: string;
  lastActiveAt: string | null;
};

export type PermissionPage =
  | { view: "groups"; rows: GroupPermission[]; nextCursor: string | null }
  | { view: "users"; rows: UserPermission[]; nextCursor: string | null };

type RuleRow = {
  rule_id: string;
  resource_id: string | null;
  locked: boolean;
  updated_at: Date | string;
  role_id: string;
  role_name: string;
  k: string | Date;
};

/** Role names from a comma list (`Reader,Writer`), trimmed, lower-cased, each once. */
export function roleNames(list: string | undefined): string[] | undefined {
  const names = [...new Set((list ?? "").split(",").map((n) => n.trim().toLowerCase()))].filter(Boolean);
  return names.length > 0 ? names : undefined;
}

/** The keyset condition and order of a page: ascending by a text key, or newest first by a time key. */
function keyset(sort: "name" | "recent", key: SQL, cursor: string | undefined): { where: SQL; order: SQL } {
  const after = decodeCursor(cursor, 2);
  if (sort === "recent") {
    return {
      where: after
        ? sql`and (${key}, r.id) < (${timeOf(after[0]!)}::timestamptz, ${String(after[1])})`
        : sql``,
      order: sql`order by ${key} desc, r.id desc`,
    };
  }
  return {
    where: after ? sql`and (${key}, r.id) > (${String(after[0])}, ${String(after[1])})` : sql``,
    order: sql`order by ${key} asc, r.id asc`,
  };
}

const cursorKey = (sort: "name" | "recent", row: RuleRow) =>
  sort === "recent" ? [iso(row.k)!, row.rule_id] : [String(row.k), row.rule_id];

/**
 * The per-resource permissions page. Groups: one row per group rule that
 * covers the resource (on it, or on all current and future resources of its
 * type; a group holding both has a row for each), with its transitive active
 * member count. Users: one row per rule a user holds directly on it (or on
 * its whole type). `recent` sorts by the later of the user's last activity and
 * the rule's last change (groups: the rule's last change), newest first.
 */
export async function resourcePermissions(
  store: Store,
  orgId: OrgId,
  input: PermissionListInput,
): Promise<PermissionPage> {
  const resource = await findResource(store, orgId, input.resourceId);
  const covers = sql`r.org_id = ${orgId} and (r.resource_id = ${resource.id} or (r.resource_id is null and r.type = ${resource.type}))`;
  const roleFilter = input.roles?.length ? sql`and lower(ro.name) in ${input.roles}` : sql``;
  const q = input.q?.trim() ? containing(input.q.trim()) : null;
  if (input.view === "groups") {
    const key = input.sort === "recent" ? sql`r.updated_at` : sql`lower(g.name)`;
    const { where, order } = keyset(input.sort, key, input.cursor);
    const list = await rows<RuleRow & { group_id: string; group_name: string; privileges: boolean }>(
      store.db,
      sql`select r.id as rule_id, r.resource_id, r.locked, r.updated_at, ro.id as role_id, ro.name as role_name,
            g.id as group_id, g.name as group_name, g.privileges, ${key} as k
          from rules r
          join groups g on g.id = r.group_id and g.org_id = r.org_id
          join roles ro on ro.id = r.role_id
          where ${covers} ${roleFilter} ${q ? sql`and g.name ilike ${q}` : sql``} ${where}
          ${order}
          limit ${input.limit + 1}`,
    );
    const { rows: kept, nextCursor } = page(list, input.limit, (row) => cursorKey(input.sort, row));
    const members = await memberCounts(
      store,
      orgId,
      kept.map((r) => r.group_id),
    );
    return {
      view: "groups",
      nextCursor,
      rows: kept.map((r) => ({
        ruleId: r.rule_id,
        group: { id: r.group_id, name: r.group_name, privileges: r.privileges },
        role: { id: r.role_id, name: r.role_name },
        scope: r.resource_id === null ? "all_current_and_future" : "resource",
        locked: r.locked,
        updatedAt: iso(r.updated_at)!,
        members: members.get(r.group_id) ?? 0,
      })),
    };
  }
  const key =
    input.sort === "recent"
      ? sql`greatest(r.updated_at, u.last_active_at)`
      : sql`lower(coalesce(nullif(btrim(u.first_name || ' ' || u.last_name), ''), u.email))`;
  const { where, order } = keyset(input.sort, key, input.cursor);
  const search = q
    ? sql`and (u.email ilike ${q} or (u.first_name || ' ' || u.last_name) ilike ${q} or (u.last_name || ' ' || u.first_name) ilike ${q})`
    : sql``;
  const list = await rows<
    RuleRow & {
      user_id: string;
      email: string;
      first_name: string;
      last_name: string;
      status: "active" | "deactivated";
      last_active_at: Date | string | null;
    }
  >(
    store.db,
    sql`select r.id as rule_id, r.resource_id, r.locked, r.updated_at, ro.id as role_id, ro.name as role_name,
          u.id as user_id, u.email, u.first_name, u.last_name, u.status, u.last_active_at, ${key} as k
        from rules r
        join users u on u.id = r.user_id and u.org_id = r.org_id
        join roles ro on ro.id = r.role_id
        where ${covers} ${roleFilter} ${search} ${where}
        ${order}
        limit ${input.limit + 1}`,
  );
  const { rows: kept, nextCursor } = page(list, input.limit, (row) => cursorKey(input.sort, row));
  return {
    view: "users",
    nextCursor,
    rows: kept.map((r) => ({
      ruleId: r.rule_id,
      user: {
        id: r.user_id,
        email: r.email,
        firstName: r.first_name,
        lastName: r.last_name,
        status: r.status,
      },
      role: { id: r.role_id, name: r.role_name },
      scope: r.resource_id === null ? "all_current_and_future" : "resource",
      locked: r.locked,
      updatedAt: iso(r.updated_at)!,
      lastActiveAt: iso(r.last_active_at),
    })),
  };
}

/**
 * Active users in each group, directly or through nested groups; every active
 * user of the organization for a group with Everyone or an "all current and
 * future users" group inside it.
 */
async function memberCounts(store: Store, orgId: OrgId, groupIds: string[]): Promise<Map<string, number>> {
  const ids = [...new Set(groupIds)];
  if (ids.length === 0) return new Map();
  const list = await rows<{ root: string; n: number }>(
    store.db,
    sql`with recursive sub(root, id) as (
          select id, id from groups where org_id = ${orgId} and id in ${ids}
          union
          select sub.root, m.child_id from group_group_members m join sub on m.parent_id = sub.id
        ),
        universal as (
          select distinct sub.root from sub join groups g on g.id = sub.id
          where g.system = 'everyone' or g.all_users
        )
        select sub.root, count(distinct u.id)::int as n
        from sub
        join group_user_members m on m.group_id = sub.id
        join users u on u.id = m.user_id and u.status = 'active'
        where sub.root not in (select root from universal)
        group by sub.root
        union all
        select universal.root,
          (select count(*)::int from users u where u.org_id = ${orgId} and u.status = 'active') as n
        from universal`,
  );
  return new Map(list.map((r) => [r.root, Number(r.n)]));
}

export type SubjectRule = {
  ruleId: string;
  type: string;
  scope: ScopeKind;
  resource: { id: string; key: string; name: string } | null;
  role: RoleRef;
  locked: boolean;
  updatedAt: string;
};

/** `group:<id>` or `user:<id>`. */
export function parseSubject(text: string): Subject {
  const i = text.indexOf(":");
  const kind = text.slice(0, i);
  const id = text.slice(i + 1);
  if (i < 0 || !id || (kind !== "group" && kind !== "user")) {
    return fail("request.invalid", `subject: "${text}" is not group:<id> or user:<id>.`, {
      field: "subject",
    });
  }
  return kind === "group" ? { kind, id: id as GroupId } : { kind, id: id as UserId };
}

/** A subject's own rules: those on all of a type first, then by resource name; keyset on (name, id). */
export async function subjectRules(
  store: Store,
  orgId: OrgId,
  input: {
    readonly subject: Subject;
    readonly roles?: readonly string[] | undefined;
    readonly q?: string | undefined;
    readonly limit: number;
    readonly cursor?: string | undefined;
  },
): Promise<{ view: "subject"; rows: SubjectRule[]; nextCursor: string | null }> {
  const s = input.subject;
  if (s.kind === "group" && !(await getGroup(store.db, orgId, s.id)))
    fail("group.not_found", `No group ${s.id} in this organization.`, { id: s.id });
  if (s.kind === "user" && !(await getUser(store.db, orgId, s.id)))
    fail("user.not_found", `No user ${s.id} in this organization.`, { id: s.id });
  const key = sql`lower(coalesce(res.name, ''))`;
  const { where, order } = keyset("name", key, input.cursor);
  const q = input.q?.trim() ? containing(input.q.trim()) : null;
  const list = await rows<
    RuleRow & { type: string; res_key: string | null; res_name: string | null; role_name: string }
  >(
    store.db,
    sql`select r.id as rule_id, r.type, r.resource_id, r.locked, r.updated_at, ro.id as role_id, ro.name as role_name,
          res.key as res_key, res.name as res_name, ${key} as k
        from rules r
        join roles ro on ro.id = r.role_id
        left join resources res on res.id = r.resource_id
        where r.org_id = ${orgId} and ${s.kind === "group" ? sql`r.group_id = ${s.id}` : sql`r.user_id = ${s.id}`}
          ${input.roles?.length ? sql`and lower(ro.name) in ${input.roles}` : sql``}
          ${q ? sql`and (res.name ilike ${q} or res.key ilike ${q})` : sql``}
          ${where}
        ${order}
        limit ${input.limit + 1}`,
  );
  const { rows: kept, nextCursor } = page(list, input.limit, (row) => cursorKey("name", row));
  return {
    view: "subject",
    nextCursor,
    rows: kept.map((r) => ({
      ruleId: r.rule_id,
      type: r.type,
      scope: r.resource_id === null ? "all_current_and_future" : "resource",
      resource:
        r.resource_id === null ? null : { id: r.resource_id, key: r.res_key ?? "", name: r.res_name ?? "" },
      role: { id: r.role_id, name: r.role_name },
      locked: r.locked,
      updatedAt: iso(r.updated_at)!,
    })),
  };
}

// ---- data filters -------------------------------------------------------------------

export type FilterView = {
  id: string;
  subject: Subject;
  subjectName: string;
  resourceId: string;
  resourceName: string;
  predicate: Predicate;
  expression: string;
  updatedAt: string;
};

function formatted(p: Predicate): string {
  try {
    return formatPredicate(p);
  } catch {
    return ""; // a stored predicate the current syntax cannot write: shown by its JSON only
  }
}

/** Data filters (of one dataset, or all), by dataset name then holder name. */
export async function listFilters(store: Store, orgId: OrgId, resourceId?: string): Promise<FilterView[]> {
  if (resourceId !== undefined) await findResource(store, orgId, resourceId);
  const list = await rows<{
    id: string;
    user_id: string | null;
    group_id: string | null;
    resource_id: string;
    predicate: Predicate;
    updated_at: Date | string;
    subject_name: string;
    resource_name: string;
  }>(
    store.db,
    sql`select f.id, f.user_id, f.group_id, f.resource_id, f.predicate, f.updated_at,
          coalesce(g.name, u.email, '') as subject_name, res.name as resource_name
        from data_filters f
        join resources res on res.id = f.resource_id
        left join groups g on g.id = f.group_id
        left join users u on u.id = f.user_id
        where f.org_id = ${orgId} ${resourceId !== undefined ? sql`and f.resource_id = ${resourceId}` : sql``}
        order by lower(res.name), res.id, lower(coalesce(g.name, u.email, '')), f.id`,
  );
  return list.map((f) => {
    const predicate = (typeof f.predicate === "string" ? JSON.parse(f.predicate) : f.predicate) as Predicate;
    return {
      id: f.id,
      subject:
        f.user_id !== null
          ? { kind: "user", id: f.user_id as UserId }
          : { kind: "group", id: f.group_id as GroupId },
      subjectName: f.subject_name,
      resourceId: f.resource_id,
      resourceName: f.resource_name,
      predicate,
      expression: formatted(predicate),
      updatedAt: iso(f.updated_at)!,
    };
  });
}

// ---- delegations --------------------------------------------------------------------

export type DelegationView = {
  id: DelegationId;
  user: { id: string; email: string };
  type: string;
  resources: { id: string; key: string; name: string }[] | null;
  createdAt: string;
};

/** Every delegation, oldest first, with the delegate's email and the names of the resources delegated. */
export async function listDelegations(store: Store, orgId: OrgId): Promise<DelegationView[]> {
  const list = await rows<{
    id: string;
    user_id: string;
    email: string;
    type: string;
    resource_ids: string[] | null;
    created_at: Date | string;
  }>(
    store.db,
    sql`select d.id, d.user_id, u.email, d.type, d.resource_ids, d.created_at
        from delegations d join users u on u.id = d.user_id
        where d.org_id = ${orgId}
        order by d.created_at, d.id`,
  );
  const ids = [...new Set(list.flatMap((d) => d.resource_ids ?? []))] as ResourceId[];
  const resources = new Map((await getResources(store.db, orgId, ids)).map((r) => [r.id as string, r]));
  return list.map((d) => ({
    id: d.id as DelegationId,
    user: { id: d.user_id, email: d.email },
    type: d.type,
    resources:
      d.resource_ids === null
        ? null
        : d.resource_ids.flatMap((id) => {
            const r = resources.get(id);
            return r ? [{ id: r.id, key: r.key, name: r.name }] : [];
          }),
    createdAt: iso(d.created_at)!,
  }));
}

export type RuleListInput = {
  readonly resource?: string | undefined;
  readonly subject?: string | undefined;
  readonly view: "groups" | "users";
  readonly q?: string | undefined;
  /** Role names, comma-separated. */
  readonly role?: string | undefined;
  readonly sort: "name" | "recent";
  readonly limit: number;
  readonly cursor?: string | undefined;
};

/** GET /rules: a resource's permissions (groups or users), or a subject's rules. */
export async function listRules(store: Store, orgId: OrgId, input: RuleListInput) {
  const roles = roleNames(input.role);
  if ((input.subject === undefined) === (input.resource === undefined)) {
    fail("request.invalid", "Give either resource (with view) or subject (group:<id> or user:<id>).");
  }
  if (input.subject !== undefined) {
    return subjectRules(store, orgId, { ...input, subject: parseSubject(input.subject), roles });
  }
  return resourcePermissions(store, orgId, { ...input, resourceId: input.resource!, roles });
}

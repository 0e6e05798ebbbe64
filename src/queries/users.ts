import { type SQL, sql } from "drizzle-orm";
import {
  type Attributes,
  fail,
  type GroupId,
  type OrgId,
  type OrgRole,
  type User,
  type UserId,
  type UserStatus,
} from "../domain/index.ts";
import { rows, type Store } from "../store/index.ts";
import {
  administratorGroups,
  containingText,
  type GroupReach,
  memberOf,
  reachDown,
  toIso,
} from "./groups.ts";

/**
 * The users table and user page of the console. A page is a keyset query
 * that walks an index from the cursor (by name: users_org_name_idx on
 * org_id, last_name, first_name), a count, and the page's direct groups. The
 * organization role comes from the groups nested in Administrators, found
 * with a recursive CTE over groups: never a load of every user.
 */

export type UserListInput = {
  /** Part of the name or email, case-insensitive. */
  readonly q?: string | undefined;
  readonly role?: OrgRole | undefined;
  /** A group's id: its members, directly or through nested groups. */
  readonly group?: string | undefined;
  readonly status?: UserStatus | undefined;
  /** Only these users (e.g. those the access index says can use a resource). */
  readonly ids?: readonly string[] | undefined;
  /** name: last name, first name, id; recent: last activity, newest first, never-active last. */
  readonly sort: "name" | "recent";
  readonly limit: number;
  readonly cursor?: string | undefined;
};

export type GroupRef = { id: string; name: string };

export type UserSummary = User & {
  role: OrgRole;
  lastActiveAt: string | null;
  /** Groups the user is directly in (all-users groups included, Everyone left out), by name. */
  groups: GroupRef[];
};

export type UserPage = { users: UserSummary[]; nextCursor: string | null; total: number };

type UserRow = {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  status: UserStatus;
  external_id: string | null;
  attributes: Attributes | string;
  owner: boolean;
  created_at: Date | string;
  last_active_at: Date | string | null;
  /** last_active_at in ISO 8601 with its microseconds, for the cursor (STACK.md, pitfall 12). */
  active_key: string | null;
  /** lower(last_name) and lower(first_name): the name sort's keys, as the database lower-cases them. */
  last_key: string;
  first_key: string;
  role: OrgRole;
};

// ---- cursors ----------------------------------------------------------------------

/**
 * An opaque keyset cursor: the sort, then the sort key and the id of the last
 * row of the page. The recent-activity key is the timestamp written by the
 * database with its microseconds (a JS Date would drop them), and ties are
 * broken by id.
 */
type Cursor =
  | { readonly sort: "name"; readonly last: string; readonly first: string; readonly id: string }
  | { readonly sort: "recent"; readonly at: string | null; readonly id: string };

/** The recent-activity key as `to_char` writes it in selectUsers. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function encodeCursor(c: Cursor): string {
  const values = c.sort === "name" ? [c.sort, c.last, c.first, c.id] : [c.sort, c.at, c.id];
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

function decodeCursor(text: string | undefined, sort: UserListInput["sort"]): Cursor | null {
  if (!text) return null;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    v = null;
  }
  const str = (x: unknown): x is string => typeof x === "string";
  if (Array.isArray(v) && v[0] === sort) {
    if (sort === "name" && v.length === 4 && str(v[1]) && str(v[2]) && str(v[3]))
      return { sort, last: v[1], first: v[2], id: v[3] };
    if (
      sort === "recent" &&
      v.length === 3 &&
      (v[1] === null || (str(v[1]) && TIMESTAMP.test(v[1]))) &&
      str(v[2])
    )
      return { sort, at: v[1], id: v[2] };
  }
  return fail("request.invalid", "cursor: not a cursor of this list and sort; pass nextCursor as given.", {
    field: "cursor",
  });
}

// Case-insensitive, as people read a list of names (PGlite's C collation would put "de Vries" after "Young").
const BY_NAME = sql`order by lower(u.last_name), lower(u.first_name), u.id`;
const BY_RECENT = sql`order by u.last_active_at desc nulls last, u.id desc`;

/**
 * The queries of the page after the cursor, each a function of how many rows
 * are still wanted; each continues where the previous one ran out. Every one
 * can walk an index from the cursor: by name, (org_id, lower(last_name),
 * lower(first_name), id); by recent activity, (org_id, last_active_at desc nulls last,
 * id desc) once it exists. After an active user come the active users after
 * them, then the never-active ones: two ordered scans, not an OR that no
 * index answers.
 */
function pageQueries(
  admins: GroupReach,
  where: SQL,
  sort: UserListInput["sort"],
  cursor: Cursor | null,
): ((n: number) => SQL)[] {
  const page = (condition: SQL, order: SQL) => (n: number) =>
    selectUsers(admins, sql`${where} ${condition} ${order} limit ${n}`);
  if (sort === "name") {
    if (cursor?.sort !== "name") return [page(sql``, BY_NAME)];
    return [
      page(
        sql`and (lower(u.last_name), lower(u.first_name), u.id) > (${cursor.last}, ${cursor.first}, ${cursor.id})`,
        BY_NAME,
      ),
    ];
  }
  if (cursor?.sort !== "recent") return [page(sql``, BY_RECENT)];
  if (cursor.at === null) return [page(sql`and u.last_active_at is null and u.id < ${cursor.id}`, BY_RECENT)];
  return [
    page(sql`and (u.last_active_at, u.id) < (${cursor.at}::timestamptz, ${cursor.id})`, BY_RECENT),
    page(sql`and u.last_active_at is null`, BY_RECENT),
  ];
}

// ---- the list ---------------------------------------------------------------------

/** A page of the organization's users, filtered, sorted and counted. */
export async function listUsers(store: Store, orgId: OrgId, input: UserListInput): Promise<UserPage> {
  const cursor = decodeCursor(input.cursor, input.sort);
  const admins = await administratorGroups(store, orgId);
  const filters: SQL[] = [sql`u.org_id = ${orgId}`];
  const q = input.q?.trim().replace(/\s+/g, " ");
  if (q) {
    // lower() and LIKE rather than ILIKE: the same answer, about twice as fast on a scan of every user.
    const like = sql`lower(${containingText(q)})`;
    filters.push(
      sql`(u.email_normalized like ${like} or lower(u.first_name || ' ' || u.last_name) like ${like}
           or lower(u.last_name || ' ' || u.first_name) like ${like})`,
    );
  }
  if (input.status) filters.push(sql`u.status = ${input.status}`);
  if (input.ids !== undefined) {
    filters.push(input.ids.length === 0 ? sql`false` : sql`u.id = any(${sql.param([...input.ids])}::text[])`);
  }
  if (input.group !== undefined) {
    const reach = await reachDown(store, orgId, sql`id = ${input.group}`);
    if (reach.ids.length === 0)
      fail("group.not_found", `No group ${input.group} in this organization.`, { id: input.group });
    filters.push(memberOf(reach, sql`u.id`));
  }
  if (input.role === "member") filters.push(sql`not (${memberOf(admins, sql`u.id`)})`);
  else if (input.role) {
    filters.push(sql`${memberOf(admins, sql`u.id`)} and u.owner = ${input.role === "owner"}`);
  }
  const where = sql.join(filters, sql` and `);
  const list: UserRow[] = [];
  for (const query of pageQueries(admins, where, input.sort, cursor)) {
    if (list.length > input.limit) break;
    list.push(...(await rows<UserRow>(store.db, query(input.limit + 1 - list.length))));
  }
  const kept = list.slice(0, input.limit);
  const last = kept[kept.length - 1];
  const nextCursor =
    list.length > input.limit && last
      ? encodeCursor(
          input.sort === "name"
            ? { sort: "name", last: last.last_key, first: last.first_key, id: last.id }
            : { sort: "recent", at: last.active_key, id: last.id },
        )
      : null;
  const [count] = await rows<{ n: number | string }>(
    store.db,
    sql`select count(*)::int as n from users u where ${where}`,
  );
  return {
    users: await withGroups(store, orgId, kept),
    nextCursor,
    total: Number(count?.n ?? 0),
  };
}

/** The users matching `tail` (a condition, then order and limit), with their organization role. */
function selectUsers(admins: GroupReach, tail: SQL): SQL {
  return sql`select u.id, u.email, u.first_name, u.last_name, u.status, u.external_id, u.attributes, u.owner,
          u.created_at, u.last_active_at,
          to_char(u.last_active_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as active_key,
          lower(u.last_name) as last_key, lower(u.first_name) as first_key,
          case when ${memberOf(admins, sql`u.id`)} then (case when u.owner then 'owner' else 'admin' end)
               else 'member' end as role
        from users u
        where ${tail}`;
}

const byName = (a: GroupRef, b: GroupRef) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/** The rows as users, each with the groups they are directly in (explicitly, or as an all-users group). */
async function withGroups(store: Store, orgId: OrgId, list: UserRow[]): Promise<UserSummary[]> {
  if (list.length === 0) return [];
  const explicit = await rows<{ user_id: string; id: string; name: string }>(
    store.db,
    sql`select m.user_id, g.id, g.name
        from group_user_members m join groups g on g.id = m.group_id
        where m.org_id = ${orgId} and m.user_id in ${list.map((u) => u.id)}
          and g.system is distinct from 'everyone'`,
  );
  const everyUser = await rows<GroupRef>(
    store.db,
    sql`select id, name from groups where org_id = ${orgId} and all_users and system is null`,
  );
  const groupsOf = new Map<string, Map<string, GroupRef>>();
  for (const m of explicit) {
    const own = groupsOf.get(m.user_id) ?? new Map<string, GroupRef>();
    own.set(m.id, { id: m.id, name: m.name });
    groupsOf.set(m.user_id, own);
  }
  return list.map((u) => {
    const own = new Map(groupsOf.get(u.id));
    for (const g of everyUser) own.set(g.id, g);
    return {
      id: u.id as UserId,
      email: u.email,
      firstName: u.first_name,
      lastName: u.last_name,
      status: u.status,
      externalId: u.external_id,
      attributes: (typeof u.attributes === "string" ? JSON.parse(u.attributes) : u.attributes) as Attributes,
      owner: u.owner,
      createdAt: toIso(u.created_at),
      role: u.role,
      lastActiveAt: u.last_active_at === null ? null : toIso(u.last_active_at),
      groups: [...own.values()].sort(byName),
    };
  });
}

// ---- the user page ----------------------------------------------------------------

export type UserDetail = {
  user: UserSummary;
  /** Groups the user is in only through nesting, each with a direct group (or Everyone) it is reached through. */
  inheritedGroups: (GroupRef & { through: GroupRef })[];
};

export async function getUserDetail(store: Store, orgId: OrgId, id: string): Promise<UserDetail> {
  const admins = await administratorGroups(store, orgId);
  const [row] = await rows<UserRow>(store.db, selectUsers(admins, sql`u.org_id = ${orgId} and u.id = ${id}`));
  if (!row) return fail("user.not_found", `No user ${id} in this organization.`, { id });
  const [user] = await withGroups(store, orgId, [row]);
  const inherited = await rows<{ id: string; name: string; through_id: string; through_name: string }>(
    store.db,
    sql`with recursive direct(id) as (
          select m.group_id from group_user_members m where m.org_id = ${orgId} and m.user_id = ${id}
          union
          select g.id from groups g where g.org_id = ${orgId} and (g.system = 'everyone' or g.all_users)
        ),
        up(id, through) as (
          select id, id from direct
          union
          select p.parent_id, up.through from group_group_members p join up on p.child_id = up.id
          where p.org_id = ${orgId}
        )
        select distinct on (g.id) g.id, g.name, t.id as through_id, t.name as through_name
        from up join groups g on g.id = up.id join groups t on t.id = up.through
        where up.id not in (select id from direct)
        order by g.id, lower(t.name), t.id`,
  );
  return {
    user: user!,
    inheritedGroups: inherited
      .map((g) => ({
        id: g.id as GroupId,
        name: g.name,
        through: { id: g.through_id, name: g.through_name },
      }))
      .sort(byName),
  };
}

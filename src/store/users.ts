import { and, eq, inArray, sql } from "drizzle-orm";
import type { GroupId, OrgId, User, UserId } from "../domain/index.ts";
import { type Db, rows } from "./db.ts";
import { fromUser, toUser } from "./rows.ts";
import * as t from "./schema.ts";

/** One `text[]` parameter (a JS array in drizzle's `sql` would become a list of parameters). */
const textArray = (ids: readonly string[]) => sql`${sql.param([...ids])}::text[]`;

export async function getUsers(db: Db, orgId: OrgId, ids: readonly UserId[]): Promise<User[]> {
  if (ids.length === 0) return [];
  const list = await db
    .select()
    .from(t.users)
    .where(and(eq(t.users.orgId, orgId), inArray(t.users.id, [...ids])));
  return list.map(toUser);
}

export async function getUser(db: Db, orgId: OrgId, id: UserId): Promise<User | null> {
  return (await getUsers(db, orgId, [id]))[0] ?? null;
}

export async function findUserByEmail(db: Db, orgId: OrgId, email: string): Promise<User | null> {
  const [row] = await db
    .select()
    .from(t.users)
    .where(and(eq(t.users.orgId, orgId), eq(t.users.emailNormalized, email.toLowerCase())));
  return row ? toUser(row) : null;
}

export async function allUserIds(db: Db, orgId: OrgId): Promise<UserId[]> {
  const list = await db.select({ id: t.users.id }).from(t.users).where(eq(t.users.orgId, orgId));
  return list.map((r) => r.id as UserId);
}

export async function insertUser(tx: Db, orgId: OrgId, user: User): Promise<void> {
  await tx.insert(t.users).values(fromUser(orgId, user));
}

export async function updateUser(tx: Db, orgId: OrgId, user: User): Promise<void> {
  const { id, createdAt, orgId: _, ...fields } = fromUser(orgId, user);
  await tx
    .update(t.users)
    .set(fields)
    .where(and(eq(t.users.orgId, orgId), eq(t.users.id, id)));
}

export async function deleteUser(tx: Db, orgId: OrgId, id: UserId): Promise<void> {
  await tx.delete(t.users).where(and(eq(t.users.orgId, orgId), eq(t.users.id, id)));
}

/** Sets each user's last activity, unless a later one within the minute is already recorded (by another server). */
export async function touchLastActive(
  db: Db,
  orgId: OrgId,
  seen: readonly { readonly id: UserId; readonly at: Date }[],
): Promise<void> {
  if (seen.length === 0) return;
  const ids = seen.map((s) => s.id);
  const ats = seen.map((s) => s.at.toISOString());
  await db.execute(sql`
    update users u set last_active_at = v.at
    from unnest(${textArray(ids)}, ${sql.param(ats)}::timestamptz[]) as v(id, at)
    where u.org_id = ${orgId} and u.id = v.id
      and (u.last_active_at is null or u.last_active_at < v.at - interval '1 minute')`);
}

/** Active users who are administrators: members of Administrators, directly or through nested groups. */
export async function activeAdministrators(db: Db, orgId: OrgId): Promise<UserId[]> {
  const admins = await administratorsGroup(db, orgId);
  return admins ? usersInGroups(db, orgId, [admins], true) : [];
}

async function administratorsGroup(db: Db, orgId: OrgId): Promise<GroupId | null> {
  const [row] = await rows<{ id: string }>(
    db,
    sql`select id from groups where org_id = ${orgId} and system = 'administrators'`,
  );
  return (row?.id as GroupId | undefined) ?? null;
}

/** Administrators and every group nested in it, at any depth. */
export async function administratorsTree(db: Db, orgId: OrgId): Promise<Set<GroupId>> {
  // Administrators and the groups right inside it in one query: most often that is the whole tree.
  const top = await rows<{ id: string; child: string | null }>(
    db,
    sql`select g.id, m.child_id as child from groups g
        left join group_group_members m on m.parent_id = g.id
        where g.org_id = ${orgId} and g.system = 'administrators'`,
  );
  if (top.length === 0) return new Set();
  const children = top.flatMap((r) => (r.child ? [r.child as GroupId] : []));
  const tree = children.length > 0 ? await groupTree(db, children) : new Set<GroupId>();
  return tree.add(top[0]!.id as GroupId);
}

/**
 * The groups and every group nested in them, at any depth. One indexed query
 * per level of nesting: a recursive CTE's row estimate is a guess, and with
 * it PostgreSQL scanned every group and every nesting edge.
 */
async function groupTree(db: Db, groupIds: readonly GroupId[]): Promise<Set<GroupId>> {
  const seen = new Set<GroupId>(groupIds);
  let level = [...seen];
  while (level.length > 0) {
    const children = await rows<{ id: string }>(
      db,
      sql`select child_id as id from group_group_members where parent_id = any(${textArray(level)})`,
    );
    level = [];
    for (const { id } of children) {
      if (seen.has(id as GroupId)) continue;
      seen.add(id as GroupId);
      level.push(id as GroupId);
    }
  }
  return seen;
}

/**
 * Users in the groups, directly or through nesting. Walks the (small) group
 * tree first, then reads members through the membership index: never a scan
 * of every user, unless Everyone or an all-users group is inside.
 */
export async function usersInGroups(
  db: Db,
  orgId: OrgId,
  groupIds: readonly GroupId[],
  activeOnly: boolean,
): Promise<UserId[]> {
  if (groupIds.length === 0) return [];
  const [root] = await rows<{ ids: string[] }>(
    db,
    sql`select coalesce(array_agg(id), '{}') as ids from groups where org_id = ${orgId} and id = any(${textArray(groupIds)})`,
  );
  const ids = [...(await groupTree(db, (root?.ids ?? []) as GroupId[]))];
  if (ids.length === 0) return [];
  const status = activeOnly ? sql`and u.status = 'active'` : sql``;
  const [universal] = await rows<{ yes: boolean }>(
    db,
    sql`select exists (select 1 from groups where id = any(${textArray(ids)}) and (system = 'everyone' or all_users)) as yes`,
  );
  if (universal?.yes) {
    const all = await rows<{ id: string }>(
      db,
      sql`select u.id from users u where u.org_id = ${orgId} ${status} order by u.id`,
    );
    return all.map((r) => r.id as UserId);
  }
  // Driven by the memberships (the primary key's group_id prefix), each user then looked up by id:
  // with stale statistics PostgreSQL otherwise picks a scan of every user.
  const list = await rows<{ id: string }>(
    db,
    sql`select distinct m.user_id as id from group_user_members m
        where m.group_id = any(${textArray(ids)})
          and exists (select 1 from users u where u.id = m.user_id ${status})
        order by 1`,
  );
  return list.map((r) => r.id as UserId);
}

/** Whether Everyone or an all-users group sits inside Administrators: every user would be an administrator. */
export async function administratorsTakeEveryone(db: Db, orgId: OrgId): Promise<boolean> {
  const tree = [...(await administratorsTree(db, orgId))];
  const [row] = await rows<{ yes: boolean }>(
    db,
    sql`select exists (select 1 from groups where id = any(${textArray(tree)}) and (system = 'everyone' or all_users)) as yes`,
  );
  return row?.yes === true;
}

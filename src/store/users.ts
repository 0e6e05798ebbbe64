import { and, eq, inArray, sql } from "drizzle-orm";
import type { GroupId, OrgId, User, UserId } from "../domain/index.ts";
import { type Db, rows } from "./db.ts";
import { fromUser, toUser } from "./rows.ts";
import * as t from "./schema.ts";

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

/** Records "last active"; at most once a minute per user, so it is cheap to call on every check. */
export async function touchLastActive(db: Db, orgId: OrgId, ids: readonly UserId[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update users set last_active_at = ${at.toISOString()}
    where org_id = ${orgId} and id in ${ids}
      and (last_active_at is null or last_active_at < ${new Date(at.getTime() - 60_000).toISOString()})`);
}

/** Active users who are administrators: members of Administrators, directly or through nested groups. */
export async function activeAdministrators(db: Db, orgId: OrgId): Promise<UserId[]> {
  const [admins] = await rows<{ id: string }>(
    db,
    sql`select id from groups where org_id = ${orgId} and system = 'administrators'`,
  );
  if (!admins) return [];
  return usersInGroups(db, orgId, [admins.id as GroupId], true);
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
  const sub = await rows<{ id: string; universal: boolean }>(
    db,
    sql`
    with recursive sub(id) as (
      select id from groups where org_id = ${orgId} and id in ${groupIds}
      union
      select m.child_id from group_group_members m join sub on m.parent_id = sub.id
    )
    select g.id, (g.system = 'everyone' or g.all_users) as universal from groups g join sub on g.id = sub.id`,
  );
  const status = activeOnly ? sql`and u.status = 'active'` : sql``;
  if (sub.some((g) => g.universal)) {
    const all = await rows<{ id: string }>(
      db,
      sql`select u.id from users u where u.org_id = ${orgId} ${status} order by u.id`,
    );
    return all.map((r) => r.id as UserId);
  }
  const ids = sub.map((g) => g.id);
  const list = await rows<{ id: string }>(
    db,
    sql`select distinct m.user_id as id from group_user_members m join users u on u.id = m.user_id
        where m.group_id in ${ids} ${status} order by 1`,
  );
  return list.map((r) => r.id as UserId);
}

/** Whether Everyone or an all-users group sits inside Administrators: every user would be an administrator. */
export async function administratorsTakeEveryone(db: Db, orgId: OrgId): Promise<boolean> {
  const [row] = await rows<{ yes: boolean }>(
    db,
    sql`
    with recursive sub(id) as (
      select id from groups where org_id = ${orgId} and system = 'administrators'
      union
      select m.child_id from group_group_members m join sub on m.parent_id = sub.id
    )
    select exists (select 1 from groups g join sub on g.id = sub.id where g.system = 'everyone' or g.all_users) as yes`,
  );
  return row?.yes === true;
}

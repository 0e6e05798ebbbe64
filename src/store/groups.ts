import { and, eq, inArray, sql } from "drizzle-orm";
import {
  type Group,
  type GroupId,
  type OrgId,
  RosterError,
  type SystemGroupKey,
  type UserId,
} from "../domain/index.ts";
import type { Db } from "./db.ts";
import { fromGroup, toGroup } from "./rows.ts";
import * as t from "./schema.ts";
import { usersInGroups } from "./users.ts";

export async function getGroups(db: Db, orgId: OrgId, ids: readonly GroupId[]): Promise<Group[]> {
  if (ids.length === 0) return [];
  const list = await db
    .select()
    .from(t.groups)
    .where(and(eq(t.groups.orgId, orgId), inArray(t.groups.id, [...ids])));
  return list.map(toGroup);
}

export async function getGroup(db: Db, orgId: OrgId, id: GroupId): Promise<Group | null> {
  return (await getGroups(db, orgId, [id]))[0] ?? null;
}

export async function findGroupByName(db: Db, orgId: OrgId, name: string): Promise<Group | null> {
  const [row] = await db
    .select()
    .from(t.groups)
    .where(and(eq(t.groups.orgId, orgId), sql`lower(${t.groups.name}) = ${name.toLowerCase()}`));
  return row ? toGroup(row) : null;
}

export async function getSystemGroup(db: Db, orgId: OrgId, key: SystemGroupKey): Promise<Group> {
  const [row] = await db
    .select()
    .from(t.groups)
    .where(and(eq(t.groups.orgId, orgId), eq(t.groups.system, key)));
  if (!row) throw new RosterError("group.not_found", `The organization has no ${key} group.`);
  return toGroup(row);
}

export async function insertGroup(tx: Db, orgId: OrgId, group: Group): Promise<void> {
  await tx.insert(t.groups).values(fromGroup(orgId, group));
}

export async function updateGroup(tx: Db, orgId: OrgId, group: Group): Promise<void> {
  const { id, createdAt, orgId: _, ...fields } = fromGroup(orgId, group);
  await tx
    .update(t.groups)
    .set(fields)
    .where(and(eq(t.groups.orgId, orgId), eq(t.groups.id, id)));
}

export async function deleteGroup(tx: Db, orgId: OrgId, id: GroupId): Promise<void> {
  await tx.delete(t.groups).where(and(eq(t.groups.orgId, orgId), eq(t.groups.id, id)));
}

/** Of the given users, those that are explicit members of the group. */
export async function explicitUserMembers(
  db: Db,
  groupId: GroupId,
  userIds?: readonly UserId[],
): Promise<UserId[]> {
  if (userIds && userIds.length === 0) return [];
  const list = await db
    .select({ id: t.groupUserMembers.userId })
    .from(t.groupUserMembers)
    .where(
      userIds
        ? and(eq(t.groupUserMembers.groupId, groupId), inArray(t.groupUserMembers.userId, [...userIds]))
        : eq(t.groupUserMembers.groupId, groupId),
    );
  return list.map((r) => r.id as UserId);
}

export async function explicitGroupMembers(db: Db, groupId: GroupId): Promise<GroupId[]> {
  const list = await db
    .select({ id: t.groupGroupMembers.childId })
    .from(t.groupGroupMembers)
    .where(eq(t.groupGroupMembers.parentId, groupId));
  return list.map((r) => r.id as GroupId);
}

/** Adds users to a group, skipping those already in it; returns the ones added. */
export async function addUserMembers(
  tx: Db,
  orgId: OrgId,
  groupId: GroupId,
  userIds: readonly UserId[],
  at: Date,
): Promise<Set<UserId>> {
  const added = new Set<UserId>();
  for (let i = 0; i < userIds.length; i += 1000) {
    const inserted = await tx
      .insert(t.groupUserMembers)
      .values(userIds.slice(i, i + 1000).map((userId) => ({ orgId, groupId, userId, createdAt: at })))
      .onConflictDoNothing()
      .returning({ id: t.groupUserMembers.userId });
    for (const row of inserted) added.add(row.id as UserId);
  }
  return added;
}

/** Removes users from a group; returns those that were members. */
export async function removeUserMembers(
  tx: Db,
  groupId: GroupId,
  userIds: readonly UserId[],
): Promise<UserId[]> {
  if (userIds.length === 0) return [];
  const removed = await tx
    .delete(t.groupUserMembers)
    .where(and(eq(t.groupUserMembers.groupId, groupId), inArray(t.groupUserMembers.userId, [...userIds])))
    .returning({ id: t.groupUserMembers.userId });
  return removed.map((r) => r.id as UserId);
}

export async function addGroupMembers(
  tx: Db,
  orgId: OrgId,
  parentId: GroupId,
  childIds: readonly GroupId[],
  at: Date,
) {
  if (childIds.length === 0) return;
  await tx
    .insert(t.groupGroupMembers)
    .values(childIds.map((childId) => ({ orgId, parentId, childId, createdAt: at })))
    .onConflictDoNothing();
}

/** Removes groups from a group; returns those that were members. */
export async function removeGroupMembers(
  tx: Db,
  parentId: GroupId,
  childIds: readonly GroupId[],
): Promise<GroupId[]> {
  if (childIds.length === 0) return [];
  const removed = await tx
    .delete(t.groupGroupMembers)
    .where(
      and(eq(t.groupGroupMembers.parentId, parentId), inArray(t.groupGroupMembers.childId, [...childIds])),
    )
    .returning({ id: t.groupGroupMembers.childId });
  return removed.map((r) => r.id as GroupId);
}

/** Every nesting edge of the organization, parent -> children (for cycle checks). */
export async function nestingEdges(db: Db, orgId: OrgId): Promise<Map<GroupId, GroupId[]>> {
  const list = await db
    .select({ parent: t.groupGroupMembers.parentId, child: t.groupGroupMembers.childId })
    .from(t.groupGroupMembers)
    .where(eq(t.groupGroupMembers.orgId, orgId));
  const edges = new Map<GroupId, GroupId[]>();
  for (const e of list) {
    const children = edges.get(e.parent as GroupId);
    if (children) children.push(e.child as GroupId);
    else edges.set(e.parent as GroupId, [e.child as GroupId]);
  }
  return edges;
}

/** Every user in the groups, directly or through nesting (all users when Everyone or an all-users group is inside). */
export async function transitiveUsers(db: Db, orgId: OrgId, groupIds: readonly GroupId[]): Promise<UserId[]> {
  return usersInGroups(db, orgId, groupIds, false);
}

/** The groups a user is an explicit member of. */
export async function groupsOfUserDirect(db: Db, orgId: OrgId, userId: UserId): Promise<GroupId[]> {
  const list = await db
    .select({ id: t.groupUserMembers.groupId })
    .from(t.groupUserMembers)
    .where(and(eq(t.groupUserMembers.orgId, orgId), eq(t.groupUserMembers.userId, userId)));
  return list.map((r) => r.id as GroupId);
}

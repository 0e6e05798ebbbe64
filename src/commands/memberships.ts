import {
  assertMembersEditable,
  fail,
  type Group,
  type GroupId,
  type UserId,
  wouldCreateCycle,
} from "../domain/index.ts";
import {
  administratorsTakeEveryone,
  removeGroupMembers as deleteGroupMembers,
  removeUserMembers as deleteUserMembers,
  explicitGroupMembers,
  getGroups,
  getUsers,
  addGroupMembers as insertGroupMembers,
  addUserMembers as insertUserMembers,
  nestingEdges,
  transitiveUsers,
} from "../store/index.ts";
import type { Work } from "./context.ts";
import { whatGroupGives } from "./describe.ts";
import { guardAdministrators } from "./users.ts";

export type Members = { readonly userIds?: readonly UserId[]; readonly groupIds?: readonly GroupId[] };

const MAX_MEMBERS_PER_CALL = 10_000;

function unique<T>(list: readonly T[] | undefined): T[] {
  return [...new Set(list ?? [])];
}

/** Loads the named users and groups, refusing unknown ids (of this organization only). */
async function loadMembers(w: Work, members: Members) {
  const userIds = unique(members.userIds);
  const groupIds = unique(members.groupIds);
  if (userIds.length + groupIds.length > MAX_MEMBERS_PER_CALL) {
    fail("request.too_large", `At most ${MAX_MEMBERS_PER_CALL} members per call.`);
  }
  const users = await getUsers(w.tx, w.org.id, userIds);
  if (users.length !== userIds.length) {
    const found = new Set(users.map((u) => u.id));
    fail("user.not_found", "Some users do not exist in this organization.", {
      ids: userIds.filter((u) => !found.has(u)),
    });
  }
  const groups = await getGroups(w.tx, w.org.id, groupIds);
  if (groups.length !== groupIds.length) {
    const found = new Set(groups.map((g) => g.id));
    fail("group.not_found", "Some groups do not exist in this organization.", {
      ids: groupIds.filter((g) => !found.has(g)),
    });
  }
  return { users, groups };
}

/**
 * Adds users and groups to a group. Members already there are skipped, so a
 * re-sent add changes nothing. Nesting that would close a cycle is refused.
 */
export async function addMembers(
  w: Work,
  group: Group,
  members: Members,
): Promise<{ userIds: UserId[]; groupIds: GroupId[] }> {
  const { users, groups } = await loadMembers(w, members);
  if (users.length + groups.length === 0) return { userIds: [], groupIds: [] };
  assertMembersEditable(group, { users: users.length > 0, removal: false });
  const presentGroups = new Set<string>(groups.length > 0 ? await explicitGroupMembers(w.tx, group.id) : []);
  const newGroups = groups.filter((g) => !presentGroups.has(g.id));
  if (newGroups.length > 0) {
    const edges = await nestingEdges(w.tx, w.org.id);
    for (const child of newGroups) {
      if (wouldCreateCycle((g) => edges.get(g) ?? [], group.id, child.id)) {
        fail(
          "group.cycle",
          `${child.name} cannot be nested in ${group.name}: ${group.name} is already inside it.`,
          {
            group: group.id,
            member: child.id,
          },
        );
      }
      edges.set(group.id, [...(edges.get(group.id) ?? []), child.id]);
    }
  }
  // Users already in the group are skipped by the insert itself, which says who was added.
  const added = await insertUserMembers(
    w.tx,
    w.org.id,
    group.id,
    users.map((u) => u.id),
    w.at,
  );
  const newUsers = users.filter((u) => added.has(u.id));
  if (newUsers.length + newGroups.length === 0) return { userIds: [], groupIds: [] };
  const userIds = newUsers.map((u) => u.id);
  const groupIds = newGroups.map((g) => g.id);
  await insertGroupMembers(w.tx, w.org.id, group.id, groupIds, w.at);
  if (groupIds.length > 0) await assertAdministratorsBounded(w);
  w.emit({ type: "members.added", groupId: group.id, userIds, groupIds });
  w.audit({
    action: "group.members.add",
    targetType: "group",
    targetId: group.id,
    targetLabel: group.name,
    before: null,
    after: {
      users: newUsers.map((u) => ({ id: u.id, email: u.email })),
      groups: newGroups.map((g) => ({ id: g.id, name: g.name })),
    },
  });
  if (group.notify === "email") {
    const gives = await whatGroupGives(w, group);
    const reached = new Set<UserId>([...userIds, ...(await transitiveUsers(w.tx, w.org.id, groupIds))]);
    w.notify(reached, `You were added to ${group.name}${gives}.`);
  }
  return { userIds, groupIds };
}

/**
 * Removes users and groups from a group; members not there are skipped. The
 * last active administrator cannot be removed from Administrators.
 */
export async function removeMembers(
  w: Work,
  group: Group,
  members: Members,
): Promise<{ userIds: UserId[]; groupIds: GroupId[] }> {
  const { users, groups } = await loadMembers(w, members);
  if (users.length + groups.length === 0) return { userIds: [], groupIds: [] };
  assertMembersEditable(group, { users: users.length > 0, removal: true });
  // The deletes say who was a member: members not there are skipped.
  const { userIds, groupIds } = await guardAdministrators(
    w,
    async () => ({
      userIds: await deleteUserMembers(
        w.tx,
        group.id,
        users.map((u) => u.id),
      ),
      groupIds: await deleteGroupMembers(
        w.tx,
        group.id,
        groups.map((g) => g.id),
      ),
    }),
    group.id,
  );
  if (userIds.length + groupIds.length === 0) return { userIds: [], groupIds: [] };
  const reached =
    group.notify === "email"
      ? new Set<UserId>([...userIds, ...(await transitiveUsers(w.tx, w.org.id, groupIds))])
      : new Set<UserId>();
  w.emit({ type: "members.removed", groupId: group.id, userIds, groupIds });
  w.audit({
    action: "group.members.remove",
    targetType: "group",
    targetId: group.id,
    targetLabel: group.name,
    before: { users: userIds, groups: groupIds },
    after: null,
  });
  if (reached.size > 0)
    w.notify(reached, `You were removed from ${group.name}; you no longer get what it gives.`);
  return { userIds, groupIds };
}

/** Everyone, or an all-users group, inside Administrators would make every user (and every future one) an administrator. */
export async function assertAdministratorsBounded(w: Work): Promise<void> {
  if (await administratorsTakeEveryone(w.tx, w.org.id)) {
    fail(
      "group.all_users",
      "This would put Everyone (or a group of all users) inside Administrators: every user would become an administrator.",
    );
  }
}

export async function loadGroup(w: Work, id: GroupId): Promise<Group> {
  const [group] = await getGroups(w.tx, w.org.id, [id]);
  return group ?? fail("group.not_found", `No group ${id} in this organization.`, { id });
}

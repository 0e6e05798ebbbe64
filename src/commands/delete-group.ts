import { assertNotSystemGroup, fail, type GroupId } from "../domain/index.ts";
import {
  explicitGroupMembers,
  explicitUserMembers,
  deleteGroup as removeGroup,
  rulesOfGroups,
} from "../store/index.ts";
import { type CommandContext, requireGroupManagement, runCommand, type Work } from "./context.ts";
import { notifyGroupMembers, whatGroupGives } from "./describe.ts";
import { loadGroup } from "./memberships.ts";
import { guardAdministrators } from "./users.ts";
import { assertVersion, type Precondition } from "./versions.ts";

/**
 * Deletes a custom group. One that still has members is refused unless
 * `force`, which removes the members in the same transaction; they then keep
 * only what other paths give them.
 */
export async function deleteGroup(
  ctx: CommandContext,
  id: GroupId,
  options: { force?: boolean } & Precondition = {},
) {
  return runCommand(ctx, (w) => deleteGroupIn(w, id, options));
}

/** `deleteGroup` inside a command (shared with the deletion of several groups in one change). */
export async function deleteGroupIn(w: Work, id: GroupId, options: { force?: boolean } & Precondition = {}) {
  const group = await loadGroup(w, id);
  await assertVersion(w, id, options);
  await requireGroupManagement(w, group);
  assertNotSystemGroup(group, "deleted");
  const users = await explicitUserMembers(w.tx, id);
  const groups = await explicitGroupMembers(w.tx, id);
  if ((users.length > 0 || groups.length > 0 || group.allUsers) && !options.force) {
    fail("group.has_members", `${group.name} still has members: remove them first, or delete with force.`, {
      users: users.length,
      groups: groups.length,
      allUsers: group.allUsers,
    });
  }
  const gives = await whatGroupGives(w, group);
  await notifyGroupMembers(
    w,
    group,
    `${group.name} was deleted${gives ? `: you no longer get ${gives.replace(", which gives ", "")} through it` : ""}.`,
  );
  const rules = await rulesOfGroups(w.tx, w.org.id, [id]);
  await guardAdministrators(w, () => removeGroup(w.tx, w.org.id, id), id);
  w.emit({ type: "group.deleted", groupId: id });
  w.audit({
    action: "group.delete",
    targetType: "group",
    targetId: id,
    targetLabel: group.name,
    before: { group, users, groups, rules },
    after: null,
  });
  return { group, removedMembers: { users: users.length, groups: groups.length } };
}

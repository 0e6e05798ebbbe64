import {
  assertNotSystemGroup,
  checkNotify,
  checkText,
  fail,
  type Group,
  type GroupId,
  type NotifySetting,
} from "../domain/index.ts";
import { findGroupByName, updateGroup as writeGroup } from "../store/index.ts";
import { type CommandContext, requireGroupManagement, runCommand, type Work } from "./context.ts";
import { notifyGroupMembers, whatGroupGives } from "./describe.ts";
import { assertAdministratorsBounded, loadGroup } from "./memberships.ts";
import { guardAdministrators } from "./users.ts";

export type UpdateGroupInput = {
  readonly name?: string;
  readonly description?: string;
  /** Off: the group's own rules and filters stop applying; members keep what other paths give. */
  readonly privileges?: boolean;
  readonly notify?: NotifySetting;
  readonly allUsers?: boolean;
  /** The identity provider's id of the group (SCIM `externalId`); null removes it. */
  readonly externalId?: string | null;
};

/** Applies an update to one group inside a command (shared with the bulk edits). */
export async function applyGroupUpdate(w: Work, id: GroupId, input: UpdateGroupInput): Promise<Group> {
  const before = await loadGroup(w, id);
  await requireGroupManagement(w, before);
  let after: Group = before;
  if (input.name !== undefined && input.name.trim() !== before.name) {
    assertNotSystemGroup(before, "renamed");
    const name = checkText("group.invalid", "name", input.name, 100);
    const other = await findGroupByName(w.tx, w.org.id, name);
    if (other && other.id !== id) fail("group.name_taken", `A group named ${name} exists.`);
    after = { ...after, name };
  }
  if (input.description !== undefined && input.description.trim() !== before.description) {
    assertNotSystemGroup(before, "edited");
    after = {
      ...after,
      description: checkText("group.invalid", "description", input.description, 1000, true),
    };
  }
  if (input.privileges !== undefined && input.privileges !== before.privileges) {
    assertNotSystemGroup(before, "switched off");
    after = { ...after, privileges: input.privileges };
  }
  if (input.allUsers !== undefined && input.allUsers !== before.allUsers) {
    assertNotSystemGroup(before, "given all users");
    after = { ...after, allUsers: input.allUsers };
  }
  if (input.notify !== undefined) after = { ...after, notify: checkNotify(input.notify) };
  if (input.externalId !== undefined) {
    const externalId =
      input.externalId === null ? undefined : checkText("group.invalid", "externalId", input.externalId, 255);
    if (externalId !== before.externalId) {
      assertNotSystemGroup(before, "linked to an identity provider");
      const { externalId: _, ...rest } = after;
      after = externalId === undefined ? rest : { ...rest, externalId };
    }
  }
  if (JSON.stringify(after) === JSON.stringify(before)) return before;

  await guardAdministrators(w, () => writeGroup(w.tx, w.org.id, after), after.id);
  if (after.allUsers && !before.allUsers) await assertAdministratorsBounded(w);
  w.emit({ type: "group.updated", group: after });
  w.audit({
    action: "group.update",
    targetType: "group",
    targetId: id,
    targetLabel: after.name,
    before,
    after,
  });
  if (after.privileges !== before.privileges) {
    const gives = await whatGroupGives(w, { ...after, privileges: true });
    await notifyGroupMembers(
      w,
      after,
      after.privileges
        ? `The privileges of ${after.name} were turned on${gives}.`
        : `The privileges of ${after.name} were turned off${gives ? `: you no longer get ${gives.replace(", which gives ", "")} through it` : ""}.`,
    );
  }
  return after;
}

export async function updateGroup(ctx: CommandContext, id: GroupId, input: UpdateGroupInput) {
  return runCommand(ctx, async (w) => ({ group: await applyGroupUpdate(w, id, input) }));
}

/** Turns several groups' privileges on or off in one change. */
export async function setGroupsPrivileges(ctx: CommandContext, ids: readonly GroupId[], privileges: boolean) {
  return runCommand(ctx, async (w) => {
    const groups: Group[] = [];
    for (const id of new Set(ids)) groups.push(await applyGroupUpdate(w, id, { privileges }));
    return { groups };
  });
}

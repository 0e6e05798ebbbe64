import {
  assertCustomGroupsAllowed,
  checkNotify,
  checkText,
  fail,
  type Group,
  type GroupId,
  type NotifySetting,
  newId,
  type UserId,
} from "../domain/index.ts";
import { allUserIds, findGroupByName, getGroups, insertGroup } from "../store/index.ts";
import { type CommandContext, requireGroupManagement, runCommand, type Work } from "./context.ts";
import { addMembers } from "./memberships.ts";

export type CreateGroupInput = {
  readonly name: string;
  readonly description?: string;
  readonly userIds?: readonly UserId[];
  readonly groupIds?: readonly GroupId[];
  /** Adds every current user once, like any other members. */
  readonly allCurrentUsers?: boolean;
  /** "All current and future users": a flag; every user of the organization is a member. */
  readonly allUsers?: boolean;
  readonly privileges?: boolean;
  readonly notify?: NotifySetting;
  /** The identity provider's id of the group (SCIM `externalId`). */
  readonly externalId?: string | null;
};

/**
 * Creates a custom group (enterprise plan). A delegate's groups carry their
 * delegation, and may only nest groups of the same delegation.
 */
export async function createGroupIn(w: Work, input: CreateGroupInput) {
  const delegation = await requireGroupManagement(w, null);
  assertCustomGroupsAllowed(w.org);
  const name = checkText("group.invalid", "name", input.name, 100);
  if (await findGroupByName(w.tx, w.org.id, name)) fail("group.name_taken", `A group named ${name} exists.`);
  if (input.allCurrentUsers && input.allUsers) {
    fail("group.invalid", "Choose all current users or all current and future users, not both.");
  }
  if (delegation && input.groupIds?.length) {
    const nested = await getGroups(w.tx, w.org.id, input.groupIds);
    const outside = nested.filter((g) => g.delegationId !== delegation.id);
    if (outside.length > 0) {
      fail("delegation.out_of_scope", "A delegate may only nest groups created under their delegation.", {
        groups: outside.map((g) => g.id),
      });
    }
  }
  const group: Group = {
    id: newId("group"),
    name,
    description: checkText("group.invalid", "description", input.description ?? "", 1000, true),
    system: null,
    privileges: input.privileges ?? true,
    notify: checkNotify(input.notify ?? "none"),
    allUsers: input.allUsers ?? false,
    delegationId: delegation?.id ?? null,
    ...(input.externalId != null && {
      externalId: checkText("group.invalid", "externalId", input.externalId, 255),
    }),
    createdAt: w.now,
  };
  await insertGroup(w.tx, w.org.id, group);
  w.emit({ type: "group.created", group });
  w.audit({
    action: "group.create",
    targetType: "group",
    targetId: group.id,
    targetLabel: name,
    before: null,
    after: group,
  });
  const userIds = input.allCurrentUsers ? await allUserIds(w.tx, w.org.id) : (input.userIds ?? []);
  await addMembers(w, group, { userIds, groupIds: input.groupIds ?? [] });
  return { group };
}

export async function createGroup(ctx: CommandContext, input: CreateGroupInput) {
  return runCommand(ctx, (w) => createGroupIn(w, input));
}

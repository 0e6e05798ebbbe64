import type { GroupId, UserId } from "../domain/index.ts";
import { fail } from "../domain/index.ts";
import { getGroups } from "../store/index.ts";
import { type CommandContext, requireGroupManagement, runCommand, type Work } from "./context.ts";
import { addMembers, loadGroup, type Members, removeMembers } from "./memberships.ts";

async function authorize(w: Work, groupId: GroupId, members: Members) {
  const group = await loadGroup(w, groupId);
  const delegation = await requireGroupManagement(w, group);
  if (
    group.system === "administrators" &&
    w.ctx.authority.kind !== "owner" &&
    w.ctx.authority.kind !== "admin"
  ) {
    fail("auth.forbidden", "Only administrators may change who is an administrator.");
  }
  if (delegation && members.groupIds?.length) {
    const outside = (await getGroups(w.tx, w.org.id, members.groupIds)).filter(
      (g) => g.delegationId !== delegation.id,
    );
    if (outside.length > 0) {
      fail("delegation.out_of_scope", "A delegate may only nest groups created under their delegation.", {
        groups: outside.map((g) => g.id),
      });
    }
  }
  return group;
}

/** Adds users and groups to a group; re-sent adds change nothing. */
export async function addGroupMembers(ctx: CommandContext, groupId: GroupId, members: Members) {
  return runCommand(ctx, async (w) => addMembers(w, await authorize(w, groupId, members), members));
}

/** Removes users and groups from a group. */
export async function removeGroupMembers(ctx: CommandContext, groupId: GroupId, members: Members) {
  return runCommand(ctx, async (w) => removeMembers(w, await authorize(w, groupId, members), members));
}

/** Bulk edit: adds several users to some groups and removes them from others, in one change. */
export async function editUsersGroups(
  ctx: CommandContext,
  input: { userIds: readonly UserId[]; add?: readonly GroupId[]; remove?: readonly GroupId[] },
) {
  return runCommand(ctx, async (w) => {
    const overlap = (input.add ?? []).filter((g) => input.remove?.includes(g));
    if (overlap.length > 0)
      fail("request.invalid", "A group cannot be both added and removed.", { groups: overlap });
    for (const g of new Set(input.add ?? [])) {
      await addMembers(w, await authorize(w, g, { userIds: input.userIds }), { userIds: input.userIds });
    }
    for (const g of new Set(input.remove ?? [])) {
      await removeMembers(w, await authorize(w, g, { userIds: input.userIds }), { userIds: input.userIds });
    }
    return {};
  });
}

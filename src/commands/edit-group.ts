import { fail, type Group, type GroupId, type UserId } from "../domain/index.ts";
import { explicitGroupMembers, explicitUserMembers, getGroups } from "../store/index.ts";
import { type CommandContext, requireGroupManagement, runCommand, type Work } from "./context.ts";
import { addMembers, loadGroup, removeMembers } from "./memberships.ts";
import { applyGroupUpdate } from "./update-group.ts";
import { assertVersion, type Precondition } from "./versions.ts";

export type GroupMembers = { readonly userIds: readonly UserId[]; readonly groupIds: readonly GroupId[] };

/** A direct member of a group, as `where` steps see it. */
export type MemberRef = { readonly id: UserId | GroupId; readonly kind: "user" | "group" };

/** One change to a group's direct members; a group's steps apply in order. */
export type MemberStep =
  | { readonly op: "add" | "remove" | "replace"; readonly members: GroupMembers }
  /** Removes the direct members for which `where` (pure, no I/O) holds. */
  | { readonly op: "remove_where"; readonly where: (member: MemberRef) => boolean };

export type GroupEdit = {
  readonly name?: string | undefined;
  /** Null removes it. */
  readonly externalId?: string | null | undefined;
  readonly members?: readonly MemberStep[] | undefined;
};

/**
 * Renames a group, changes its externalId and its direct members, in one
 * transaction (SCIM's PUT and PATCH of a group): one revision, with the
 * audit entries and notifications of each part. Re-sent adds and removals of
 * absent members change nothing.
 */
export async function editGroup(
  ctx: CommandContext,
  id: GroupId,
  edit: GroupEdit,
  precondition: Precondition = {},
) {
  return runCommand(ctx, async (w) => {
    let group = await loadGroup(w, id);
    await assertVersion(w, id, precondition);
    const delegation = await requireGroupManagement(w, group);
    if (delegation) await assertNestedInDelegation(w, delegation.id, edit.members ?? []);
    if (edit.name !== undefined || edit.externalId !== undefined) {
      group = await applyGroupUpdate(w, id, {
        ...(edit.name !== undefined && { name: edit.name }),
        ...(edit.externalId !== undefined && { externalId: edit.externalId }),
      });
    }
    for (const step of edit.members ?? []) await applyStep(w, group, step);
    return { group };
  });
}

async function applyStep(w: Work, group: Group, step: MemberStep): Promise<void> {
  if (step.op === "add") {
    await addMembers(w, group, step.members);
    return;
  }
  if (step.op === "remove") {
    await removeMembers(w, group, step.members);
    return;
  }
  const users = await explicitUserMembers(w.tx, group.id);
  const groups = await explicitGroupMembers(w.tx, group.id);
  if (step.op === "remove_where") {
    await removeMembers(w, group, {
      userIds: users.filter((u) => step.where({ id: u, kind: "user" })),
      groupIds: groups.filter((g) => step.where({ id: g, kind: "group" })),
    });
    return;
  }
  // Replace: remove who is not in the new list, then add who is not there yet.
  const keepUsers = new Set<string>(step.members.userIds);
  const keepGroups = new Set<string>(step.members.groupIds);
  await removeMembers(w, group, {
    userIds: users.filter((u) => !keepUsers.has(u)),
    groupIds: groups.filter((g) => !keepGroups.has(g)),
  });
  await addMembers(w, group, step.members);
}

/** A delegate may only nest groups created under their delegation. */
export async function assertNestedInDelegation(w: Work, delegationId: string, steps: readonly MemberStep[]) {
  const nested = steps.flatMap((s) => (s.op === "add" || s.op === "replace" ? s.members.groupIds : []));
  if (nested.length === 0) return;
  const outside = (await getGroups(w.tx, w.org.id, nested)).filter((g) => g.delegationId !== delegationId);
  if (outside.length > 0) {
    fail("delegation.out_of_scope", "A delegate may only nest groups created under their delegation.", {
      groups: outside.map((g) => g.id),
    });
  }
}

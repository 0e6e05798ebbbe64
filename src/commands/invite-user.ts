import {
  type Attributes,
  checkRole,
  checkUserFields,
  fail,
  type GroupId,
  newId,
  type OrgRole,
  type User,
} from "../domain/index.ts";
import { insertUser, updateUser } from "../store/index.ts";
import {
  type CommandContext,
  isAdmin,
  requireGroupManagement,
  requireOwner,
  requireUserManagement,
  runCommand,
  type Work,
} from "./context.ts";
import { addMembers, loadGroup } from "./memberships.ts";
import { administratorsGroupId, assertEmailFree } from "./users.ts";

export type InviteUserInput = {
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly role?: OrgRole;
  readonly groupIds?: readonly GroupId[];
  readonly attributes?: Attributes;
  readonly externalId?: string | null;
  /** False provisions the user deactivated (SCIM `active: false`). */
  readonly active?: boolean;
};

/**
 * Adds a user to the organization (they join it before joining any group),
 * with an organization role and, optionally, groups.
 */
export async function inviteUserIn(w: Work, input: InviteUserInput) {
  requireUserManagement(w);
  const role = checkRole(input.role ?? "member");
  if (role === "owner") requireOwner(w);
  if (role === "admin" && !isAdmin(w)) fail("auth.forbidden", "Only administrators may make administrators.");
  const fields = checkUserFields({
    email: input.email,
    firstName: input.firstName ?? "",
    lastName: input.lastName ?? "",
    externalId: input.externalId ?? null,
    attributes: input.attributes ?? {},
  });
  await assertEmailFree(w.tx, w, fields.email!);
  const user: User = {
    id: newId("user"),
    email: fields.email!,
    firstName: fields.firstName!,
    lastName: fields.lastName!,
    status: input.active === false ? "deactivated" : "active",
    externalId: fields.externalId ?? null,
    attributes: fields.attributes ?? {},
    owner: false,
    createdAt: w.now,
  };
  await insertUser(w.tx, w.org.id, user);
  w.emit({ type: "user.created", user });
  w.audit({
    action: "user.create",
    targetType: "user",
    targetId: user.id,
    targetLabel: user.email,
    before: null,
    after: user,
  });
  if (role !== "member")
    await addMembers(w, await loadGroup(w, await administratorsGroupId(w)), { userIds: [user.id] });
  if (role === "owner") {
    const owner = { ...user, owner: true };
    await updateUser(w.tx, w.org.id, owner);
    w.emit({ type: "user.updated", user: owner });
  }
  for (const groupId of new Set(input.groupIds ?? [])) {
    const group = await loadGroup(w, groupId);
    await requireGroupManagement(w, group);
    await addMembers(w, group, { userIds: [user.id] });
  }
  return { user: role === "owner" ? { ...user, owner: true } : user };
}

export async function inviteUser(ctx: CommandContext, input: InviteUserInput) {
  return runCommand(ctx, (w) => inviteUserIn(w, input));
}

import {
  checkUserFields,
  fail,
  type User,
  type UserFields,
  type UserId,
  type UserStatus,
} from "../domain/index.ts";
import { updateUser as writeUser } from "../store/index.ts";
import {
  type CommandContext,
  requireOwner,
  requireUserManagement,
  runCommand,
  type Work,
} from "./context.ts";
import { assertEmailFree, assertMayManageUser, guardAdministrators, loadUser } from "./users.ts";

export type UpdateUserInput = UserFields & {
  /** Deactivated users keep their record and memberships but have no access. */
  readonly status?: UserStatus;
};

/** Edits a user; deactivating the last active administrator is refused. */
export async function updateUserIn(w: Work, id: UserId, input: UpdateUserInput) {
  requireUserManagement(w);
  const before = await loadUser(w, id);
  if (before.owner) requireOwner(w);
  await assertMayManageUser(w, before);
  const fields = checkUserFields(input);
  if (fields.email !== undefined && fields.email.toLowerCase() !== before.email.toLowerCase()) {
    await assertEmailFree(w.tx, w, fields.email, id);
  }
  if (input.status !== undefined && input.status !== "active" && input.status !== "deactivated") {
    fail("user.invalid", `Unknown status "${input.status}": active or deactivated.`, { field: "status" });
  }
  const after: User = { ...before, ...fields, ...(input.status !== undefined && { status: input.status }) };
  if (JSON.stringify(after) === JSON.stringify(before)) return { user: before };
  await guardAdministrators(w, () => writeUser(w.tx, w.org.id, after));
  w.emit({ type: "user.updated", user: after });
  const action =
    before.status !== after.status
      ? after.status === "active"
        ? "user.reactivate"
        : "user.deactivate"
      : "user.update";
  w.audit({ action, targetType: "user", targetId: id, targetLabel: after.email, before, after });
  return { user: after };
}

export async function updateUser(ctx: CommandContext, id: UserId, input: UpdateUserInput) {
  return runCommand(ctx, (w) => updateUserIn(w, id, input));
}

import type { User, UserId } from "../domain/index.ts";
import { type CommandContext, runCommand } from "./context.ts";
import { type UpdateUserInput, updateUserIn } from "./update-user.ts";
import { loadUser } from "./users.ts";
import { assertVersion, type Precondition } from "./versions.ts";

/**
 * Edits a user from its state as stored, read inside the command's
 * transaction: `edit` (pure, no I/O) turns the current user into the change.
 * A read-modify-write (SCIM's PUT and PATCH) therefore cannot lose a change
 * made between the read and the write.
 */
export async function editUser(
  ctx: CommandContext,
  id: UserId,
  edit: (user: User) => UpdateUserInput,
  precondition: Precondition = {},
) {
  return runCommand(ctx, async (w) => {
    const user = await loadUser(w, id);
    await assertVersion(w, id, precondition);
    return updateUserIn(w, id, edit(user));
  });
}

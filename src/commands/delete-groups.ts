import { fail, type GroupId } from "../domain/index.ts";
import { type CommandContext, runCommand } from "./context.ts";
import { deleteGroupIn } from "./delete-group.ts";

/**
 * Deletes several custom groups in one change: all of them or, on any
 * refusal (a system group, one with members without `force`), none. With
 * `force`, their members are removed in the same transaction.
 */
export async function deleteGroups(
  ctx: CommandContext,
  ids: readonly GroupId[],
  options: { force?: boolean } = {},
) {
  return runCommand(ctx, async (w) => {
    const unique = [...new Set(ids)];
    if (unique.length === 0) fail("group.invalid", "Name at least one group to delete.");
    const deleted = [];
    for (const id of unique) deleted.push(await deleteGroupIn(w, id, options));
    return { deleted };
  });
}

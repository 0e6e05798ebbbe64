import type { Group, GroupId, NotifySetting } from "../domain/index.ts";
import { type CommandContext, runCommand } from "./context.ts";
import { applyGroupUpdate } from "./update-group.ts";

/** Sets how the members of several groups hear of changes to their access (none or email), in one change. */
export async function setGroupsNotify(ctx: CommandContext, ids: readonly GroupId[], notify: NotifySetting) {
  return runCommand(ctx, async (w) => {
    const groups: Group[] = [];
    for (const id of new Set(ids)) groups.push(await applyGroupUpdate(w, id, { notify }));
    return { groups };
  });
}

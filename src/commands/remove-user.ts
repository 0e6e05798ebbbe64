import type { UserId } from "../domain/index.ts";
import { deleteUser, getGroups, groupsOfUserDirect, rulesHeldBy } from "../store/index.ts";
import { type CommandContext, requireOwner, requireUserManagement, runCommand } from "./context.ts";
import { assertMayManageUser, guardAdministrators, loadUser } from "./users.ts";
import { assertVersion, type Precondition } from "./versions.ts";

/**
 * Removes a user from the organization, with every membership, rule, filter
 * and delegation of theirs. The last active administrator cannot be removed.
 */
export async function removeUser(ctx: CommandContext, id: UserId, precondition: Precondition = {}) {
  return runCommand(ctx, async (w) => {
    requireUserManagement(w);
    const user = await loadUser(w, id);
    await assertVersion(w, id, precondition);
    if (user.owner) requireOwner(w);
    await assertMayManageUser(w, user);
    const rules = await rulesHeldBy(w.tx, w.org.id, { users: [id], groups: [] });
    const memberships = await groupsOfUserDirect(w.tx, w.org.id, id);
    await guardAdministrators(w, () => deleteUser(w.tx, w.org.id, id));
    w.emit({ type: "user.deleted", userId: id });
    const groups = await getGroups(w.tx, w.org.id, memberships);
    w.audit({
      action: "user.remove",
      targetType: "user",
      targetId: id,
      targetLabel: user.email,
      before: { user, groups: groups.map((g) => ({ id: g.id, name: g.name })), rules },
      after: null,
    });
    return { user };
  });
}

import { checkRole, fail, type OrgRole, type UserId } from "../domain/index.ts";
import { explicitUserMembers, transitiveUsers, updateUser } from "../store/index.ts";
import { type CommandContext, requireAdmin, requireOwner, runCommand, type Work } from "./context.ts";
import { addMembers, loadGroup, removeMembers } from "./memberships.ts";
import { administratorsGroupId, guardAdministrators, loadUser } from "./users.ts";

/**
 * Sets a user's organization role. Admin means membership of Administrators,
 * so this adds or removes the user there; owner is a mark on top of admin.
 * A user who is admin through a nested group cannot be demoted here.
 */
export async function setUserRoleIn(w: Work, id: UserId, role: OrgRole) {
  requireAdmin(w);
  checkRole(role);
  const user = await loadUser(w, id);
  if (role === "owner" || user.owner) requireOwner(w);
  const admins = await loadGroup(w, await administratorsGroupId(w));
  const direct = (await explicitUserMembers(w.tx, admins.id, [id])).length > 0;
  const owner = role === "owner";
  if (owner !== user.owner) {
    const after = { ...user, owner };
    await updateUser(w.tx, w.org.id, after);
    w.emit({ type: "user.updated", user: after });
    w.audit({
      action: "user.role",
      targetType: "user",
      targetId: id,
      targetLabel: user.email,
      before: user,
      after,
    });
  }
  if (role !== "member") {
    if (!direct) await addMembers(w, admins, { userIds: [id] });
    return { role };
  }
  await guardAdministrators(w, async () => {
    if (direct) await removeMembers(w, admins, { userIds: [id] });
  });
  if ((await transitiveUsers(w.tx, w.org.id, [admins.id])).includes(id)) {
    fail(
      "user.role_inherited",
      `${user.email} is an administrator through a group nested in Administrators: remove them from that group.`,
    );
  }
  return { role };
}

export async function setUserRole(ctx: CommandContext, id: UserId, role: OrgRole) {
  return runCommand(ctx, (w) => setUserRoleIn(w, id, role));
}

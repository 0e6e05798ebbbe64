import { assertAdministratorsRemain, fail, type GroupId, type User, type UserId } from "../domain/index.ts";
import {
  activeAdministrators,
  administratorsTree,
  type Db,
  findUserByEmail,
  getSystemGroup,
  getUser,
  transitiveUsers,
} from "../store/index.ts";
import { isAdmin, type Work } from "./context.ts";

/** Helpers shared by the user commands. */

export async function loadUser(w: Work, id: UserId): Promise<User> {
  return (
    (await getUser(w.tx, w.org.id, id)) ??
    fail("user.not_found", `No user ${id} in this organization.`, { id })
  );
}

export async function assertEmailFree(tx: Db, w: Work, email: string, except?: UserId): Promise<void> {
  const other = await findUserByEmail(tx, w.org.id, email);
  if (other && other.id !== except)
    fail("user.email_taken", `${email} is already a user of this organization.`);
}

/** Only administrators may change or remove an administrator (a user manager could otherwise take over one). */
export async function assertMayManageUser(w: Work, user: User): Promise<void> {
  if (isAdmin(w)) return;
  const admins = await getSystemGroup(w.tx, w.org.id, "administrators");
  if ((await transitiveUsers(w.tx, w.org.id, [admins.id])).includes(user.id)) {
    fail("auth.forbidden", `${user.email} is an administrator: only administrators may change them.`);
  }
}

/** Runs a change that may reduce the active administrators, refusing it if it leaves none. */
export async function guardAdministrators<T>(
  w: Work,
  change: () => Promise<T>,
  onlyGroup?: GroupId,
): Promise<T> {
  // A change confined to one group outside Administrators' tree cannot change who is an administrator.
  if (onlyGroup && !(await administratorsTree(w.tx, w.org.id)).has(onlyGroup)) return change();
  const before = await activeAdministrators(w.tx, w.org.id);
  const result = await change();
  assertAdministratorsRemain(before, await activeAdministrators(w.tx, w.org.id));
  return result;
}

export async function administratorsGroupId(w: Work): Promise<GroupId> {
  return (await getSystemGroup(w.tx, w.org.id, "administrators")).id;
}

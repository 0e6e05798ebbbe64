import {
  type Attributes,
  assertAdministratorsRemain,
  checkAttributes,
  checkEmail,
  checkText,
  fail,
  type GroupId,
  type OrgRole,
  type User,
  type UserId,
} from "../domain/index.ts";
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

export type UserFields = {
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly externalId?: string | null;
  readonly attributes?: Attributes;
};

/** Validates the editable fields of a user. */
export function checkUserFields(f: UserFields): UserFields {
  return {
    ...(f.email !== undefined && { email: checkEmail(f.email) }),
    ...(f.firstName !== undefined && {
      firstName: checkText("user.invalid", "firstName", f.firstName, 100, true),
    }),
    ...(f.lastName !== undefined && {
      lastName: checkText("user.invalid", "lastName", f.lastName, 100, true),
    }),
    ...(f.externalId !== undefined && {
      externalId: f.externalId === null ? null : checkText("user.invalid", "externalId", f.externalId, 255),
    }),
    ...(f.attributes !== undefined && { attributes: checkAttributes(f.attributes) }),
  };
}

export function checkRole(role: string): OrgRole {
  if (role !== "owner" && role !== "admin" && role !== "member") {
    fail("user.invalid", `Unknown organization role "${role}": owner, admin or member.`, { field: "role" });
  }
  return role;
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

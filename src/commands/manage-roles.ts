import {
  capabilitiesOf,
  checkText,
  customRoleMask,
  fail,
  maskOf,
  namedRoleEqualTo,
  newId,
  type ResourceTypeDef,
  type Role,
  type RoleId,
  validateResourceType,
} from "../domain/index.ts";
import {
  getRole,
  getRolesOfType,
  getType,
  insertRole,
  insertType,
  deleteRole as removeRole,
  roleInUse,
  updateRole as writeRole,
} from "../store/index.ts";
import { loadType } from "./catalog.ts";
import { type CommandContext, requireAdmin, runCommand, type Work } from "./context.ts";

export type CustomRoleInput = {
  readonly type: string;
  readonly name: string;
  readonly capabilities: readonly string[];
  /** Add the capabilities the chosen ones require, instead of refusing. */
  readonly closeDependencies?: boolean;
};

async function checkRoleName(w: Work, type: string, name: string, except?: RoleId): Promise<string> {
  const clean = checkText("role.invalid", "name", name, 80);
  const clash = (await getRolesOfType(w.tx, w.org.id, type)).find(
    (r) => r.name.toLowerCase() === clean.toLowerCase() && r.id !== except,
  );
  if (clash) fail("role.name_taken", `${type} already has a role named ${clash.name}.`);
  return clean;
}

/** Creates a custom role; the answer says when it equals a named role ("this is Analyst"). */
export async function createRole(ctx: CommandContext, input: CustomRoleInput) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const type = await loadType(w, input.type);
    const mask = customRoleMask(type, input.capabilities, input.closeDependencies ?? false);
    const name = await checkRoleName(w, type.def.key, input.name);
    const role: Role = {
      id: newId("role"),
      type: type.def.key,
      name,
      capabilities: capabilitiesOf(type, mask),
      builtin: false,
    };
    await insertRole(w.tx, w.org.id, role, (await getRolesOfType(w.tx, w.org.id, type.def.key)).length);
    w.emit({ type: "role.created", role });
    w.audit({
      action: "role.create",
      targetType: "role",
      targetId: role.id,
      targetLabel: name,
      before: null,
      after: role,
    });
    return { role, equals: namedRoleEqualTo(type, mask) };
  });
}

async function loadCustomRole(w: Work, id: RoleId): Promise<Role> {
  const role = (await getRole(w.tx, w.org.id, id)) ?? fail("role.not_found", `No role ${id}.`);
  if (role.builtin)
    fail("role.builtin", `${role.name} is a named role of the catalog: it cannot be changed or deleted.`);
  return role;
}

/** Renames a custom role or changes its capabilities (every rule with it changes too). */
export async function updateRole(
  ctx: CommandContext,
  id: RoleId,
  input: { name?: string; capabilities?: readonly string[]; closeDependencies?: boolean },
) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const before = await loadCustomRole(w, id);
    const type = await loadType(w, before.type);
    const mask = input.capabilities
      ? customRoleMask(type, input.capabilities, input.closeDependencies ?? false)
      : maskOf(type, before.capabilities);
    const after: Role = {
      ...before,
      name: input.name !== undefined ? await checkRoleName(w, before.type, input.name, id) : before.name,
      capabilities: capabilitiesOf(type, mask),
    };
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      await writeRole(w.tx, w.org.id, after);
      w.emit({ type: "role.updated", role: after });
      w.audit({
        action: "role.update",
        targetType: "role",
        targetId: id,
        targetLabel: after.name,
        before,
        after,
      });
    }
    return { role: after, equals: namedRoleEqualTo(type, mask) };
  });
}

/** Deletes a custom role no rule uses. */
export async function deleteRole(ctx: CommandContext, id: RoleId) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const role = await loadCustomRole(w, id);
    if (await roleInUse(w.tx, w.org.id, id))
      fail("role.in_use", `${role.name} is used by rules: change them first.`);
    await removeRole(w.tx, w.org.id, id);
    w.emit({ type: "role.deleted", roleId: id });
    w.audit({
      action: "role.delete",
      targetType: "role",
      targetId: id,
      targetLabel: role.name,
      before: role,
      after: null,
    });
    return { role };
  });
}

/** Adds a resource type to the organization's catalog, with its named roles. */
export async function createResourceType(ctx: CommandContext, def: ResourceTypeDef) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    validateResourceType(def);
    if (await getType(w.tx, w.org.id, def.key))
      fail("resource_type.key_taken", `The type ${def.key} exists.`);
    const clean: ResourceTypeDef = {
      key: def.key,
      label: checkText("resource_type.invalid", "label", def.label, 80),
      capabilities: def.capabilities.map((c) => ({
        key: c.key,
        label: checkText("resource_type.invalid", "label", c.label, 80),
        requires: [...c.requires],
      })),
      roles: def.roles.map((r) => ({ name: r.name.trim(), capabilities: [...r.capabilities] })),
    };
    await insertType(w.tx, w.org.id, clean);
    w.emit({ type: "resource_type.created", resourceType: clean });
    for (const [position, r] of clean.roles.entries()) {
      const role: Role = {
        id: newId("role"),
        type: clean.key,
        name: r.name,
        capabilities: r.capabilities,
        builtin: true,
      };
      await insertRole(w.tx, w.org.id, role, position);
      w.emit({ type: "role.created", role });
    }
    w.audit({
      action: "resource_type.create",
      targetType: "resource_type",
      targetId: clean.key,
      targetLabel: clean.label,
      before: null,
      after: clean,
    });
    return { resourceType: clean };
  });
}

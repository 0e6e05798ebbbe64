import {
  type CompiledType,
  capabilitiesOf,
  customRoleMask,
  fail,
  maskOf,
  namedRoleEqualTo,
  newId,
  type Resource,
  type ResourceId,
  type Role,
  type RoleSpec,
  type RuleScope,
} from "../domain/index.ts";
import {
  getResources,
  getRole,
  getRolesOfType,
  getType,
  insertRole,
  resourcesOfType,
} from "../store/index.ts";
import type { Work } from "./context.ts";

/** Catalog look-ups shared by the commands. */

export async function loadType(w: Work, key: string): Promise<CompiledType> {
  return (
    (await getType(w.tx, w.org.id, key)) ??
    fail("resource_type.not_found", `No resource type "${key}".`, { type: key })
  );
}

export async function loadResources(w: Work, ids: readonly ResourceId[]): Promise<Resource[]> {
  const unique = [...new Set(ids)];
  const found = await getResources(w.tx, w.org.id, unique);
  if (found.length !== unique.length) {
    const have = new Set(found.map((r) => r.id));
    fail("resource.not_found", "Some resources do not exist in this organization.", {
      ids: unique.filter((id) => !have.has(id)),
    });
  }
  return found;
}

export const MAX_RESOURCES_PER_SCOPE = 10_000;

/** The type and the resources of a scope; `resources` is null for "all current and future". */
export async function expandScope(
  w: Work,
  scope: RuleScope,
): Promise<{ type: CompiledType; resources: Resource[] | null }> {
  switch (scope.kind) {
    case "resource":
    case "resources": {
      const ids = scope.kind === "resource" ? [scope.resourceId] : scope.resourceIds;
      if (ids.length === 0) fail("rule.invalid", "A list scope needs at least one resource.");
      if (ids.length > MAX_RESOURCES_PER_SCOPE)
        fail("request.too_large", `At most ${MAX_RESOURCES_PER_SCOPE} resources.`);
      const resources = await loadResources(w, ids);
      const types = new Set(resources.map((r) => r.type));
      if (types.size > 1) fail("resource.type_mismatch", "The resources of one rule must be of one type.");
      return { type: await loadType(w, resources[0]!.type), resources };
    }
    case "all_current":
      return {
        type: await loadType(w, scope.type),
        resources: await resourcesOfType(w.tx, w.org.id, scope.type),
      };
    case "all_current_and_future":
      return { type: await loadType(w, scope.type), resources: null };
    default:
      return fail(
        "rule.invalid",
        "Unknown scope: resource, resources, all_current or all_current_and_future.",
      );
  }
}

export type ResolvedRole = {
  readonly role: Role;
  /** The named role this set equals, if any ("this is Analyst"). */
  readonly equals: string | null;
  readonly created: boolean;
};

/**
 * The role of a rule: a role by id or name, or a set of capabilities (the
 * dependency closure applied when `close`, else refused when incomplete),
 * matched to the role with exactly those capabilities, or saved as a new
 * custom role.
 */
export async function resolveRole(
  w: Work,
  type: CompiledType,
  spec: RoleSpec,
  close = false,
): Promise<ResolvedRole> {
  const roles = await getRolesOfType(w.tx, w.org.id, type.def.key);
  if ("roleId" in spec) {
    const role = await getRole(w.tx, w.org.id, spec.roleId);
    if (!role) return fail("role.not_found", `No role ${spec.roleId}.`);
    if (role.type !== type.def.key)
      fail("resource.type_mismatch", `${role.name} is a role of ${role.type}, not ${type.def.key}.`);
    return { role, equals: namedRoleEqualTo(type, maskOf(type, role.capabilities)), created: false };
  }
  if ("role" in spec) {
    const role = roles.find((r) => r.name.toLowerCase() === spec.role.trim().toLowerCase());
    if (!role) {
      return fail("role.not_found", `${type.def.label} has no role named "${spec.role}".`, {
        roles: roles.map((r) => r.name),
      });
    }
    return { role, equals: namedRoleEqualTo(type, maskOf(type, role.capabilities)), created: false };
  }
  const mask = customRoleMask(type, spec.capabilities, close);
  const equals = namedRoleEqualTo(type, mask);
  const same = roles.filter((r) => maskOf(type, r.capabilities) === mask);
  const existing = same.find((r) => r.builtin) ?? same[0];
  if (existing) return { role: existing, equals, created: false };
  const capabilities = capabilitiesOf(type, mask);
  const role: Role = {
    id: newId("role"),
    type: type.def.key,
    name: `Custom: ${capabilities.join(", ")}`.slice(0, 80),
    capabilities,
    builtin: false,
  };
  await insertRole(w.tx, w.org.id, role, roles.length);
  w.emit({ type: "role.created", role });
  w.audit({
    action: "role.create",
    targetType: "role",
    targetId: role.id,
    targetLabel: role.name,
    before: null,
    after: role,
  });
  return { role, equals, created: true };
}

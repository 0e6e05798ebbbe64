import { z } from "zod";
import { Id, Resource, Role } from "./common.ts";

/** The catalog (resource types, capabilities, roles) and the resources of an organization. */

const TypeKey = z.string().min(1).max(40);
const CapabilityKey = z.string().min(1).max(40);

export const EntityIdParams = z.object({ id: Id });

export const CapabilityInfo = z.object({
  key: z.string(),
  label: z.string(),
  requires: z.array(z.string()).describe("The capabilities this one cannot be granted without"),
});

export const CatalogRole = z.object({
  id: z.string(),
  name: z.string(),
  capabilities: z.array(z.string()),
  builtin: z.boolean().describe("A named role of the catalog (custom roles are not)"),
});

export const ResourceTypeInfo = z.object({
  key: z.string(),
  label: z.string(),
  capabilities: z.array(CapabilityInfo),
  roles: z.array(CatalogRole).describe("Named roles from least to most, then custom roles in creation order"),
});

export const ResourceTypeList = z.object({ resourceTypes: z.array(ResourceTypeInfo) });

export const ResourceTypeBody = z.object({
  key: z
    .string()
    .min(1)
    .max(40)
    .describe("Lower-case letters, digits and _, starting with a letter (e.g. `notebook`)"),
  label: z.string().min(1).max(80),
  capabilities: z
    .array(
      z.object({
        key: CapabilityKey,
        label: z.string().min(1).max(80),
        requires: z.array(CapabilityKey).max(31).default([]),
      }),
    )
    .min(1)
    .max(31),
  roles: z
    .array(z.object({ name: z.string().min(1).max(80), capabilities: z.array(CapabilityKey).max(31) }))
    .max(50)
    .default([])
    .describe("Named roles, from least to most; each must hold the capabilities its capabilities require"),
});

export const ResourceTypeCreated = z.object({
  resourceType: z.object({
    key: z.string(),
    label: z.string(),
    capabilities: z
      .array(z.object({ key: z.string(), label: z.string(), requires: z.array(z.string()).readonly() }))
      .readonly(),
    roles: z
      .array(z.object({ name: z.string(), capabilities: z.array(z.string()).readonly() }))
      .readonly()
      .describe("Its named roles, least to most (GET /resource-types gives their ids)"),
  }),
  revision: z.number().int(),
});

const closeDependencies = z
  .boolean()
  .describe(
    "Add the capabilities the chosen ones require instead of refusing with capability.missing_dependency",
  );

const Equals = z
  .string()
  .nullable()
  .describe('The named role with exactly these capabilities ("this is Analyst"), or null');

export const RoleBody = z.object({
  type: TypeKey,
  name: z.string().min(1).max(80),
  capabilities: z.array(CapabilityKey).min(1).max(31),
  closeDependencies: closeDependencies.optional(),
});

export const RolePatchBody = z.object({
  name: z.string().min(1).max(80).optional(),
  capabilities: z.array(CapabilityKey).min(1).max(31).optional(),
  closeDependencies: closeDependencies.optional(),
});

/** A role as commands answer it (their lists are read-only). */
export const RoleInfo = Role.extend({ capabilities: z.array(z.string()).readonly() });

export const RoleWritten = z.object({ role: RoleInfo, equals: Equals, revision: z.number().int() });
export const RoleDeleted = z.object({ role: RoleInfo, revision: z.number().int() });

export const RolePreviewBody = z.object({
  type: TypeKey,
  capabilities: z.array(CapabilityKey).max(31),
  closeDependencies: z
    .boolean()
    .default(true)
    .describe(
      "true (the default): answer the closure and what it added; false: refuse an incomplete set as creating the role would",
    ),
});

export const RolePreview = z.object({
  type: z.string(),
  capabilities: z.array(z.string()).describe("The set with its dependencies, in catalog order"),
  equals: Equals,
  missing: z.array(z.string()).describe("The capabilities the dependencies added to the set given"),
});

export const ResourceBody = z.object({
  type: TypeKey,
  key: z.string().min(1).max(200).describe("The platform's own id of the resource, unique per type"),
  name: z.string().min(1).max(200),
});

export const ResourcePatchBody = z.object({
  key: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(200).optional(),
});

export const ResourceListQuery = z.object({
  type: TypeKey.optional(),
  q: z.string().max(200).optional().describe("Part of the name or key, case-insensitive"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(1000).optional().describe("`nextCursor` of the previous page"),
});

export const ResourcePage = z.object({
  resources: z.array(Resource),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last one"),
});

export const ResourceWritten = z.object({ resource: Resource, revision: z.number().int() });

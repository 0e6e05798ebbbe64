import { z } from "zod";

/** Shapes shared by the routes, the OpenAPI document and the console. */

export const Id = z.string().min(1).max(100);

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe("A stable error code, `area.snake_case`"),
    detail: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: "Problem" });

export const Revision = z.object({
  revision: z.number().int().describe("The organization's revision after the write"),
});

export const Subject = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("user"), id: Id }),
  z.object({ kind: z.literal("group"), id: Id }),
]);

export const Scope = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("resource"), resourceId: Id }),
  z.object({ kind: z.literal("resources"), resourceIds: z.array(Id).min(1).max(10_000) }),
  z.object({ kind: z.literal("all_current"), type: z.string() }),
  z.object({ kind: z.literal("all_current_and_future"), type: z.string() }),
]);

export const RoleSpec = z.union([
  z.object({ roleId: Id }),
  z.object({ role: z.string().min(1).max(80) }),
  z.object({ capabilities: z.array(z.string()).min(1).max(31) }),
]);

export const Attributes = z.record(z.string(), z.array(z.string()).readonly());

export const OrgRole = z.enum(["owner", "admin", "member"]);
export const Plan = z.enum(["free", "team", "enterprise"]);
export const Notify = z.enum(["none", "email"]);

export const Organization = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  plan: Plan,
  createdAt: z.string(),
});

export const User = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  status: z.enum(["active", "deactivated"]),
  externalId: z.string().nullable(),
  attributes: Attributes,
  owner: z.boolean(),
  createdAt: z.string(),
});

export const Group = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  system: z.string().nullable(),
  privileges: z.boolean(),
  notify: Notify,
  allUsers: z.boolean(),
  delegationId: z.string().nullable(),
  createdAt: z.string(),
});

export const Resource = z.object({
  id: z.string(),
  type: z.string(),
  key: z.string(),
  name: z.string(),
  createdAt: z.string(),
});

export const Role = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  capabilities: z.array(z.string()),
  builtin: z.boolean(),
});

export const Rule = z.object({
  id: z.string(),
  subject: Subject,
  type: z.string(),
  resourceId: z.string().nullable(),
  roleId: z.string(),
  locked: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const Delegation = z.object({
  id: z.string(),
  userId: z.string(),
  type: z.string(),
  resourceIds: z.array(z.string()).nullable(),
  createdAt: z.string(),
});

export const TokenScope = z.enum(["admin", "check", "scim"]);

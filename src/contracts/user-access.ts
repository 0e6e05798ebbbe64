import { z } from "zod";
import { OrgRole } from "./common.ts";

/**
 * A user's effective access on every resource of a type, a page at a time:
 * the user page of the console. Answered by the access index (one request,
 * not a check per resource); `GET /access/explain` tells why for one resource.
 */

export const UserAccessQuery = z.object({
  type: z
    .string()
    .min(1)
    .max(40)
    .describe("A resource type of the catalog: app, site, workspace, dataset..."),
  q: z.string().max(200).optional().describe("Part of the resource's name or key, case-insensitive"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(1000).optional().describe("`nextCursor` of the previous page"),
  atLeastRevision: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Default: the organization's current revision, so a change just written is seen"),
});

export const UserAccessRow = z.object({
  resource: z.object({ id: z.string(), key: z.string(), name: z.string() }),
  capabilities: z.array(z.string()).describe("The user's effective capabilities, in catalog order"),
  role: z.string().nullable().describe("The highest named role the capabilities contain"),
  custom: z.boolean().describe("True when the capabilities exceed that role, or contain none"),
  filter: z
    .object({
      access: z.enum(["none", "unfiltered", "filtered"]),
      sql: z.string().optional().describe("A parameterised SQL WHERE fragment ($1, $2...)"),
      params: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
    })
    .optional()
    .describe("Datasets only: the user's row filter (none: no query capability)"),
});

export const UserAccessPage = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    status: z.enum(["active", "deactivated"]),
    role: OrgRole,
  }),
  type: z.object({ key: z.string(), label: z.string() }),
  resources: z.array(UserAccessRow).describe("Resources the user can use, by name"),
  total: z.number().int().describe("Resources of the type the user can use (matching `q`), on every page"),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last one"),
  revision: z.number().int(),
});

import { z } from "zod";
import { Attributes, Id, OrgRole, User } from "./common.ts";

/** The users of an organization: invite, list and search, edit, role, remove, bulk group edits. */

export const UserIdParams = z.object({ id: Id });

export const GroupRef = z.object({ id: z.string(), name: z.string() });

export const UserStatus = z.enum(["active", "deactivated"]);

export const InviteUserBody = z.object({
  email: z.string().min(1).max(254).describe("Unique in the organization, compared case-insensitively"),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
  role: OrgRole.default("member").describe("admin and owner make the user a member of Administrators"),
  groupIds: z.array(Id).max(1000).default([]).describe("Groups the user joins at once"),
  attributes: Attributes.optional().describe('Used by data filters, e.g. {"region": ["EMEA"]}'),
  externalId: z.string().max(255).nullable().optional().describe("The identity provider's id of the user"),
});

export const UpdateUserBody = z.object({
  email: z.string().min(1).max(254).optional(),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
  attributes: Attributes.optional().describe("Replaces every attribute of the user"),
  externalId: z.string().max(255).nullable().optional(),
  status: UserStatus.optional().describe(
    "deactivated: the user keeps their record and memberships but has no access",
  ),
});

export const SetUserRoleBody = z.object({ role: OrgRole });

export const BulkUserGroupsBody = z
  .object({
    userIds: z.array(Id).min(1).max(10_000),
    add: z.array(Id).max(1000).default([]).describe("Groups every one of the users joins"),
    remove: z.array(Id).max(1000).default([]).describe("Groups every one of the users leaves"),
  })
  .refine((b) => b.add.length + b.remove.length > 0, { message: "name a group to add or to remove" });

export const UserListQuery = z.object({
  q: z
    .string()
    .max(200)
    .optional()
    .describe("Part of the name (first last, or last first) or of the email, case-insensitive"),
  role: OrgRole.optional().describe("The organization role, given by Administrators directly or by nesting"),
  group: Id.optional().describe("Members of this group, directly or through nested groups"),
  status: UserStatus.optional(),
  resource: z
    .string()
    .max(200)
    .optional()
    .describe("Users with access to this resource (an id, or a key with `resourceType`)"),
  resourceType: z.string().max(40).optional(),
  resourceRole: z
    .string()
    .max(80)
    .optional()
    .describe("With `resource`: only users whose highest named role on it is this one (e.g. Writer)"),
  sort: z
    .enum(["name", "recent"])
    .default("name")
    .describe("name: last name, first name; recent: last activity, most recent first, never active last"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(2000).optional().describe("`nextCursor` of the previous page, with the same sort"),
});

export const UserSummary = User.extend({
  role: OrgRole,
  lastActiveAt: z.string().nullable().describe("The last sign-in or check for the user (to the minute)"),
  groups: z
    .array(GroupRef)
    .describe("Groups the user is directly in (all-users groups included, Everyone left out), by name"),
});

export const UserList = z.object({
  users: z.array(UserSummary),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last one"),
  total: z.number().int().describe("Users matching the filters, on every page"),
});

export const UserDetail = z.object({
  user: UserSummary,
  inheritedGroups: z
    .array(
      GroupRef.extend({
        through: GroupRef.describe("A group the user is directly in (or Everyone) that is nested in it"),
      }),
    )
    .describe("Groups the user is in only through nesting, by name"),
});

export const UserWritten = z.object({ user: User, revision: z.number().int() });

export const UserRoleWritten = z.object({ role: OrgRole, revision: z.number().int() });

export const BulkUserGroupsWritten = z.object({ revision: z.number().int() });

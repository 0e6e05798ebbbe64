import { z } from "zod";
import { Group, Id, Notify } from "./common.ts";
import { GroupRef, UserStatus } from "./users.ts";

/** The groups of an organization: list, page, create, edit, members, delete, bulk privileges. */

export const GroupIdParams = z.object({ id: Id });

const MemberIds = z.array(Id).max(10_000);

export const CreateGroupBody = z.object({
  name: z.string().min(1).max(100).describe("Unique in the organization, compared case-insensitively"),
  description: z.string().max(1000).optional(),
  userIds: MemberIds.optional(),
  groupIds: MemberIds.optional().describe("Groups nested in the new group"),
  allCurrentUsers: z.boolean().optional().describe("Add every current user once, like any other members"),
  allUsers: z
    .boolean()
    .optional()
    .describe("All current and future users: every user of the organization is a member, like Everyone"),
  privileges: z.boolean().optional().describe("Off: the group's own rules and filters do not apply"),
  notify: Notify.optional().describe("How members hear of changes to their access through the group"),
});

export const UpdateGroupBody = z.object({
  name: z.string().min(1).max(100).optional(),
  description: z.string().max(1000).optional(),
  privileges: z.boolean().optional(),
  notify: Notify.optional(),
  allUsers: z.boolean().optional(),
});

export const DeleteGroupQuery = z.object({
  force: z
    .enum(["true", "false"])
    .default("false")
    .describe("true: delete a group that still has members, removing them in the same change"),
});

export const GroupMembersBody = z.object({
  userIds: MemberIds.default([]),
  groupIds: MemberIds.default([]),
});

export const BulkPrivilegesBody = z.object({
  groupIds: z.array(Id).min(1).max(1000),
  privileges: z.boolean(),
});

export const GroupListQuery = z.object({
  q: z.string().max(200).optional().describe("Part of the name, case-insensitive"),
  sort: z.enum(["name"]).default("name").describe("name: case-insensitive, A to Z"),
});

export const GroupSummary = Group.extend({
  role: z
    .string()
    .describe(
      '"Administrator" for Administrators and the groups nested in it; else the role names of the group\'s own rules, comma-separated ("" when none)',
    ),
  users: z.number().int().describe("Active users in the group, directly or through nested groups"),
  apps: z
    .number()
    .int()
    .describe("Apps the group's rules are on (a rule on all current and future counts all)"),
  sites: z
    .number()
    .int()
    .describe("Sites the group's rules are on (a rule on all current and future counts all)"),
  delegation: z
    .object({ id: z.string(), userEmail: z.string() })
    .nullable()
    .describe("The delegation the group was created under"),
  members: z
    .object({
      users: z.number().int().describe("Direct user members (every user for Everyone and all-users groups)"),
      groups: z.number().int().describe("Groups nested directly in it"),
    })
    .describe("Direct members"),
});

export const GroupList = z.object({ groups: z.array(GroupSummary) });

export const GroupRuleRow = z.object({
  id: z.string(),
  type: z.string(),
  scope: z.enum(["resource", "all_current_and_future"]),
  resource: z
    .object({ id: z.string(), key: z.string(), name: z.string() })
    .nullable()
    .describe("null: all current and future resources of the type"),
  role: z.object({ id: z.string(), name: z.string() }),
  locked: z.boolean().describe("A system rule, which cannot be changed"),
  updatedAt: z.string(),
});

export const GroupDetail = z.object({
  group: GroupSummary,
  members: z.object({
    users: z
      .array(z.object({ id: z.string(), email: z.string(), name: z.string(), status: UserStatus }))
      .describe(
        "Explicit user members, by last then first name; Everyone and all-users groups hold every user besides (GET /users?group=)",
      ),
    groups: z.array(GroupRef).describe("Groups nested directly in it, by name"),
  }),
  rules: z
    .array(GroupRuleRow)
    .describe("The group's own rules: types in catalog order, then by resource name"),
  parents: z.array(GroupRef).describe("Groups it is nested in directly, by name"),
});

export const GroupWritten = z.object({ group: Group, revision: z.number().int() });

export const GroupDeleted = z.object({
  group: Group,
  removedMembers: z.object({ users: z.number().int(), groups: z.number().int() }),
  revision: z.number().int(),
});

const MemberChange = z.object({ userIds: z.array(z.string()), groupIds: z.array(z.string()) });

export const GroupMembersAdded = z.object({
  added: MemberChange.describe("The members that were not there already"),
  revision: z.number().int(),
});

export const GroupMembersRemoved = z.object({
  removed: MemberChange.describe("The members that were there"),
  revision: z.number().int(),
});

export const GroupsWritten = z.object({ groups: z.array(Group), revision: z.number().int() });

import { z } from "zod";
import { Group, Id, Notify, RoleSpec, Rule, Scope } from "./common.ts";
import { CreateGroupBody, GroupMembersBody } from "./groups.ts";

/**
 * A group defined whole, as the console's three steps make it (general info
 * and members, privileges, notifications), in one change; and the groups
 * table's bulk actions besides privileges (notification setting, delete) and
 * who they reach.
 */

export const GroupPrivilege = z
  .object({ role: RoleSpec, scope: Scope })
  .describe("A role on a scope; a list or all_current stands for one rule per resource");

const Privileges = z.array(GroupPrivilege).max(200);

export const NewGroupDefinitionBody = CreateGroupBody.extend({
  rules: Privileges.default([]).describe("The group's rules; none to skip privileges"),
});

const MemberChange = GroupMembersBody.partial();

export const GroupDefinitionBody = z.object({
  name: z.string().min(1).max(100),
  description: z.string().max(1000),
  allUsers: z.boolean().describe("All current and future users"),
  privileges: z.boolean().describe("Off: the group's own rules and filters do not apply"),
  notify: Notify,
  add: MemberChange.optional().describe("Users and groups to add as members"),
  remove: MemberChange.optional().describe("Members to remove"),
  rules: Privileges.optional().describe(
    "Every rule the group should hold besides locked system rules: the others are removed. Left out: unchanged",
  ),
});

export const GroupDefined = z.object({
  group: Group,
  rules: z.array(Rule).describe("The group's rules after the change"),
  revision: z.number().int(),
});

const GroupIds = z.array(Id).min(1).max(1000);

export const BulkNotifyBody = z.object({ groupIds: GroupIds, notify: Notify });

export const BulkDeleteBody = z.object({
  groupIds: GroupIds,
  force: z
    .boolean()
    .default(false)
    .describe("true: delete groups that still have members, removing them in the same change"),
});

export const GroupsDeleted = z.object({
  deleted: z.array(
    z.object({
      group: Group,
      removedMembers: z.object({ users: z.number().int(), groups: z.number().int() }),
    }),
  ),
  revision: z.number().int(),
});

export const GroupsUsersBody = z.object({
  groupIds: GroupIds,
  limit: z.number().int().min(0).max(100).default(10).describe("How many users to name"),
});

export const GroupsUsers = z.object({
  total: z
    .number()
    .int()
    .describe("Active users in any of the groups, directly or through nested groups, or as every user"),
  users: z
    .array(z.object({ id: z.string(), email: z.string(), firstName: z.string(), lastName: z.string() }))
    .describe("The first `limit` of them, by last then first name"),
});

import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  createDefinedGroup,
  deleteGroups,
  type GroupPrivilege,
  type NewGroupDefinition,
  redefineGroup,
  setGroupsNotify,
} from "../../../commands/index.ts";
import {
  BulkDeleteBody,
  BulkNotifyBody,
  GroupDefined,
  GroupDefinitionBody,
  GroupIdParams,
  GroupsDeleted,
  GroupsUsers,
  GroupsUsersBody,
  GroupsWritten,
  NewGroupDefinitionBody,
  Problem,
} from "../../../contracts/index.ts";
import type { GroupId, UserId } from "../../../domain/index.ts";
import { usersOfGroups } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, adminOrg, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem };
const tags = ["groups"];

const memberChange = (
  m: { userIds?: string[] | undefined; groupIds?: string[] | undefined } | undefined,
) => ({
  userIds: (m?.userIds ?? []) as UserId[],
  groupIds: (m?.groupIds ?? []) as GroupId[],
});

/**
 * A group defined whole in one change (the console's create and edit in three
 * steps), and the groups table's bulk actions: notification setting, delete,
 * and who a selection of groups reaches.
 */
export function groupDefinitionRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/api/v1/groups/definition",
    {
      schema: {
        tags,
        summary:
          "Create a custom group (enterprise plan) with its members, rules and notification setting in one change",
        body: NewGroupDefinitionBody,
        response: { 201: GroupDefined, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await createDefinedGroup(await adminContext(s, request), request.body as NewGroupDefinition),
        201,
      ),
  );

  app.put(
    "/api/v1/groups/:id/definition",
    {
      schema: {
        tags,
        summary:
          "Change a custom group's name, description, all-users flag, privileges, notification setting, members and rules in one change",
        params: GroupIdParams,
        body: GroupDefinitionBody,
        response: { 200: GroupDefined, ...errors },
      },
    },
    async (request, reply) => {
      const { add, remove, rules, ...general } = request.body;
      return written(
        reply,
        await redefineGroup(await adminContext(s, request), request.params.id as GroupId, {
          ...general,
          add: memberChange(add),
          remove: memberChange(remove),
          ...(rules !== undefined && { rules: rules as GroupPrivilege[] }),
        }),
      );
    },
  );

  app.post(
    "/api/v1/groups/bulk/notify",
    {
      schema: {
        tags,
        summary: "Set how the members of several groups hear of changes to their access, in one change",
        body: BulkNotifyBody,
        response: { 200: GroupsWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await setGroupsNotify(
          await adminContext(s, request),
          request.body.groupIds as GroupId[],
          request.body.notify,
        ),
      ),
  );

  app.post(
    "/api/v1/groups/bulk/delete",
    {
      schema: {
        tags,
        summary:
          "Delete several custom groups in one change: all or none; groups with members are refused (409 group.has_members) unless force",
        body: BulkDeleteBody,
        response: { 200: GroupsDeleted, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await deleteGroups(await adminContext(s, request), request.body.groupIds as GroupId[], {
          force: request.body.force,
        }),
      ),
  );

  app.post(
    "/api/v1/groups/bulk/users",
    {
      schema: {
        tags,
        summary:
          "Who is in any of these groups, directly or through nested groups (who loses what they give): how many, and the first by name",
        body: GroupsUsersBody,
        response: { 200: GroupsUsers, ...errors },
      },
    },
    async (request) =>
      usersOfGroups(s.store, await adminOrg(s, request), request.body.groupIds, request.body.limit),
  );
}

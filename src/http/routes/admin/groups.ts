import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  addGroupMembers,
  type CreateGroupInput,
  createGroup,
  deleteGroup,
  removeGroupMembers,
  setGroupsPrivileges,
  updateGroup,
} from "../../../commands/index.ts";
import {
  BulkPrivilegesBody,
  CreateGroupBody,
  DeleteGroupQuery,
  GroupDeleted,
  GroupDetail,
  GroupIdParams,
  GroupList,
  GroupListQuery,
  GroupMembersAdded,
  GroupMembersBody,
  GroupMembersRemoved,
  GroupsWritten,
  GroupWritten,
  Problem,
  UpdateGroupBody,
} from "../../../contracts/index.ts";
import type { GroupId, UserId } from "../../../domain/index.ts";
import { getGroupDetail, listGroups } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, adminOrg, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem };
const tags = ["groups"];

const members = (body: { userIds: string[]; groupIds: string[] }) => ({
  userIds: body.userIds as UserId[],
  groupIds: body.groupIds as GroupId[],
});

/** The groups of the organization (the console's groups table and group page). */
export function groupRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/api/v1/groups",
    {
      schema: {
        tags,
        summary:
          "Create a custom group (enterprise plan), with members, privileges and a notification setting",
        body: CreateGroupBody,
        response: { 201: GroupWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await createGroup(await adminContext(s, request), request.body as CreateGroupInput),
        201,
      ),
  );

  app.get(
    "/api/v1/groups",
    {
      schema: {
        tags,
        summary:
          "Every group with what it gives (role), its user, app and site counts, delegation and direct members",
        querystring: GroupListQuery,
        response: { 200: GroupList, ...errors },
      },
    },
    async (request) => listGroups(s.store, await adminOrg(s, request), request.query),
  );

  app.get(
    "/api/v1/groups/:id",
    {
      schema: {
        tags,
        summary: "A group with its explicit members, its own rules and the groups it is nested in",
        params: GroupIdParams,
        response: { 200: GroupDetail, ...errors },
      },
    },
    async (request) => getGroupDetail(s.store, await adminOrg(s, request), request.params.id),
  );

  app.patch(
    "/api/v1/groups/:id",
    {
      schema: {
        tags,
        summary:
          "Edit a group's name, description, privileges, notification setting or all-users flag (system groups: notify only)",
        params: GroupIdParams,
        body: UpdateGroupBody,
        response: { 200: GroupWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await updateGroup(await adminContext(s, request), request.params.id as GroupId, request.body),
      ),
  );

  app.delete(
    "/api/v1/groups/:id",
    {
      schema: {
        tags,
        summary:
          "Delete a custom group; one with members is refused (409 group.has_members) unless force=true, which removes them",
        params: GroupIdParams,
        querystring: DeleteGroupQuery,
        response: { 200: GroupDeleted, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await deleteGroup(await adminContext(s, request), request.params.id as GroupId, {
          force: request.query.force === "true",
        }),
      ),
  );

  app.post(
    "/api/v1/groups/:id/members",
    {
      schema: {
        tags,
        summary: "Add users and nested groups to a group; members already there are skipped",
        params: GroupIdParams,
        body: GroupMembersBody,
        response: { 200: GroupMembersAdded, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await addGroupMembers(
        await adminContext(s, request),
        request.params.id as GroupId,
        members(request.body),
      );
      return written(reply, { ...outcome, value: { added: outcome.value } });
    },
  );

  app.post(
    "/api/v1/groups/:id/members/remove",
    {
      schema: {
        tags,
        summary:
          "Remove users and nested groups from a group (a POST with a body, which every client can send); members not there are skipped",
        params: GroupIdParams,
        body: GroupMembersBody,
        response: { 200: GroupMembersRemoved, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await removeGroupMembers(
        await adminContext(s, request),
        request.params.id as GroupId,
        members(request.body),
      );
      return written(reply, { ...outcome, value: { removed: outcome.value } });
    },
  );

  app.post(
    "/api/v1/groups/bulk/privileges",
    {
      schema: {
        tags,
        summary: "Turn several groups' privileges on or off in one change",
        body: BulkPrivilegesBody,
        response: { 200: GroupsWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await setGroupsPrivileges(
          await adminContext(s, request),
          request.body.groupIds as GroupId[],
          request.body.privileges,
        ),
      ),
  );
}

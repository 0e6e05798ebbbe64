import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  editUsersGroups,
  inviteUser,
  removeUser,
  setUserRole,
  type UpdateUserInput,
  updateUser,
} from "../../../commands/index.ts";
import {
  BulkUserGroupsBody,
  BulkUserGroupsWritten,
  InviteUserBody,
  Problem,
  SetUserRoleBody,
  UpdateUserBody,
  UserDetail,
  UserIdParams,
  UserList,
  UserListQuery,
  UserRoleWritten,
  UserWritten,
} from "../../../contracts/index.ts";
import { type GroupId, type OrgId, RosterError, summarize, type UserId } from "../../../domain/index.ts";
import { getUserDetail, listUsers } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, adminOrg, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem };
const tags = ["users"];

/** The users of the organization (the console's users table and user page). */
/** Who can use a resource, and with which highest named role: the access index answers, not SQL. */
async function usersWithAccess(
  s: Services,
  orgId: OrgId,
  q: { resource?: string | undefined; resourceType?: string | undefined; resourceRole?: string | undefined },
): Promise<string[]> {
  const index = await s.index.atLeast(orgId, 0);
  const r = index.resourceIndex(q.resource!, q.resourceType);
  if (r === undefined)
    throw new RosterError("resource.not_found", `No resource ${q.resource} in this organization.`);
  const type = index.typeOf(r)!;
  const role = q.resourceRole?.trim().toLowerCase();
  return index
    .usersOf(r)
    .filter((u) => !role || summarize(type, index.mask(u, r)).role?.toLowerCase() === role)
    .map((u) => index.userId(u));
}

export function userRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/api/v1/users",
    {
      schema: {
        tags,
        summary: "Invite a user into the organization, with an organization role and, optionally, groups",
        body: InviteUserBody,
        response: { 201: UserWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await inviteUser(await adminContext(s, request), {
          ...request.body,
          groupIds: request.body.groupIds as GroupId[],
        }),
        201,
      ),
  );

  app.get(
    "/api/v1/users",
    {
      schema: {
        tags,
        summary:
          "Users a page at a time: search by name or email, filter by role, group or status, sort by name or recent activity",
        querystring: UserListQuery,
        response: { 200: UserList, ...errors },
      },
    },
    async (request) => {
      const orgId = await adminOrg(s, request);
      const ids =
        request.query.resource === undefined ? undefined : await usersWithAccess(s, orgId, request.query);
      return listUsers(s.store, orgId, { ...request.query, ids });
    },
  );

  app.get(
    "/api/v1/users/:id",
    {
      schema: {
        tags,
        summary:
          "A user with their organization role, last activity, and groups (direct and through nesting)",
        params: UserIdParams,
        response: { 200: UserDetail, ...errors },
      },
    },
    async (request) => getUserDetail(s.store, await adminOrg(s, request), request.params.id),
  );

  app.patch(
    "/api/v1/users/:id",
    {
      schema: {
        tags,
        summary:
          "Edit a user's names, email, attributes or external id, or (de)activate them; the last active administrator cannot be deactivated",
        params: UserIdParams,
        body: UpdateUserBody,
        response: { 200: UserWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await updateUser(
          await adminContext(s, request),
          request.params.id as UserId,
          request.body as UpdateUserInput,
        ),
      ),
  );

  app.put(
    "/api/v1/users/:id/role",
    {
      schema: {
        tags,
        summary:
          "Set a user's organization role (admin adds them to Administrators, member removes them); owners only for owner",
        params: UserIdParams,
        body: SetUserRoleBody,
        response: { 200: UserRoleWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await setUserRole(await adminContext(s, request), request.params.id as UserId, request.body.role),
      ),
  );

  app.delete(
    "/api/v1/users/:id",
    {
      schema: {
        tags,
        summary:
          "Remove a user from the organization with every membership, rule, filter and delegation of theirs",
        params: UserIdParams,
        response: { 200: UserWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await removeUser(await adminContext(s, request), request.params.id as UserId)),
  );

  app.post(
    "/api/v1/users/bulk/groups",
    {
      schema: {
        tags,
        summary: "Add several users to some groups and remove them from others, in one change",
        body: BulkUserGroupsBody,
        response: { 200: BulkUserGroupsWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await editUsersGroups(await adminContext(s, request), {
          userIds: request.body.userIds as UserId[],
          add: request.body.add as GroupId[],
          remove: request.body.remove as GroupId[],
        }),
      ),
  );
}

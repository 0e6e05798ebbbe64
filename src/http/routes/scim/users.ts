import type { FastifyInstance } from "fastify";
import { editUser, inviteUser, removeUser } from "../../../commands/index.ts";
import type { UserId } from "../../../domain/index.ts";
import { SCIM_USER, scimUser, scimUsers } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { baseUrl, ifMatch, scimContext, scimReply } from "./context.ts";
import { scimReadRoutes } from "./read-routes.ts";
import {
  applyUserPatch,
  userDoc,
  userFromBody,
  userInvite,
  userPatch,
  userResource,
  userUpdate,
} from "./user-resource.ts";

const hide = { hide: true };
type Id = { Params: { id: string } };

/** /Users (RFC 7644 §3): list and filter, read, create, replace, patch, delete. */
export function scimUserRoutes(app: FastifyInstance, s: Services, publicUrl: string | undefined): void {
  const show = scimReadRoutes(app, s, publicUrl, {
    path: "/Users",
    core: SCIM_USER,
    joined: "groups",
    list: (orgId, input, joined) => scimUsers(s.store, orgId, { ...input, groups: joined }),
    get: (orgId, id, joined) => scimUser(s.store, orgId, id, { groups: joined }),
    resource: userResource,
  });

  app.post("/Users", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const outcome = await inviteUser(ctx, userInvite(userFromBody(request.body)));
    const { version, body } = await show(request, ctx.orgId, outcome.value.user.id);
    void reply
      .header("etag", version)
      .header("location", `${baseUrl(request, publicUrl)}/Users/${outcome.value.user.id}`);
    return scimReply(reply, body, 201, outcome);
  });

  app.put<Id>("/Users/:id", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const replacement = userFromBody(request.body);
    const outcome = await editUser(
      ctx,
      request.params.id as UserId,
      (user) =>
        userUpdate(
          { ...replacement, active: replacement.activeGiven ? replacement.active : user.status === "active" },
          user,
        ),
      { ifVersion: ifMatch(request) },
    );
    const { version, body } = await show(request, ctx.orgId, request.params.id);
    void reply.header("etag", version);
    return scimReply(reply, body, 200, outcome);
  });

  app.patch<Id>("/Users/:id", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const operations = userPatch(request.body);
    const outcome = await editUser(
      ctx,
      request.params.id as UserId,
      (user) => userUpdate(applyUserPatch(userDoc(user), operations), user),
      { ifVersion: ifMatch(request) },
    );
    const { version, body } = await show(request, ctx.orgId, request.params.id);
    void reply.header("etag", version);
    return scimReply(reply, body, 200, outcome);
  });

  app.delete<Id>("/Users/:id", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const outcome = await removeUser(ctx, request.params.id as UserId, { ifVersion: ifMatch(request) });
    void reply.header("roster-revision", String(outcome.revision));
    return reply.status(204).send();
  });
}

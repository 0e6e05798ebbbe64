import type { FastifyInstance, FastifyRequest } from "fastify";
import { editUser, inviteUser, removeUser } from "../../../commands/index.ts";
import type { OrgId, UserId } from "../../../domain/index.ts";
import { SCIM_USER, scimUser, scimUsers } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { baseUrl, etag, ifMatch, scimContext, scimReply } from "./context.ts";
import { LIST_RESPONSE, searchParams } from "./discovery.ts";
import { type ListParams, listParams, params, project, projection, shows } from "./query.ts";
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
  const list = async (request: FastifyRequest, p: ListParams) => {
    const ctx = await scimContext(s, request);
    const base = baseUrl(request, publicUrl);
    const page = await scimUsers(s.store, ctx.orgId, {
      filter: p.filter,
      startIndex: p.startIndex,
      count: p.count,
      sortBy: p.sortBy,
      descending: p.descending,
      groups: shows(p.projection, "groups", SCIM_USER),
    });
    const resources = page.records.map((r) => project(userResource(r, base), p.projection, SCIM_USER));
    return {
      schemas: [LIST_RESPONSE],
      totalResults: page.total,
      startIndex: p.startIndex,
      itemsPerPage: resources.length,
      Resources: resources,
    };
  };

  app.get("/Users", { schema: hide }, async (request, reply) =>
    scimReply(reply, await list(request, listParams(params(request.query)))),
  );

  app.post("/Users/.search", { schema: hide }, async (request, reply) =>
    scimReply(reply, await list(request, listParams(searchParams(request.body)))),
  );

  /** The user as the response shows it (after a write: as it now is), with its ETag. */
  const show = async (request: FastifyRequest, orgId: OrgId, id: string) => {
    const view = projection(params(request.query));
    const record = await scimUser(s.store, orgId, id, { groups: shows(view, "groups", SCIM_USER) });
    return {
      version: etag(record.version),
      body: project(userResource(record, baseUrl(request, publicUrl)), view, SCIM_USER),
    };
  };

  app.get<Id>("/Users/:id", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const { version, body } = await show(request, ctx.orgId, request.params.id);
    void reply.header("etag", version);
    if (request.headers["if-none-match"] === version) return reply.status(304).send();
    return scimReply(reply, body);
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

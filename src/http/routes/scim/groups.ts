import type { FastifyInstance, FastifyRequest } from "fastify";
import { type CommandContext, createGroup, deleteGroup, editGroup } from "../../../commands/index.ts";
import type { GroupId, OrgId } from "../../../domain/index.ts";
import { memberKinds, SCIM_GROUP, scimGroup, scimGroups } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { baseUrl, etag, ifMatch, scimContext, scimReply } from "./context.ts";
import { LIST_RESPONSE, searchParams } from "./discovery.ts";
import {
  changeValues,
  type GroupChange,
  groupEdit,
  groupFromBody,
  groupPatch,
  groupReplacement,
  groupResource,
  membersOf,
} from "./group-resource.ts";
import { type ListParams, listParams, params, project, projection, shows } from "./query.ts";

const hide = { hide: true };
type Id = { Params: { id: string } };

/**
 * /Groups (RFC 7644 §3): the organization's custom groups, so the enterprise
 * plan applies to creating them. List and filter, read, create, replace,
 * patch (204, as Entra ID and Okta expect), delete (with its members).
 */
export function scimGroupRoutes(app: FastifyInstance, s: Services, publicUrl: string | undefined): void {
  const list = async (request: FastifyRequest, p: ListParams) => {
    const ctx = await scimContext(s, request);
    const base = baseUrl(request, publicUrl);
    const page = await scimGroups(s.store, ctx.orgId, {
      filter: p.filter,
      startIndex: p.startIndex,
      count: p.count,
      sortBy: p.sortBy,
      descending: p.descending,
      members: shows(p.projection, "members", SCIM_GROUP),
    });
    const resources = page.records.map((r) => project(groupResource(r, base), p.projection, SCIM_GROUP));
    return {
      schemas: [LIST_RESPONSE],
      totalResults: page.total,
      startIndex: p.startIndex,
      itemsPerPage: resources.length,
      Resources: resources,
    };
  };

  app.get("/Groups", { schema: hide }, async (request, reply) =>
    scimReply(reply, await list(request, listParams(params(request.query)))),
  );

  app.post("/Groups/.search", { schema: hide }, async (request, reply) =>
    scimReply(reply, await list(request, listParams(searchParams(request.body)))),
  );

  /** The group as the response shows it (after a write: as it now is), with its ETag. */
  const show = async (request: FastifyRequest, orgId: OrgId, id: string) => {
    const view = projection(params(request.query));
    const record = await scimGroup(s.store, orgId, id, { members: shows(view, "members", SCIM_GROUP) });
    return {
      version: etag(record.version),
      body: project(groupResource(record, baseUrl(request, publicUrl)), view, SCIM_GROUP),
    };
  };

  app.get<Id>("/Groups/:id", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const { version, body } = await show(request, ctx.orgId, request.params.id);
    void reply.header("etag", version);
    if (request.headers["if-none-match"] === version) return reply.status(304).send();
    return scimReply(reply, body);
  });

  app.post("/Groups", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const group = groupFromBody(request.body);
    const members = membersOf(group.members, await memberKinds(s.store, ctx.orgId, group.members), true);
    const outcome = await createGroup(ctx, { name: group.name, externalId: group.externalId, ...members });
    const id = outcome.value.group.id;
    const { version, body } = await show(request, ctx.orgId, id);
    void reply.header("etag", version).header("location", `${baseUrl(request, publicUrl)}/Groups/${id}`);
    return scimReply(reply, body, 201, outcome);
  });

  /** Applies a change to a custom group (system groups are not SCIM's: they answer 404). */
  const change = async (ctx: CommandContext, request: FastifyRequest<Id>, change: GroupChange) => {
    await scimGroup(s.store, ctx.orgId, request.params.id);
    const kinds = await memberKinds(s.store, ctx.orgId, changeValues(change));
    return editGroup(ctx, request.params.id as GroupId, groupEdit(change, kinds), {
      ifVersion: ifMatch(request),
    });
  };

  app.put<Id>("/Groups/:id", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const outcome = await change(ctx, request, groupReplacement(request.body));
    const { version, body } = await show(request, ctx.orgId, request.params.id);
    void reply.header("etag", version);
    return scimReply(reply, body, 200, outcome);
  });

  app.patch<Id>("/Groups/:id", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const outcome = await change(ctx, request, groupPatch(request.body));
    const view = params(request.query);
    // The whole group (its members) is not worth sending back unless asked for (RFC 7644 §3.5.2).
    if (view.has("attributes") || view.has("excludedattributes")) {
      const { version, body } = await show(request, ctx.orgId, request.params.id);
      void reply.header("etag", version);
      return scimReply(reply, body, 200, outcome);
    }
    const record = await scimGroup(s.store, ctx.orgId, request.params.id);
    void reply.header("etag", etag(record.version)).header("roster-revision", String(outcome.revision));
    return reply.status(204).send();
  });

  app.delete<Id>("/Groups/:id", { schema: hide }, async (request, reply) => {
    const ctx = await scimContext(s, request);
    await scimGroup(s.store, ctx.orgId, request.params.id);
    // The identity provider decides: a group it deletes goes with its members (they keep what other paths give).
    const outcome = await deleteGroup(ctx, request.params.id as GroupId, {
      force: true,
      ifVersion: ifMatch(request),
    });
    void reply.header("roster-revision", String(outcome.revision));
    return reply.status(204).send();
  });
}

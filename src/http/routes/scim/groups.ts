import type { FastifyInstance, FastifyRequest } from "fastify";
import { type CommandContext, createGroup, deleteGroup, editGroup } from "../../../commands/index.ts";
import type { GroupId } from "../../../domain/index.ts";
import { memberKinds, SCIM_GROUP, scimGroup, scimGroups } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { baseUrl, etag, ifMatch, scimContext, scimReply } from "./context.ts";
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
import { params } from "./query.ts";
import { scimReadRoutes } from "./read-routes.ts";

const hide = { hide: true };
type Id = { Params: { id: string } };

/**
 * /Groups (RFC 7644 §3): the organization's custom groups, so the enterprise
 * plan applies to creating them. List and filter, read, create, replace,
 * patch (204, as Entra ID and Okta expect), delete (with its members).
 */
export function scimGroupRoutes(app: FastifyInstance, s: Services, publicUrl: string | undefined): void {
  const show = scimReadRoutes(app, s, publicUrl, {
    path: "/Groups",
    core: SCIM_GROUP,
    joined: "members",
    list: (orgId, input, joined) => scimGroups(s.store, orgId, { ...input, members: joined }),
    get: (orgId, id, joined) => scimGroup(s.store, orgId, id, { members: joined }),
    resource: groupResource,
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

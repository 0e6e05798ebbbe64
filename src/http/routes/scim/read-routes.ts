import type { FastifyInstance, FastifyRequest } from "fastify";
import type { OrgId } from "../../../domain/index.ts";
import type { ScimListInput, ScimPage, ScimVersion } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { baseUrl, etag, scimContext, scimReply } from "./context.ts";
import { LIST_RESPONSE, searchParams } from "./discovery.ts";
import { type ListParams, listParams, params, project, projection, shows } from "./query.ts";

/** What /Users and /Groups differ in for reading. */
export type ScimReads<R extends ScimVersion> = {
  /** "/Users" or "/Groups". */
  readonly path: string;
  /** The core schema's URN. */
  readonly core: string;
  /** The attribute that costs a join, read only when shown: a user's groups, a group's members. */
  readonly joined: string;
  readonly list: (orgId: OrgId, input: ScimListInput, joined: boolean) => Promise<ScimPage<R>>;
  readonly get: (orgId: OrgId, id: string, joined: boolean) => Promise<R>;
  readonly resource: (record: R, base: string) => Record<string, unknown>;
};

/**
 * The reading routes of a SCIM resource (RFC 7644 §3.4): list and filter, by
 * GET or POST .search, and read one with its ETag (304 for If-None-Match).
 * Returns `show`, the resource as a response shows it (after a write: as it
 * now is), with its ETag.
 */
export function scimReadRoutes<R extends ScimVersion>(
  app: FastifyInstance,
  s: Services,
  publicUrl: string | undefined,
  reads: ScimReads<R>,
) {
  const hide = { schema: { hide: true } };
  const list = async (request: FastifyRequest, p: ListParams) => {
    const ctx = await scimContext(s, request);
    const base = baseUrl(request, publicUrl);
    const page = await reads.list(
      ctx.orgId,
      {
        filter: p.filter,
        startIndex: p.startIndex,
        count: p.count,
        sortBy: p.sortBy,
        descending: p.descending,
      },
      shows(p.projection, reads.joined, reads.core),
    );
    const resources = page.records.map((r) => project(reads.resource(r, base), p.projection, reads.core));
    return {
      schemas: [LIST_RESPONSE],
      totalResults: page.total,
      startIndex: p.startIndex,
      itemsPerPage: resources.length,
      Resources: resources,
    };
  };

  app.get(reads.path, hide, async (request, reply) =>
    scimReply(reply, await list(request, listParams(params(request.query)))),
  );

  app.post(`${reads.path}/.search`, hide, async (request, reply) =>
    scimReply(reply, await list(request, listParams(searchParams(request.body)))),
  );

  const show = async (request: FastifyRequest, orgId: OrgId, id: string) => {
    const view = projection(params(request.query));
    const record = await reads.get(orgId, id, shows(view, reads.joined, reads.core));
    return {
      version: etag(record.version),
      body: project(reads.resource(record, baseUrl(request, publicUrl)), view, reads.core),
    };
  };

  app.get<{ Params: { id: string } }>(`${reads.path}/:id`, hide, async (request, reply) => {
    const ctx = await scimContext(s, request);
    const { version, body } = await show(request, ctx.orgId, request.params.id);
    void reply.header("etag", version);
    if (request.headers["if-none-match"] === version) return reply.status(304).send();
    return scimReply(reply, body);
  });

  return show;
}

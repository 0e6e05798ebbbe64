import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { jsonBody } from "../../json-body.ts";
import type { Services } from "../../services.ts";
import { scimDiscoveryRoutes } from "./discovery.ts";
import { SCIM_CONTENT_TYPE, scimError, scimErrorHandler } from "./errors.ts";
import { scimGroupRoutes } from "./groups.ts";
import { scimUserRoutes } from "./users.ts";

export type ScimOptions = {
  /** The URL people reach this server at; otherwise the request's own. */
  readonly publicUrl?: string | undefined;
};

/**
 * SCIM 2.0 (RFC 7643, RFC 7644) for identity providers (Entra ID, Okta), to
 * register with the prefix `/scim/v2`. Authenticated by an API token with
 * the `scim` scope, which names the organization. Its own body parsing
 * (application/scim+json, and JSON whatever the media type says), its own
 * errors (the SCIM error schema) and its own 404.
 */
export function scimRoutes(s: Services, options: ScimOptions = {}): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // Clients send application/scim+json, application/json (Okta's own tests do), or another type;
    // each is read as JSON (refusing prototype poisoning), and an empty body as none.
    const json = app.getDefaultJsonParser("error", "error");
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "string" }, jsonBody(json));
    app.setErrorHandler(scimErrorHandler);
    const notFound = (request: FastifyRequest, reply: FastifyReply) =>
      reply
        .status(404)
        .type(SCIM_CONTENT_TYPE)
        .send(scimError(404, `No SCIM endpoint ${request.method} ${request.url.split("?")[0]}.`));
    app.setNotFoundHandler(notFound);
    // The console's files answer every other GET (a wildcard at the root): this more specific
    // wildcard keeps unknown SCIM paths SCIM's own 404.
    app.all("/*", { schema: { hide: true } }, notFound);
    scimDiscoveryRoutes(app, s, options.publicUrl);
    scimUserRoutes(app, s, options.publicUrl);
    scimGroupRoutes(app, s, options.publicUrl);
  };
}

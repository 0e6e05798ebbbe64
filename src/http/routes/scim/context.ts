import type { FastifyReply, FastifyRequest } from "fastify";
import type { CommandContext, Outcome } from "../../../commands/index.ts";
import { fail } from "../../../domain/index.ts";
import { requireScope, TOKEN_AUTHORITY, tokenActor } from "../../auth.ts";
import type { Services } from "../../services.ts";
import { SCIM_CONTENT_TYPE } from "./errors.ts";

/**
 * The command context of a SCIM request. Only a token with the `scim` scope
 * is accepted; it acts in its own organization, as its administrators do
 * (owners stay managed in Roster: changing one needs an owner). The audit
 * names the token.
 */
export async function scimContext(s: Services, request: FastifyRequest): Promise<CommandContext> {
  const caller = await s.auth.caller(request);
  const orgId = requireScope(caller, "scim");
  return {
    store: s.store,
    orgId,
    actor: tokenActor(caller),
    authority: TOKEN_AUTHORITY,
    requestId: request.id,
  };
}

/** Where the SCIM API is reached, for `meta.location` and `Location`. */
export function baseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  const root = publicUrl ? publicUrl.replace(/\/+$/, "") : `${request.protocol}://${request.host}`;
  return `${root}/scim/v2`;
}

/** A weak ETag of a version (the revision of the resource's last change). */
export function etag(version: number): string {
  return `W/"${version}"`;
}

/**
 * The version an `If-Match` header asks for: undefined when absent or `*`
 * (any version); -1 when it names no version of ours, which no resource has.
 */
export function ifMatch(request: FastifyRequest): number | undefined {
  const header = request.headers["if-match"];
  if (header === undefined) return undefined;
  const tags = String(header)
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.includes("*")) return undefined;
  if (tags.length > 1) fail("request.invalid", "If-Match: send the one ETag you read.");
  const m = /^(?:W\/)?"(\d{1,15})"$/.exec(tags[0] ?? "");
  return m ? Number(m[1]) : -1;
}

/** A SCIM response: its media type, and for a write the organization's revision. */
export function scimReply<T>(reply: FastifyReply, body: T, status = 200, outcome?: Outcome<unknown>): T {
  void reply.status(status).type(SCIM_CONTENT_TYPE);
  if (outcome) void reply.header("roster-revision", String(outcome.revision));
  return body;
}

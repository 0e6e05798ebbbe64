import type { FastifyReply, FastifyRequest } from "fastify";
import type { CommandContext, Outcome } from "../../../commands/index.ts";
import type { OrgId } from "../../../domain/index.ts";
import { requireScope, TOKEN_AUTHORITY, tokenActor } from "../../auth.ts";
import type { Services } from "../../services.ts";

/**
 * The command context of an admin request: the caller's organization, who
 * they are (for the audit), what they may administer, and the request id.
 * Admin tokens act as administrators; console sessions (later) get their
 * authority from the access index.
 */
export async function adminContext(s: Services, request: FastifyRequest): Promise<CommandContext> {
  const caller = await s.auth.caller(request);
  const orgId = requireScope(caller, "admin");
  return {
    store: s.store,
    orgId,
    actor: tokenActor(caller),
    authority: TOKEN_AUTHORITY,
    requestId: request.id,
  };
}

/** The organization of an admin caller, for reads. */
export async function adminOrg(s: Services, request: FastifyRequest): Promise<OrgId> {
  return requireScope(await s.auth.caller(request), "admin");
}

/** Every write answers with the organization's revision, in the body and the `Roster-Revision` header. */
export function written<T extends object>(
  reply: FastifyReply,
  outcome: Outcome<T>,
  status = 200,
): T & { revision: number } {
  void reply.status(status).header("roster-revision", String(outcome.revision));
  return { ...outcome.value, revision: outcome.revision };
}

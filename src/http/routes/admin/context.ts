import type { FastifyReply, FastifyRequest } from "fastify";
import type { Actor, Authority, CommandContext, Outcome } from "../../../commands/index.ts";
import { type OrgId, RosterError } from "../../../domain/index.ts";
import { type Caller, requireScope, TOKEN_AUTHORITY, tokenActor } from "../../auth.ts";
import type { Services } from "../../services.ts";

/**
 * What a console session may administer, from the access index: owners and
 * admins everything, holders of the organization's manage_users /
 * manage_groups their part, delegates their delegation; nobody else.
 */
export async function sessionAuthority(
  s: Services,
  caller: Extract<Caller, { kind: "session" }>,
): Promise<{ authority: Authority; actor: Actor }> {
  const index = await s.index.org(caller.orgId);
  const u = index?.userIndex(caller.email);
  if (!index || u === undefined)
    throw new RosterError("auth.forbidden", "You are not a user of this organization.");
  const who = index.administration(u);
  const actor: Actor = { kind: "user", id: index.userId(u), label: caller.email };
  if (who.role === "owner" || who.role === "admin") return { authority: { kind: who.role }, actor };
  if (who.manageUsers || who.manageGroups) {
    return {
      authority: { kind: "manager", manageUsers: who.manageUsers, manageGroups: who.manageGroups },
      actor,
    };
  }
  const delegation = who.delegations[0];
  if (delegation) return { authority: { kind: "delegate", delegationId: delegation.id }, actor };
  throw new RosterError("auth.forbidden", "You have nothing to administer in this organization.");
}

/**
 * The command context of an admin request: the caller's organization, who
 * they are (for the audit), what they may administer, and the request id.
 * Admin tokens act as administrators; sessions as the access index says.
 */
export async function adminContext(s: Services, request: FastifyRequest): Promise<CommandContext> {
  const caller = await s.auth.caller(request);
  const orgId = requireScope(caller, "admin");
  if (caller.kind === "session") {
    const { authority, actor } = await sessionAuthority(s, caller);
    return { store: s.store, orgId, actor, authority, requestId: request.id };
  }
  return {
    store: s.store,
    orgId,
    actor: tokenActor(caller),
    authority: TOKEN_AUTHORITY,
    requestId: request.id,
  };
}

/** The organization of an admin caller, for reads (a session must have something to administer). */
export async function adminOrg(s: Services, request: FastifyRequest): Promise<OrgId> {
  const caller = await s.auth.caller(request);
  const orgId = requireScope(caller, "admin");
  if (caller.kind === "session") await sessionAuthority(s, caller);
  return orgId;
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

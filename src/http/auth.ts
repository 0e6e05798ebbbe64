import type { FastifyRequest } from "fastify";
import type { Actor, Authority, Store } from "../commands/index.ts";
import {
  digest,
  hmac,
  type OrgId,
  parseToken,
  RosterError,
  sameHash,
  type TokenScope,
} from "../domain/index.ts";
import { recordTokenUse, sessionRecord, type TokenRecord, tokenKey, tokenRecord } from "../queries/index.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The request's caller, once asked for (see Authenticator.caller). */
    rosterCaller: Promise<Caller> | null;
  }
  interface FastifyContextConfig {
    /** The route takes the operator token only (see authenticateFirst). */
    operatorOnly?: boolean;
  }
}

/** Who is calling. Tokens name their organization; nothing crosses tenants but the operator. */
export type Caller =
  | { readonly kind: "operator" }
  | {
      readonly kind: "session";
      readonly orgId: OrgId;
      readonly email: string;
      readonly idHash: string;
      readonly csrfToken: string;
    }
  | {
      readonly kind: "token";
      readonly orgId: OrgId;
      readonly tokenId: string;
      readonly name: string;
      readonly scopes: readonly string[];
    };

const CACHE_MS = 5000;

/**
 * Bearer tokens, checked against their HMAC. Token records are cached for a
 * few seconds so a check costs no query; a revocation on this server drops
 * the cache entry at once (`forget`), on other servers within the cache time.
 */
export class Authenticator {
  private key: string | null = null;
  private readonly cache = new Map<string, { record: TokenRecord | null; until: number }>();
  private readonly used = new Map<string, number>();
  /** Verified token strings, so the hot path skips the HMAC for a few seconds. */
  private readonly verified = new Map<string, { caller: Caller; until: number }>();
  /** Lookups in flight, by token string. */
  private readonly verifying = new Map<string, Promise<Caller>>();

  /** Bumped by `forget`: a lookup that began before a revocation does not cache what it read. */
  private epoch = 0;
  private readonly cacheMs: number;

  /** `cacheMs`: how long a verified token is trusted before its record is read again (5 s). */
  constructor(
    private readonly store: Store,
    private readonly operatorToken: string | undefined,
    options: { cacheMs?: number } = {},
  ) {
    this.cacheMs = options.cacheMs ?? CACHE_MS;
  }

  /**
   * The caller of a request, worked out once however many times it is asked for: kept on the
   * request (declared by `decorateRequest` in app.ts, so every request has the same shape), which
   * costs a check less than a WeakMap keyed by requests.
   */
  caller(request: FastifyRequest): Promise<Caller> {
    request.rosterCaller ??= this.identify(request);
    return request.rosterCaller;
  }

  private async identify(request: FastifyRequest): Promise<Caller> {
    const header = request.headers.authorization;
    // The scheme's name is case-insensitive (RFC 9110 §11.1).
    if (!header || !(header.startsWith("Bearer ") || /^bearer /i.test(header))) {
      const session = sessionCookie(request);
      if (session) return this.session(request, session);
      throw new RosterError(
        "auth.unauthenticated",
        "Sign in, or send an API token: Authorization: Bearer <token>.",
      );
    }
    const token = header.slice(7).trim();
    if (
      this.operatorToken &&
      token.length === this.operatorToken.length &&
      sameHash(token, this.operatorToken)
    ) {
      return { kind: "operator" };
    }
    const known = this.verified.get(token);
    if (known) {
      const left = known.until - Date.now();
      if (left > 0) {
        // Looked up again in the background in its last fifth, so a busy token never waits for
        // the database (whose connections may all be taken by writes) and is never older than
        // cacheMs.
        if (left < this.cacheMs / 5) void this.verify(token, true).catch(() => {});
        return known.caller;
      }
    }
    return this.verify(token, false);
  }

  /** Checks a token against its record; one lookup per token at a time, however many requests wait for it. */
  private verify(token: string, fresh: boolean): Promise<Caller> {
    let pending = this.verifying.get(token);
    if (!pending) {
      pending = this.lookUp(token, fresh).finally(() => this.verifying.delete(token));
      this.verifying.set(token, pending);
    }
    return pending;
  }

  private async lookUp(token: string, fresh: boolean): Promise<Caller> {
    const parsed = parseToken(token);
    if (!parsed) throw new RosterError("auth.unauthenticated", "This is not a Roster API token.");
    const epoch = this.epoch;
    const record = await this.record(parsed.tokenId, fresh);
    this.key ??= await tokenKey(this.store);
    if (!record || record.revoked || !sameHash(hmac(this.key, parsed.secret), record.secretHash)) {
      this.verified.delete(token);
      throw new RosterError("auth.unauthenticated", "This token is unknown or revoked.");
    }
    this.noteUse(record.id);
    const caller: Caller = {
      kind: "token",
      orgId: record.orgId,
      tokenId: record.id,
      name: record.name,
      scopes: record.scopes,
    };
    if (epoch !== this.epoch) return caller;
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(token, { caller, until: Date.now() + this.cacheMs });
    return caller;
  }

  /** A console session: its cookie, and for writes the CSRF header that only our pages can read. */
  private async session(request: FastifyRequest, id: string): Promise<Caller> {
    const idHash = digest(id);
    const row = await sessionRecord(this.store, idHash);
    if (!row?.orgId) throw new RosterError("auth.unauthenticated", "Your session has ended: sign in again.");
    if (request.method !== "GET" && request.method !== "HEAD") {
      const csrf = request.headers["x-csrf-token"];
      if (typeof csrf !== "string" || !sameHash(csrf, row.csrfToken)) {
        throw new RosterError("auth.csrf", "Missing or wrong X-CSRF-Token header.");
      }
    }
    return { kind: "session", orgId: row.orgId as OrgId, email: row.email, idHash, csrfToken: row.csrfToken };
  }

  private async record(id: string, fresh: boolean): Promise<TokenRecord | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (!fresh && hit && hit.until > now) return hit.record;
    const epoch = this.epoch;
    const record = await tokenRecord(this.store, id);
    if (epoch === this.epoch) this.cache.set(id, { record, until: now + this.cacheMs });
    return record;
  }

  forget(tokenId: string): void {
    this.epoch++;
    this.cache.delete(tokenId);
    for (const [token, v] of this.verified)
      if (v.caller.kind === "token" && v.caller.tokenId === tokenId) this.verified.delete(token);
  }

  /** "Last used", at most once a minute per token, in the background. */
  private noteUse(id: string): void {
    const now = Date.now();
    if ((this.used.get(id) ?? 0) > now - 60_000) return;
    this.used.set(id, now);
    void recordTokenUse(this.store, id, new Date(now)).catch(() => {});
  }
}

/**
 * A preParsing hook: the caller is known (401, or 403 for a missing CSRF
 * token), a token has the `scope` of the routes it calls, and an
 * `operatorOnly` route is called by the operator (403 otherwise), all before
 * the body is parsed or the request validated: nobody learns a route's
 * schema, or that a body is malformed, without the credentials it takes.
 * Routes documented with `security: []` are public.
 */
export function authenticateFirst(auth: Authenticator, scope: TokenScope) {
  return async (request: FastifyRequest, _reply: unknown, _payload: unknown): Promise<undefined> => {
    const security = (request.routeOptions.schema as { security?: unknown[] } | undefined)?.security;
    if (Array.isArray(security) && security.length === 0) return;
    const caller = await auth.caller(request);
    if (request.routeOptions.config.operatorOnly) {
      if (caller.kind !== "operator")
        throw new RosterError("auth.forbidden", "Only the operator token (ROSTER_OPERATOR_TOKEN) may.");
    } else if (caller.kind === "token") {
      requireScope(caller, scope);
    }
  };
}

export const SESSION_COOKIE = "roster_session";

export function sessionCookie(request: FastifyRequest): string | null {
  const cookie = request.headers.cookie;
  if (!cookie) return null;
  for (const part of cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join("="));
  }
  return null;
}

/**
 * The organization a caller acts in for a scope. Sessions act in their
 * current organization (what they may do there is decided by the access
 * index, in the route's context); tokens need the scope.
 */
export function requireScope(caller: Caller, scope: TokenScope): OrgId {
  if (caller.kind === "session") {
    if (scope === "scim") throw new RosterError("auth.forbidden", "SCIM needs a token with the scim scope.");
    return caller.orgId;
  }
  if (caller.kind !== "token") {
    throw new RosterError("auth.forbidden", "The operator token only creates and lists organizations.");
  }
  // An admin token may also check; a check token only checks; a scim token only provisions.
  if (!caller.scopes.includes(scope) && !(scope === "check" && caller.scopes.includes("admin"))) {
    throw new RosterError("auth.forbidden", `This token lacks the ${scope} scope.`);
  }
  return caller.orgId;
}

export function tokenActor(caller: Caller): Actor {
  if (caller.kind === "token") return { kind: "token", id: caller.tokenId, label: `token ${caller.name}` };
  if (caller.kind === "session") return { kind: "user", id: null, label: caller.email };
  return { kind: "operator", id: null, label: "operator" };
}

/** Admin tokens act as administrators of their organization. */
export const TOKEN_AUTHORITY: Authority = { kind: "admin" };

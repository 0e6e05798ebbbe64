import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createPasswordLink,
  requestPasswordReset,
  SESSION_HOURS,
  setPasswordWithLink,
  signIn,
  signOut,
  switchOrganization,
} from "../../commands/index.ts";
import {
  Me,
  PasswordLink,
  PasswordLinkBody,
  PasswordSet,
  Problem,
  ResetAccepted,
  ResetRequestBody,
  SetPasswordBody,
  SignedIn,
  SignInBody,
  SwitchBody,
  Switched,
} from "../../contracts/index.ts";
import { type OrgId, RosterError, type UserId } from "../../domain/index.ts";
import { organizationsOf } from "../../queries/index.ts";
import { SESSION_COOKIE } from "../auth.ts";
import type { Services } from "../services.ts";
import { adminContext, written } from "./admin/context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 429: Problem };

/** Failed sign-ins per email and address: 10 within 15 minutes, then 429 until the window passes. */
class SignInLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly max = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}
  check(key: string): void {
    const now = Date.now();
    const recent = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.failures.set(key, recent);
    if (recent.length >= this.max) {
      // Until the failure that fills the window leaves it.
      const seconds = Math.ceil((recent[recent.length - this.max]! + this.windowMs - now) / 1000);
      const wait = seconds > 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
      throw new RosterError(
        "rate.limited",
        `Too many failed sign-ins: try again in ${wait}, or reset your password.`,
        { retryAfterSeconds: seconds },
      );
    }
  }
  fail(key: string): void {
    const list = this.failures.get(key) ?? [];
    list.push(Date.now());
    this.failures.set(key, list);
    if (this.failures.size > 100_000) this.failures.clear();
  }
  succeed(key: string): void {
    this.failures.delete(key);
  }
}

function baseUrl(request: FastifyRequest, configured?: string): string {
  return configured ?? `${request.protocol}://${request.headers.host ?? "127.0.0.1"}`;
}

function setCookie(reply: FastifyReply, request: FastifyRequest, value: string, maxAge: number): void {
  const secure = request.protocol === "https" ? "; Secure" : "";
  void reply.header(
    "set-cookie",
    `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`,
  );
}

/** Console sign-in: email and password (scrypt), an httpOnly SameSite cookie, a CSRF token for writes. */
export function authRoutes(root: FastifyInstance, s: Services, options: { publicUrl?: string } = {}): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const limiter = new SignInLimiter();

  app.post(
    "/api/v1/auth/sign-in",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign in to the console; sets the session cookie and returns the CSRF token for writes",
        security: [],
        body: SignInBody,
        response: { 200: SignedIn, ...errors },
      },
    },
    async (request, reply) => {
      const key = `${request.body.email.toLowerCase()}|${request.ip}`;
      limiter.check(key);
      try {
        const session = await signIn(s.store, request.body);
        limiter.succeed(key);
        for (const { orgId, userId } of session.users) s.activity.record(orgId, userId);
        setCookie(reply, request, session.sessionId, SESSION_HOURS * 3600);
        return {
          csrfToken: session.csrfToken,
          organization: session.organizations[0]!,
          organizations: session.organizations,
        };
      } catch (e) {
        if (e instanceof RosterError && e.code === "auth.invalid_credentials") limiter.fail(key);
        throw e;
      }
    },
  );

  app.post(
    "/api/v1/auth/sign-out",
    { schema: { tags: ["auth"], summary: "End the session", response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      const caller = await s.auth.caller(request);
      if (caller.kind === "session") await signOut(s.store, caller.idHash);
      setCookie(reply, request, "", 0);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/v1/auth/me",
    {
      schema: {
        tags: ["auth"],
        summary: "Who is signed in, in which organization, and what they may administer there",
        response: { 200: Me, ...errors },
      },
    },
    async (request) => {
      const caller = await s.auth.caller(request);
      if (caller.kind !== "session")
        throw new RosterError("auth.unauthenticated", "Not signed in to the console.");
      const orgs = await organizationsOf(s.store, caller.email);
      const current = orgs.find((o) => o.id === caller.orgId);
      const index = await s.index.org(caller.orgId);
      const u = index?.userIndex(caller.email);
      if (!current || !index || u === undefined)
        throw new RosterError("auth.unauthenticated", "Your session has ended.");
      const who = index.administration(u);
      return {
        email: caller.email,
        userId: index.userId(u),
        organization: { id: current.id, name: current.name, slug: current.slug },
        organizations: orgs.map(({ id, name, slug }) => ({ id, name, slug })),
        role: who.role,
        manageUsers: who.manageUsers,
        manageGroups: who.manageGroups,
        delegations: who.delegations.map((d) => d.id),
        csrfToken: caller.csrfToken,
      };
    },
  );

  app.post(
    "/api/v1/auth/switch",
    {
      schema: {
        tags: ["auth"],
        summary: "Switch the session to another organization of the same person",
        body: SwitchBody,
        response: { 200: Switched, ...errors },
      },
    },
    async (request) => {
      const caller = await s.auth.caller(request);
      if (caller.kind !== "session")
        throw new RosterError("auth.unauthenticated", "Not signed in to the console.");
      return {
        organization: await switchOrganization(
          s.store,
          caller.idHash,
          caller.email,
          request.body.organizationId as OrgId,
        ),
      };
    },
  );

  app.post(
    "/api/v1/auth/password",
    {
      schema: {
        tags: ["auth"],
        summary: "Set a password with a one-time link (first run, invitation or reset)",
        security: [],
        body: SetPasswordBody,
        response: { 200: PasswordSet, ...errors },
      },
    },
    async (request) => setPasswordWithLink(s.store, request.body),
  );

  app.post(
    "/api/v1/auth/password/reset",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Email a reset link if the address belongs to an active user (the answer is the same either way)",
        security: [],
        body: ResetRequestBody,
        response: { 202: ResetAccepted, ...errors },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(s.store, request.body.email, baseUrl(request, options.publicUrl));
      return reply.status(202).send({ accepted: true });
    },
  );

  app.post(
    "/api/v1/users/:id/password-link",
    {
      schema: {
        tags: ["users"],
        summary: "Create (and email) a one-time link for a user to set their password",
        params: z.object({ id: z.string() }),
        body: PasswordLinkBody,
        response: { 201: PasswordLink, ...errors },
      },
    },
    async (request, reply) => {
      const ctx = await adminContext(s, request);
      const outcome = await createPasswordLink(ctx, {
        userId: request.params.id as UserId,
        purpose: "set_password",
        baseUrl: baseUrl(request, options.publicUrl),
        email: request.body.email,
      });
      const { url, expiresAt } = written(reply, outcome, 201);
      return { url, expiresAt, revision: outcome.revision };
    },
  );
}

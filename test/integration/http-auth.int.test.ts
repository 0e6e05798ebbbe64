import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { inviteUser, type Store } from "../../src/commands/index.ts";
import type { OrgId } from "../../src/domain/index.ts";
import { Authenticator, buildApp } from "../../src/http/index.ts";
import { listMessages } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

type Org = Awaited<ReturnType<TestApi["newOrg"]>>;

/** A browser-like client: keeps the session cookie, sends the CSRF token on writes when asked. */
function browser(api: TestApi) {
  let cookie = "";
  let csrf = "";
  return {
    async send(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, body?: unknown, withCsrf = true) {
      const res = await api.app.inject({
        method,
        url,
        headers: {
          ...(cookie && { cookie }),
          ...(withCsrf && csrf && { "x-csrf-token": csrf }),
          ...(body !== undefined && { "content-type": "application/json" }),
        },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      });
      const set = res.headers["set-cookie"];
      if (typeof set === "string") cookie = set.split(";")[0]!;
      const json = res.body ? JSON.parse(res.body) : undefined;
      if (json?.csrfToken) csrf = json.csrfToken;
      return { status: res.statusCode, body: json, setCookie: set, retryAfter: res.headers["retry-after"] };
    },
  };
}

async function passwordLink(api: TestApi, org: Org, userId: string): Promise<string> {
  const res = await api.call(org.token, "POST", `/api/v1/users/${userId}/password-link`, { email: true });
  assert.equal(res.status, 201, res.text);
  return new URL(res.body.url).hash.replace("#token=", "");
}

describeBackends("HTTP: console sessions", (store: () => Store) => {
  let api: TestApi;
  let org: Org;
  before(async () => {
    api = await startApi(store());
    org = await api.newOrg();
  });
  after(async () => api.close());

  test("a one-time link sets the password; sign-in sets an httpOnly SameSite cookie; the link works once", async () => {
    const token = await passwordLink(api, org, org.adminId);
    const messages = await listMessages(store().db, org.orgId as OrgId);
    assert.ok(
      messages.some((m) => m.subject.startsWith("You are invited") && m.body.includes(`#token=${token}`)),
    );
    const b = browser(api);
    assert.equal(
      (await b.send("POST", "/api/v1/auth/password", { token, password: "short" })).body.code,
      "request.invalid",
    );
    assert.equal(
      (await b.send("POST", "/api/v1/auth/password", { token, password: "a good long password" })).status,
      200,
    );
    assert.equal(
      (await b.send("POST", "/api/v1/auth/password", { token, password: "another long password" })).body.code,
      "auth.link_invalid",
    );
    const signed = await b.send("POST", "/api/v1/auth/sign-in", {
      email: org.adminEmail.toUpperCase(),
      password: "a good long password",
    });
    assert.equal(signed.status, 200);
    assert.match(String(signed.setCookie), /HttpOnly; SameSite=Lax/);
    const me = await b.send("GET", "/api/v1/auth/me");
    assert.deepEqual([me.body.email.toLowerCase(), me.body.role], [org.adminEmail, "owner"]);
  });

  test("writes need the CSRF token; a member with nothing to administer is refused; sign-out ends the session", async () => {
    const b = browser(api);
    await b.send("POST", "/api/v1/auth/sign-in", { email: org.adminEmail, password: "a good long password" });
    await api.activity.flush();
    const me = await api.call(org.token, "GET", `/api/v1/users/${org.adminId}`);
    assert.ok(me.body.user.lastActiveAt, `a sign-in is activity: ${me.text}`);
    const noCsrf = await b.send("PATCH", "/api/v1/organization", { name: "Renamed" }, false);
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.code, "auth.csrf");
    const ok = await b.send("PATCH", "/api/v1/organization", { name: "Renamed" });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.organization.name, "Renamed");

    const ctx = {
      store: store(),
      orgId: org.orgId as OrgId,
      actor: { kind: "system", id: null, label: "t" } as const,
      authority: { kind: "owner" } as const,
    };
    const memberEmail = `member-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@x.test`;
    const member = (await inviteUser(ctx, { email: memberEmail })).value.user;
    const token = await passwordLink(api, org, member.id);
    const m = browser(api);
    await m.send("POST", "/api/v1/auth/password", { token, password: "member password 1" });
    assert.equal(
      (
        await m.send("POST", "/api/v1/auth/sign-in", {
          email: memberEmail,
          password: "member password 1",
        })
      ).status,
      200,
    );
    const refused = await m.send("PATCH", "/api/v1/organization", { name: "Mine" });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "auth.forbidden");

    assert.equal((await b.send("POST", "/api/v1/auth/sign-out", {})).status, 204);
    assert.equal((await b.send("GET", "/api/v1/auth/me")).status, 401);
  });

  test("wrong passwords are refused alike, and limited: the 11th try in 15 minutes gets 429", async () => {
    const b = browser(api);
    const unknown = await b.send("POST", "/api/v1/auth/sign-in", {
      email: "nobody@x.test",
      password: "whatever it is",
    });
    assert.deepEqual([unknown.status, unknown.body.code], [401, "auth.invalid_credentials"]);
    for (let i = 0; i < 10; i++) {
      const r = await b.send("POST", "/api/v1/auth/sign-in", {
        email: org.adminEmail,
        password: `wrong ${i} password`,
      });
      assert.equal(r.status, 401);
    }
    const limited = await b.send("POST", "/api/v1/auth/sign-in", {
      email: org.adminEmail,
      password: "a good long password",
    });
    assert.deepEqual([limited.status, limited.body.code], [429, "rate.limited"]);
    // The header and the message name the same wait: until the first failure leaves the 15 minutes.
    const seconds = Number(limited.retryAfter);
    assert.ok(seconds > 890 && seconds <= 900, `retry-after: ${limited.retryAfter}`);
    assert.match(limited.body.detail, /try again in 15 minutes/);
  });

  test("a person in two organizations signs in once and switches; each organization sees only its own data", async () => {
    // Unique per run: the PostgreSQL test database outlives runs, and one person spans organizations.
    const twinEmail = `twin-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@x.test`;
    const other = await api.newOrg();
    const ctx = {
      store: store(),
      orgId: other.orgId as OrgId,
      actor: { kind: "system", id: null, label: "t" } as const,
      authority: { kind: "owner" } as const,
    };
    const twin = (await inviteUser(ctx, { email: twinEmail, role: "admin" })).value.user;
    const ctx1 = { ...ctx, orgId: org.orgId as OrgId };
    await inviteUser(ctx1, { email: twinEmail });
    const token = await passwordLink(api, other, twin.id);
    const b = browser(api);
    await b.send("POST", "/api/v1/auth/password", { token, password: "twin password 12" });
    const signed = await b.send("POST", "/api/v1/auth/sign-in", {
      email: twinEmail,
      password: "twin password 12",
    });
    assert.equal(signed.body.organizations.length, 2);
    const first = (await b.send("GET", "/api/v1/auth/me")).body.organization.id;
    const target = first === other.orgId ? org.orgId : other.orgId;
    assert.equal((await b.send("POST", "/api/v1/auth/switch", { organizationId: target })).status, 200);
    assert.equal((await b.send("GET", "/api/v1/auth/me")).body.organization.id, target);
    const stranger = await api.newOrg();
    const refused = await b.send("POST", "/api/v1/auth/switch", { organizationId: stranger.orgId });
    assert.equal(refused.body.code, "organization.not_found");
    // In the organization where twin is a plain member, nothing can be administered.
    await b.send("POST", "/api/v1/auth/switch", { organizationId: org.orgId });
    assert.equal((await b.send("GET", "/api/v1/organization")).status, 403);
    await b.send("POST", "/api/v1/auth/switch", { organizationId: other.orgId });
    assert.equal((await b.send("GET", "/api/v1/organization")).body.id, other.orgId);
  });

  test("a reset request answers the same for unknown addresses, and emails a link to known ones", async () => {
    const before = (await listMessages(store().db, org.orgId as OrgId)).length;
    const unknown = await api.call(null, "POST", "/api/v1/auth/password/reset", { email: "ghost@x.test" });
    const known = await api.call(null, "POST", "/api/v1/auth/password/reset", { email: org.adminEmail });
    assert.deepEqual([unknown.status, unknown.body], [202, { accepted: true }]);
    assert.deepEqual([known.status, known.body], [202, { accepted: true }]);
    const messages = await listMessages(store().db, org.orgId as OrgId);
    assert.equal(messages.length, before + 1);
    assert.match(messages.at(-1)!.body, /reset-password#token=/);
  });
});

describeBackends("HTTP: a token revoked on another server", (store: () => Store) => {
  let api: TestApi;
  let other: FastifyInstance;
  const CACHE_MS = 300;
  before(async () => {
    api = await startApi(store());
    // A second server on the same database: it trusts a verified token for CACHE_MS, and nobody
    // tells it of a revocation made through the first.
    other = await buildApp({
      store: store(),
      index: api.index,
      activity: api.activity,
      auth: new Authenticator(store(), undefined, { cacheMs: CACHE_MS }),
    });
  });
  after(async () => {
    await other.close();
    await api.close();
  });

  const check = async (token: string) =>
    (
      await other.inject({
        method: "GET",
        url: "/api/v1/tokens",
        headers: { authorization: `Bearer ${token}` },
      })
    ).statusCode;

  test("many first requests at once all pass; a token in steady use keeps working, and is refused within the cache time of its revocation", async () => {
    const org = await api.newOrg();
    const made = await api.call(org.token, "POST", "/api/v1/tokens", { name: "ci", scopes: ["admin"] });
    assert.equal(made.status, 201, made.text);
    const token = made.body.token as string;
    assert.deepEqual(
      new Set(await Promise.all(Array.from({ length: 20 }, () => check(token)))),
      new Set([200]),
    );
    // In use across several cache periods (its record is read again in the background).
    const until = Date.now() + CACHE_MS * 4;
    while (Date.now() < until) {
      assert.equal(await check(token), 200);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await api.call(org.token, "DELETE", `/api/v1/tokens/${made.body.id}`)).status, 200);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < CACHE_MS * 5) {
      status = await check(token);
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401, "the revoked token is refused");
    const took = Date.now() - revokedAt;
    // Within the cache time, give or take a lookup on a busy machine.
    assert.ok(took <= CACHE_MS * 2, `refused ${took} ms after its revocation (cache ${CACHE_MS} ms)`);
  });

  test("two live tokens may not share a name (the audit names a token's actions by it); a revoked one's is free", async () => {
    const org = await api.newOrg();
    const first = await api.call(org.token, "POST", "/api/v1/tokens", { name: "Checker", scopes: ["check"] });
    assert.equal(first.status, 201, first.text);
    const before = (await api.call(org.token, "GET", "/api/v1/tokens")).body.tokens.length;
    const again = await api.call(org.token, "POST", "/api/v1/tokens", {
      name: "checker ",
      scopes: ["admin"],
    });
    assert.deepEqual([again.status, again.body.code], [409, "token.name_taken"], again.text);
    assert.equal((await api.call(org.token, "GET", "/api/v1/tokens")).body.tokens.length, before);
    assert.equal((await api.call(org.token, "DELETE", `/api/v1/tokens/${first.body.id}`)).status, 200);
    const reused = await api.call(org.token, "POST", "/api/v1/tokens", {
      name: "Checker",
      scopes: ["check"],
    });
    assert.equal(reused.status, 201, reused.text);
  });
});

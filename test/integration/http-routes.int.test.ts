import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { describeBackends } from "../support/backends.ts";
import { OPERATOR_TOKEN, startApi, type TestApi } from "../support/http.ts";

/**
 * Every route of the OpenAPI document, called by everyone who must be
 * refused: nobody, the operator, a check-only token, another organization's
 * admin token aimed at this organization's ids, a console session without its
 * CSRF header, and a member with nothing to administer. None of them may see
 * or change the organization. A route added without an entry in BODIES fails
 * here until it gets one.
 */

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Route = {
  method: Method;
  path: string /** The OpenAPI document gives it a request body. */;
  body: boolean;
};
type Ids = Record<
  "user" | "group" | "app" | "dataset" | "rule" | "role" | "filter" | "delegation" | "token",
  string
>;

/** Needs no credentials. */
const PUBLIC = new Set([
  "POST /api/v1/auth/sign-in",
  "POST /api/v1/auth/password",
  "POST /api/v1/auth/password/reset",
]);
/** The operator's own routes. */
const OPERATOR = new Set(["POST /api/v1/organizations", "GET /api/v1/organizations"]);
/** Open to anyone of the organization: a session's own routes, and reading which organization this is. */
const SELF = new Set([
  "GET /api/v1/auth/me",
  "POST /api/v1/auth/sign-out",
  "POST /api/v1/auth/switch",
  "GET /api/v1/organizations",
]);

/** A plausible request per route, aimed at organization A's ids: the body (or query) a caller would send. */
function requestFor(route: Route, ids: Ids): { query?: string; body?: unknown } {
  const key = `${route.method} ${route.path}`;
  const check = { user: ids.user, resource: ids.app, capability: "view" };
  const table: Record<string, { query?: string; body?: unknown }> = {
    "POST /api/v1/access/check": { body: check },
    "POST /api/v1/access/check/batch": { body: { checks: [check] } },
    "GET /api/v1/access/effective": { query: `user=${ids.user}&resource=${ids.app}` },
    "GET /api/v1/access/resources": { query: `user=${ids.user}&type=app` },
    "GET /api/v1/access/users": { query: `resource=${ids.app}` },
    "GET /api/v1/access/explain": { query: `user=${ids.user}&resource=${ids.app}` },
    "GET /api/v1/access/filter": { query: `user=${ids.user}&resource=${ids.dataset}` },
    "POST /api/v1/organizations": {
      body: { name: "Made here", slug: `made-${Date.now()}`, plan: "team", admin: { email: "made@x.test" } },
    },
    "PATCH /api/v1/organization": { body: { name: "Taken over" } },
    "PUT /api/v1/organization/smtp": { body: { host: "smtp.attacker.test", port: 25 } },
    "DELETE /api/v1/organization/smtp": {},
    "POST /api/v1/tokens": { body: { name: "mine now", scopes: ["admin"] } },
    "POST /api/v1/resource-types": {
      body: {
        key: "board",
        label: "Board",
        capabilities: [{ key: "look", label: "Look" }],
        roles: [{ name: "Looker", capabilities: ["look"] }],
      },
    },
    "POST /api/v1/roles": { body: { type: "app", name: "Another role", capabilities: ["view"] } },
    "POST /api/v1/roles/preview": { body: { type: "app", capabilities: ["edit"] } },
    "PATCH /api/v1/roles/{id}": { body: { name: "Renamed role" } },
    "POST /api/v1/resources": { body: { type: "app", key: "another", name: "Another app" } },
    "GET /api/v1/resources": {},
    "PATCH /api/v1/resources/{id}": { body: { name: "Renamed app" } },
    "POST /api/v1/rules": {
      body: {
        subject: { kind: "group", id: ids.group },
        role: { role: "Manager" },
        scope: { kind: "resource", resourceId: ids.app },
      },
    },
    "GET /api/v1/rules": { query: `resource=${ids.app}&view=groups` },
    "POST /api/v1/rules/remove": { body: { ruleIds: [ids.rule] } },
    "PUT /api/v1/filters": {
      body: {
        subject: { kind: "group", id: ids.group },
        resourceId: ids.dataset,
        expression: "region = APAC",
      },
    },
    "GET /api/v1/filters": { query: `resource=${ids.dataset}` },
    "GET /api/v1/filters/preview": { query: `user=${ids.user}&resource=${ids.dataset}` },
    "POST /api/v1/delegations": {
      body: { userId: ids.user, scope: { kind: "resource", resourceId: ids.app } },
    },
    "GET /api/v1/audit": {},
    "GET /api/v1/notifications": {},
    "POST /api/v1/users": { body: { email: "slipped-in@x.test", groupIds: [ids.group] } },
    "GET /api/v1/users": { query: `group=${ids.group}` },
    "GET /api/v1/users/{id}/access": { query: "type=app" },
    "PATCH /api/v1/users/{id}": { body: { firstName: "Renamed" } },
    "PUT /api/v1/users/{id}/role": { body: { role: "admin" } },
    "POST /api/v1/users/bulk/groups": { body: { userIds: [ids.user], add: [ids.group] } },
    "POST /api/v1/users/{id}/password-link": { body: { email: false } },
    "POST /api/v1/groups": { body: { name: "Another group" } },
    "GET /api/v1/groups": {},
    "PATCH /api/v1/groups/{id}": { body: { name: "Renamed group" } },
    "DELETE /api/v1/groups/{id}": { query: "force=true" },
    "POST /api/v1/groups/{id}/members": { body: { userIds: [ids.user] } },
    "POST /api/v1/groups/{id}/members/remove": { body: { userIds: [ids.user] } },
    "POST /api/v1/groups/bulk/privileges": { body: { groupIds: [ids.group], privileges: false } },
    "POST /api/v1/groups/definition": { body: { name: "Defined group", userIds: [ids.user] } },
    "PUT /api/v1/groups/{id}/definition": {
      body: { name: "Redefined", description: "", allUsers: false, privileges: false, notify: "none" },
    },
    "POST /api/v1/groups/bulk/notify": { body: { groupIds: [ids.group], notify: "email" } },
    "POST /api/v1/groups/bulk/delete": { body: { groupIds: [ids.group], force: true } },
    "POST /api/v1/groups/bulk/users": { body: { groupIds: [ids.group] } },
    "POST /api/v1/auth/sign-in": { body: { email: "nobody@x.test", password: "wrong password" } },
    "POST /api/v1/auth/sign-out": { body: {} },
    "POST /api/v1/auth/switch": { body: { organizationId: "org_unknown" } },
    "POST /api/v1/auth/password": { body: { token: "not-a-token", password: "a long enough password" } },
    "POST /api/v1/auth/password/reset": { body: { email: "nobody@x.test" } },
  };
  const found = table[key];
  if (found) return found;
  // Reads, and deletions by id, need nothing more.
  if (route.method === "GET" || (route.method === "DELETE" && route.path.includes("{"))) return {};
  throw new Error(`no request for ${key}: add one to this test`);
}

function urlFor(route: Route, ids: Ids, query?: string): string {
  const path = route.path.replace(/\/([a-z-]+)\/\{(\w+)\}/g, (_, collection: string, param: string) => {
    if (param === "what") return `/${collection}/users`;
    const kind: Record<string, keyof Ids> = {
      users: "user",
      groups: "group",
      resources: "app",
      rules: "rule",
      roles: "role",
      filters: "filter",
      delegations: "delegation",
      tokens: "token",
    };
    const k = kind[collection];
    if (!k) throw new Error(`no id for ${route.path}`);
    return `/${collection}/${ids[k]}`;
  });
  return query ? `${path}?${query}` : path;
}

describeBackends("HTTP: every route refuses whom it must", (store) => {
  let api: TestApi;
  let routes: Route[];
  let a: Awaited<ReturnType<TestApi["newOrg"]>>;
  let b: Awaited<ReturnType<TestApi["newOrg"]>>;
  let ids: Ids;
  let checkToken: string;
  /** Names only organization A holds: no answer to another caller may contain them. */
  const SECRETS = ["Annabel", "Secret Group A", "Secret App A", "secret-app-key", "Secret Role A"];

  const send = async (
    route: Route,
    headers: Record<string, string>,
    /** Sends a body that is not JSON where the route takes one. */
    malformed = false,
  ): Promise<{ status: number; code?: string; text: string }> => {
    const { query, body } = requestFor(route, ids);
    const res = await api.app.inject({
      method: route.method,
      url: urlFor(route, ids, query),
      headers: { ...headers, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { payload: malformed ? '{"name": ' : JSON.stringify(body) }),
    });
    let code: string | undefined;
    try {
      code = JSON.parse(res.body).code;
    } catch {}
    return { status: res.statusCode, ...(code !== undefined && { code }), text: res.body };
  };

  /** A's revision and audit trail: what every refused call must leave as it was. */
  const fingerprint = async () => {
    const org = await api.call(a.token, "GET", "/api/v1/organization");
    const audit = await api.call(a.token, "GET", "/api/v1/audit?limit=500");
    assert.equal(org.status, 200, org.text);
    assert.equal(audit.status, 200, audit.text);
    return { revision: org.body.revision, audit: audit.body.entries.length };
  };

  const signIn = async (email: string, userId: string): Promise<{ cookie: string; csrf: string }> => {
    const link = await api.call(a.token, "POST", `/api/v1/users/${userId}/password-link`, { email: false });
    assert.equal(link.status, 201, link.text);
    const url = new URL(link.body.url);
    const token = url.searchParams.get("token") ?? url.hash.replace(/^#token=/, "");
    const set = await api.call(null, "POST", "/api/v1/auth/password", {
      token,
      password: "a long enough password",
    });
    assert.ok(set.status < 300, set.text);
    const res = await api.app.inject({
      method: "POST",
      url: "/api/v1/auth/sign-in",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email, password: "a long enough password" }),
    });
    assert.equal(res.statusCode, 200, res.body);
    return { cookie: String(res.headers["set-cookie"]).split(";")[0]!, csrf: JSON.parse(res.body).csrfToken };
  };

  before(async () => {
    api = await startApi(store());
    const doc = (await api.call(null, "GET", "/api/openapi.json")).body;
    routes = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, ops]) =>
      Object.entries<{ requestBody?: unknown }>(ops as never).map(([m, op]) => ({
        method: m.toUpperCase() as Method,
        path,
        body: op.requestBody !== undefined,
      })),
    );
    a = await api.newOrg();
    b = await api.newOrg();
    const w = async (method: Method, url: string, body: unknown) => {
      const res = await api.call(a.token, method, url, body);
      assert.ok(res.status < 300, `${method} ${url}: ${res.text}`);
      return res.body;
    };
    const user = (await w("POST", "/api/v1/users", { email: `annabel@${a.slug}.test`, firstName: "Annabel" }))
      .user;
    const group = (await w("POST", "/api/v1/groups", { name: "Secret Group A", userIds: [user.id] })).group;
    const app = (
      await w("POST", "/api/v1/resources", { type: "app", key: "secret-app-key", name: "Secret App A" })
    ).resource;
    const dataset = (await w("POST", "/api/v1/resources", { type: "dataset", key: "ds", name: "Sales rows" }))
      .resource;
    const rule = (
      await w("POST", "/api/v1/rules", {
        subject: { kind: "group", id: group.id },
        role: { role: "Reader" },
        scope: { kind: "resource", resourceId: app.id },
      })
    ).rules[0].rule;
    const role = (
      await w("POST", "/api/v1/roles", {
        type: "app",
        name: "Secret Role A",
        capabilities: ["view", "manage"],
      })
    ).role;
    const filter = (
      await w("PUT", "/api/v1/filters", {
        subject: { kind: "group", id: group.id },
        resourceId: dataset.id,
        expression: "region = EMEA",
      })
    ).filter;
    const delegation = (
      await w("POST", "/api/v1/delegations", {
        userId: user.id,
        scope: { kind: "resource", resourceId: app.id },
      })
    ).delegation;
    const token = await w("POST", "/api/v1/tokens", { name: "checker", scopes: ["check"] });
    checkToken = token.token;
    ids = {
      user: user.id,
      group: group.id,
      app: app.id,
      dataset: dataset.id,
      rule: rule.id,
      role: role.id,
      filter: filter.id,
      delegation: delegation.id,
      token: token.id,
    };
    assert.ok(routes.length >= 60, `the OpenAPI document lists ${routes.length} routes`);
    for (const route of routes) requestFor(route, ids); // every route has its request
  });
  after(() => api.close());

  test("without credentials every route but sign-in and the password links answers 401", async () => {
    const before = await fingerprint();
    for (const route of routes) {
      const res = await send(route, {});
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key)) {
        assert.notEqual(res.code, "auth.unauthenticated", `${key}: ${res.text}`);
        continue;
      }
      assert.equal(res.status, 401, `${key}: ${res.text}`);
      assert.equal(res.code, "auth.unauthenticated", key);
    }
    assert.deepEqual(await fingerprint(), before);
  });

  test("a property no route knows, in any body, is refused with request.invalid, naming it, and nothing is written", async () => {
    const before = await fingerprint();
    let objects = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const { query, body } = requestFor(route, ids);
      if (OPERATOR.has(key) || !route.body || typeof body !== "object" || Array.isArray(body)) continue;
      objects++;
      const res = await api.app.inject({
        method: route.method,
        url: urlFor(route, ids, query),
        headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json" },
        payload: JSON.stringify({ ...body, colour: "red" }),
      });
      assert.equal(res.statusCode, 400, `${key}: ${res.statusCode} ${res.body}`);
      const problem = JSON.parse(res.body);
      assert.equal(problem.code, "request.invalid", `${key}: ${res.body}`);
      assert.match(problem.detail, /colour/, key);
    }
    assert.ok(objects >= 30, `${objects} routes take an object body`);
    assert.deepEqual(await fingerprint(), before);
  });

  test("without credentials a malformed body answers 401 too: nobody learns how a body is read", async () => {
    let withBody = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key) || requestFor(route, ids).body === undefined) continue;
      withBody++;
      const res = await send(route, {}, true);
      assert.deepEqual([res.status, res.code], [401, "auth.unauthenticated"], `${key}: ${res.text}`);
    }
    assert.ok(withBody >= 30, `${withBody} routes take a body`);
    const signIn = routes.find((r) => `${r.method} ${r.path}` === "POST /api/v1/auth/sign-in")!;
    const res = await send(signIn, {}, true);
    assert.deepEqual([res.status, res.code], [400, "request.invalid"], "a public route reads its body");
  });

  test("the operator token creates and lists organizations, and nothing inside one", async () => {
    const before = await fingerprint();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (OPERATOR.has(key) || PUBLIC.has(key) || SELF.has(key)) continue;
      const res = await send(route, { authorization: `Bearer ${OPERATOR_TOKEN}` });
      assert.ok(res.status === 401 || res.status === 403, `${key}: ${res.status} ${res.text}`);
      assert.match(res.code ?? "", /^auth\./, key);
    }
    assert.deepEqual(await fingerprint(), before);
  });

  test("a check-only token checks, and is refused everything else with auth.forbidden, before its body is read", async () => {
    const before = await fingerprint();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key) || SELF.has(key)) continue;
      const res = await send(route, { authorization: `Bearer ${checkToken}` });
      if (route.path.startsWith("/api/v1/access/")) {
        assert.equal(res.status, 200, `${key}: ${res.text}`);
        continue;
      }
      assert.equal(res.status, 403, `${key}: ${res.text}`);
      assert.equal(res.code, "auth.forbidden", key);
      if (requestFor(route, ids).body === undefined) continue;
      const malformed = await send(route, { authorization: `Bearer ${checkToken}` }, true);
      assert.deepEqual(
        [malformed.status, malformed.code],
        [403, "auth.forbidden"],
        `${key}: ${malformed.text}`,
      );
    }
    assert.deepEqual(await fingerprint(), before);
    // Only the operator creates organizations: an admin token is refused before its body is read too.
    const create = routes.find((r) => `${r.method} ${r.path}` === "POST /api/v1/organizations")!;
    const res = await send(create, { authorization: `Bearer ${a.token}` }, true);
    assert.deepEqual([res.status, res.code], [403, "auth.forbidden"], res.text);
  });

  test("another organization's admin token finds none of this organization's ids and sees none of its data", async () => {
    const before = await fingerprint();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key) || OPERATOR.has(key) || SELF.has(key)) continue;
      const res = await send(route, { authorization: `Bearer ${b.token}` });
      for (const secret of SECRETS)
        assert.ok(!res.text.includes(secret), `${key} showed "${secret}": ${res.text}`);
      if (key === "POST /api/v1/access/check/batch") {
        // A batch answers per item: A's user is unknown here.
        assert.equal(res.status, 200, res.text);
        assert.equal(JSON.parse(res.text).results[0].error, "user.not_found");
        continue;
      }
      const aimsAtA =
        route.path.includes("{id}") ||
        /"(usr|grp|res|rul|rol|flt|dlg)_/.test(JSON.stringify(requestFor(route, ids)));
      if (aimsAtA && !route.path.includes("{what}")) {
        assert.ok(res.status === 404 || res.status === 400, `${key}: ${res.status} ${res.text}`);
      }
    }
    assert.deepEqual(await fingerprint(), before);
  });

  test("a console session must send its CSRF token with every write", async () => {
    const owner = await signIn(a.adminEmail, a.adminId);
    const before = await fingerprint();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (route.method === "GET" || PUBLIC.has(key)) continue;
      const res = await send(route, { cookie: owner.cookie });
      assert.equal(res.status, 403, `${key}: ${res.text}`);
      assert.equal(res.code, "auth.csrf", key);
    }
    assert.deepEqual(await fingerprint(), before);
    // The same session with its token may write.
    const ok = await send(
      { method: "PATCH", path: "/api/v1/groups/{id}", body: true },
      { cookie: owner.cookie, "x-csrf-token": owner.csrf },
    );
    assert.equal(ok.status, 200, ok.text);
    await api.call(a.token, "PATCH", `/api/v1/groups/${ids.group}`, { name: "Secret Group A" });
  });

  test("a member with nothing to administer is refused every administrative route", async () => {
    const email = `plain@${a.slug}.test`;
    const member = (await api.call(a.token, "POST", "/api/v1/users", { email })).body.user;
    const session = await signIn(email, member.id);
    const before = await fingerprint();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key) || SELF.has(key)) continue;
      const res = await send(route, { cookie: session.cookie, "x-csrf-token": session.csrf });
      assert.equal(res.status, 403, `${key}: ${res.text}`);
      assert.equal(res.code, "auth.forbidden", key);
    }
    assert.deepEqual(await fingerprint(), before);
  });
});

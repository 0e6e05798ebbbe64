import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Worker } from "node:worker_threads";
import {
  createGroup,
  createResource,
  inviteUser,
  setDataFilter,
  setRules,
} from "../../src/commands/index.ts";
import type { OrgId } from "../../src/domain/index.ts";
import { describeBackends } from "../support/backends.ts";
import { OPERATOR_TOKEN, startApi, type TestApi } from "../support/http.ts";

// Batches are answered by the main thread, or by a check thread (`roster serve`'s default on a
// machine with a core to spare): the same tests, both ways.
for (const checkThreads of [0, 1]) {
  describeBackends(`HTTP: check API${checkThreads ? ", batches on a check thread" : ""}`, (store) => {
    let api: TestApi;
    let org: Awaited<ReturnType<TestApi["newOrg"]>>;
    let revision = 0;
    let teamId = "";
    before(async () => {
      api = await startApi(store(), { checkThreads });
      org = await api.newOrg();
      const ctx = {
        store: store(),
        orgId: org.orgId as OrgId,
        actor: { kind: "system", id: null, label: "test" } as const,
        authority: { kind: "owner" } as const,
      };
      const app = (await createResource(ctx, { type: "app", key: "finance", name: "Finance" })).value
        .resource;
      const orders = (await createResource(ctx, { type: "dataset", key: "orders", name: "Orders" })).value
        .resource;
      const alice = (await inviteUser(ctx, { email: "alice@x.test", attributes: { region: ["EMEA"] } })).value
        .user;
      const team = (await createGroup(ctx, { name: "EMEA team", userIds: [alice.id] })).value.group;
      teamId = team.id;
      await setRules(ctx, {
        subject: { kind: "group", id: team.id },
        role: { role: "Writer" },
        scope: { kind: "resource", resourceId: app.id },
      });
      await setRules(ctx, {
        subject: { kind: "group", id: team.id },
        role: { role: "Viewer" },
        scope: { kind: "resource", resourceId: orders.id },
      });
      revision = (
        await setDataFilter(ctx, {
          subject: { kind: "group", id: team.id },
          resourceId: orders.id,
          predicate: { op: "eq", column: "region", value: { attr: "region" } },
        })
      ).revision;
    });
    after(async () => api.close());

    test("a check by email and resource key answers allowed or denied, at least at a given revision", async () => {
      const yes = await api.call(org.token, "POST", "/api/v1/access/check", {
        user: "ALICE@x.test",
        resource: "finance",
        type: "app",
        capability: "edit",
        atLeastRevision: revision,
      });
      assert.equal(yes.status, 200);
      assert.deepEqual(yes.body, { allowed: true, revision });
      const no = await api.call(org.token, "POST", "/api/v1/access/check", {
        user: "alice@x.test",
        resource: "finance",
        type: "app",
        capability: "manage",
      });
      assert.deepEqual(no.body, { allowed: false, revision });
    });

    test("a batch answers each check in order, with an error code for unknown users", async () => {
      const res = await api.call(org.token, "POST", "/api/v1/access/check/batch", {
        checks: [
          { user: "alice@x.test", resource: "finance", type: "app", capability: "view" },
          { user: "ghost@x.test", resource: "finance", type: "app", capability: "view" },
          { user: "alice@x.test", resource: "finance", type: "app", capability: "manage" },
        ],
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.results, [
        { allowed: true },
        { allowed: false, error: "user.not_found" },
        { allowed: false },
      ]);
      const tooMany = await api.call(org.token, "POST", "/api/v1/access/check/batch", {
        checks: Array.from({ length: 1001 }, () => ({ user: "a", resource: "b", capability: "c" })),
      });
      assert.equal(tooMany.status, 400);
      assert.equal(tooMany.body.code, "request.invalid");
      // Lengths are checked: an email may have 320 characters, not 321.
      const check = (user: string) =>
        api.call(org.token, "POST", "/api/v1/access/check", {
          user,
          resource: "finance",
          type: "app",
          capability: "view",
        });
      const longest = `${"a".repeat(309)}@x.test.com`;
      assert.equal(longest.length, 320);
      assert.equal((await check(longest)).body.code, "user.not_found");
      const tooLong = await check(`a${longest}`);
      assert.equal(tooLong.status, 400);
      assert.equal(tooLong.body.code, "request.invalid");
    });

    test("a batch at least at a write's revision sees that write; one never reached is a 504", async () => {
      const editFinance = (user: string) => ({ user, resource: "finance", type: "app", capability: "edit" });
      const batch = (atLeastRevision?: number) =>
        api.call(org.token, "POST", "/api/v1/access/check/batch", {
          checks: [editFinance("dee@x.test"), editFinance("alice@x.test")],
          ...(atLeastRevision !== undefined && { atLeastRevision }),
        });
      const dee = await api.call(org.token, "POST", "/api/v1/users", { email: "dee@x.test" });
      assert.equal(dee.status, 201, dee.text);
      const invited = await batch(dee.body.revision);
      assert.equal(invited.status, 200, invited.text);
      assert.deepEqual(invited.body, {
        results: [{ allowed: false }, { allowed: true }],
        revision: dee.body.revision,
      });
      const joined = await api.call(org.token, "POST", `/api/v1/groups/${teamId}/members`, {
        userIds: [dee.body.user.id],
      });
      assert.equal(joined.status, 200, joined.text);
      assert.deepEqual((await batch(joined.body.revision)).body.results, [
        { allowed: true },
        { allowed: true },
      ]);
      const left = await api.call(org.token, "POST", `/api/v1/groups/${teamId}/members/remove`, {
        userIds: [dee.body.user.id],
      });
      assert.equal(left.status, 200, left.text);
      assert.deepEqual((await batch(left.body.revision)).body.results, [
        { allowed: false },
        { allowed: true },
      ]);
      const never = await batch(left.body.revision + 1000);
      assert.equal(never.status, 504, never.text);
      assert.equal(never.body.code, "revision.timeout");
    });

    test("effective access, lists, explain and the data filter", async () => {
      const eff = await api.call(
        org.token,
        "GET",
        "/api/v1/access/effective?user=alice@x.test&resource=finance&type=app",
      );
      assert.deepEqual([eff.body.role, eff.body.capabilities], ["Writer", ["view", "edit"]]);
      const resources = await api.call(
        org.token,
        "GET",
        "/api/v1/access/resources?user=alice@x.test&type=app&capability=edit",
      );
      assert.deepEqual(
        resources.body.resources.map((r: { key: string }) => r.key),
        ["finance"],
      );
      const users = await api.call(
        org.token,
        "GET",
        "/api/v1/access/users?resource=finance&type=app&capability=edit",
      );
      assert.deepEqual(
        users.body.users.map((u: { email: string }) => u.email).sort(),
        [org.adminEmail, "alice@x.test"].sort(),
      );
      const why = await api.call(
        org.token,
        "GET",
        "/api/v1/access/explain?user=alice@x.test&resource=finance&type=app",
      );
      assert.deepEqual(
        why.body.contributions.map((c: { text: string }) => c.text),
        ["alice@x.test -> EMEA team: Writer on Finance"],
      );
      const filter = await api.call(
        org.token,
        "GET",
        "/api/v1/access/filter?user=alice@x.test&resource=orders&placeholder=question",
      );
      assert.deepEqual(
        [filter.body.access, filter.body.sql, filter.body.params],
        ["filtered", '"region" = ?', ["EMEA"]],
      );
      const admin = await api.call(
        org.token,
        "GET",
        `/api/v1/access/filter?user=${org.adminEmail}&resource=orders`,
      );
      assert.equal(admin.body.access, "unfiltered");
    });

    test("bad input gets a problem with a stable code", async () => {
      const cases: [string, string, unknown, number, string][] = [
        ["POST", "/api/v1/access/check", "{not json", 400, "request.invalid"],
        ["POST", "/api/v1/access/check", "", 400, "request.invalid"],
        [
          "POST",
          "/api/v1/access/check",
          '{"user":"alice@x.test","resource":"finance","type":"app","capability":"view","__proto__":{"admin":true}}',
          400,
          "request.invalid",
        ],
        [
          "POST",
          "/api/v1/access/check/batch",
          '{"checks":[{"user":"alice@x.test","resource":"finance","type":"app","capability":"view","constructor":{"prototype":{}}}]}',
          400,
          "request.invalid",
        ],
        ["POST", "/api/v1/access/check", { user: "alice@x.test" }, 400, "request.invalid"],
        ["POST", "/api/v1/access/check/batch", "{not json", 400, "request.invalid"],
        ["POST", "/api/v1/access/check/batch", "", 400, "request.invalid"],
        ["POST", "/api/v1/access/check/batch", { checks: [] }, 400, "request.invalid"],
        [
          "POST",
          "/api/v1/access/check/batch",
          { checks: [{ user: "a", resource: "b" }] },
          400,
          "request.invalid",
        ],
        [
          "POST",
          "/api/v1/access/check/batch",
          { checks: [], atLeastRevision: "soon" },
          400,
          "request.invalid",
        ],
        [
          "POST",
          "/api/v1/access/check",
          { user: "alice@x.test", resource: "nope", type: "app", capability: "view" },
          404,
          "resource.not_found",
        ],
        [
          "POST",
          "/api/v1/access/check",
          { user: "alice@x.test", resource: "finance", type: "app", capability: "fly" },
          400,
          "capability.unknown",
        ],
        [
          "POST",
          "/api/v1/access/check",
          { user: "alice@x.test", resource: "finance", type: "app", capability: "view", atLeastRevision: -1 },
          400,
          "request.invalid",
        ],
        ["GET", "/api/v1/nowhere", undefined, 404, "route.not_found"],
      ];
      for (const [method, url, body, status, code] of cases) {
        const res = await api.call(org.token, method as "GET", url, body);
        assert.equal(res.status, status, `${method} ${url} ${JSON.stringify(body)}: ${res.text}`);
        assert.equal(res.body.code, code);
        assert.match(String(res.headers["content-type"]), /application\/problem\+json/);
      }
      // A batch's validation reads as every route's: the item and what is wrong with it.
      const unknownKey = await api.call(org.token, "POST", "/api/v1/access/check/batch", {
        checks: [{ user: "alice@x.test", resource: "finance", capability: "view", colour: "red" }],
      });
      assert.equal(
        unknownKey.body.detail,
        "Invalid request: /checks/0 must NOT have additional properties: colour",
      );
      // A JSON body's types are not coerced (a query string's are: it is text).
      const five = { user: 5, resource: "finance", type: "app", capability: "view" };
      const single = await api.call(org.token, "POST", "/api/v1/access/check", five);
      assert.equal(single.status, 400, single.text);
      assert.equal(single.body.detail, "Invalid request: /user must be string");
      const batched = await api.call(org.token, "POST", "/api/v1/access/check/batch", { checks: [five] });
      assert.equal(batched.body.detail, "Invalid request: /checks/0/user must be string");
      const notArray = await api.call(org.token, "POST", "/api/v1/access/check/batch", { checks: five });
      assert.equal(notArray.body.detail, "Invalid request: /checks must be array");
      const missing = await api.call(org.token, "POST", "/api/v1/access/check/batch", {
        checks: [{ user: "a" }],
      });
      assert.equal(missing.body.detail, "Invalid request: /checks/0 must have required property 'resource'");
      // A GET's parameters are its query: the detail says so.
      for (const route of ["effective", "explain", "filter", "users"]) {
        const noResource = await api.call(org.token, "GET", `/api/v1/access/${route}?user=alice@x.test`);
        assert.equal(noResource.status, 400, noResource.text);
        assert.match(noResource.body.detail, /^Invalid request: query must have required property '\w+'$/);
      }
      const big = await api.call(org.token, "POST", "/api/v1/access/check/batch", {
        checks: [{ user: "x".repeat(2_000_000), resource: "r", capability: "c" }],
      });
      assert.equal(big.status, 413);
      assert.equal(big.body.code, "request.too_large");
    });

    test("no token, a bad token, the operator token and another organization's token are refused", async () => {
      const body = { user: "alice@x.test", resource: "finance", type: "app", capability: "view" };
      assert.equal(
        (await api.call(null, "POST", "/api/v1/access/check", body)).body.code,
        "auth.unauthenticated",
      );
      assert.equal(
        (
          await api.call(
            "rst_aaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            "POST",
            "/api/v1/access/check",
            body,
          )
        ).status,
        401,
      );
      assert.equal((await api.call(OPERATOR_TOKEN, "POST", "/api/v1/access/check", body)).status, 403);
      const other = await api.newOrg();
      const res = await api.call(other.token, "POST", "/api/v1/access/check", body);
      assert.equal(res.status, 404, "alice does not exist in the other organization");
      assert.equal(res.body.code, "user.not_found");
    });

    test("a revision that never comes answers 504 revision.timeout", { timeout: 20_000 }, async () => {
      const res = await api.call(org.token, "POST", "/api/v1/access/check", {
        user: "alice@x.test",
        resource: "finance",
        type: "app",
        capability: "view",
        atLeastRevision: revision + 1000,
      });
      assert.equal(res.status, 504);
      assert.equal(res.body.code, "revision.timeout");
    });

    test("checks, single or batched, record the user's last activity once a minute, in the background", async () => {
      const ctx = {
        store: store(),
        orgId: org.orgId as OrgId,
        actor: { kind: "system", id: null, label: "test" } as const,
        authority: { kind: "owner" } as const,
      };
      const bo = (await inviteUser(ctx, { email: "bo@x.test" })).value.user;
      const cy = (await inviteUser(ctx, { email: "cy@x.test" })).value.user;
      await api.activity.flush();
      const lastActive = async (id: string) =>
        (await api.call(org.token, "GET", `/api/v1/users/${id}`)).body.user.lastActiveAt as string | null;
      const one = (user: string) => ({ user, resource: "finance", type: "app", capability: "view" });
      assert.equal((await api.call(org.token, "POST", "/api/v1/access/check", one("bo@x.test"))).status, 200);
      const batch = { checks: [one("cy@x.test"), one("bo@x.test"), one("cy@x.test")] };
      assert.equal((await api.call(org.token, "POST", "/api/v1/access/check/batch", batch)).status, 200);
      assert.equal(api.activity.backlog, 2, "each user once, however many checks");
      assert.equal(await lastActive(bo.id), null, "nothing is written on the check's path");
      await api.activity.flush();
      assert.ok(await lastActive(bo.id));
      assert.ok(await lastActive(cy.id));
      await api.call(org.token, "POST", "/api/v1/access/check/batch", batch);
      assert.equal(api.activity.backlog, 0, "seen within the minute: nothing more to write");
    });

    test("a resource id with another type's name is a type mismatch; no access is not a custom role", async () => {
      const app = await api.call(
        org.token,
        "GET",
        "/api/v1/access/effective?user=alice@x.test&resource=finance&type=app",
      );
      assert.equal(app.status, 200, app.text);
      const appId = app.body.resource as string;
      const wrongType = await api.call(org.token, "POST", "/api/v1/access/check", {
        user: "alice@x.test",
        resource: appId,
        type: "dataset",
        capability: "view",
      });
      assert.equal(wrongType.status, 400, wrongType.text);
      assert.equal(wrongType.body.code, "resource.type_mismatch");
      assert.equal(wrongType.body.detail, `${appId} is an app, not a dataset.`);
      const noSuchType = await api.call(org.token, "POST", "/api/v1/access/check", {
        user: "alice@x.test",
        resource: "finance",
        type: "spaceship",
        capability: "view",
      });
      assert.deepEqual([noSuchType.status, noSuchType.body.code], [404, "resource_type.not_found"]);
      const byId = await api.call(org.token, "POST", "/api/v1/access/check", {
        user: "alice@x.test",
        resource: appId,
        type: "app",
        capability: "view",
      });
      assert.equal(byId.body.allowed, true);
      // A user with nothing:
      const bob = await api.call(org.token, "POST", "/api/v1/users", { email: "bob@x.test" });
      assert.equal(bob.status, 201, bob.text);
      const nothing = await api.call(
        org.token,
        "GET",
        `/api/v1/access/effective?user=bob@x.test&resource=finance&type=app&atLeastRevision=${bob.body.revision}`,
      );
      assert.deepEqual(
        { capabilities: nothing.body.capabilities, role: nothing.body.role, custom: nothing.body.custom },
        { capabilities: [], role: null, custom: false },
      );
    });

    test("a check body sent as text/plain is 415; the bearer scheme is read in any case", async () => {
      const plain = await api.app.inject({
        method: "POST",
        url: "/api/v1/access/check",
        headers: { authorization: `Bearer ${org.token}`, "content-type": "text/plain" },
        payload: JSON.stringify({
          user: "alice@x.test",
          resource: "finance",
          type: "app",
          capability: "view",
        }),
      });
      assert.equal(plain.statusCode, 415, plain.body);
      // No body and no content type: the same words on both routes.
      for (const url of ["/api/v1/access/check", "/api/v1/access/check/batch"]) {
        const none = await api.app.inject({
          method: "POST",
          url,
          headers: { authorization: `Bearer ${org.token}` },
        });
        assert.equal(none.statusCode, 400, none.body);
        assert.equal(JSON.parse(none.body).detail, "Invalid request: body must be object");
      }
      assert.equal(JSON.parse(plain.body).code, "request.unsupported_media_type");
      const lower = await api.app.inject({
        method: "POST",
        url: "/api/v1/access/check",
        headers: { authorization: `bearer ${org.token}`, "content-type": "application/json" },
        payload: JSON.stringify({
          user: "alice@x.test",
          resource: "finance",
          type: "app",
          capability: "view",
        }),
      });
      assert.equal(lower.statusCode, 200, lower.body);
      assert.equal(JSON.parse(lower.body).allowed, true);
    });

    test("the OpenAPI document lists the check routes' errors with their problem shape", async () => {
      const doc = (await api.call(null, "GET", "/api/openapi.json")).body;
      for (const path of ["/api/v1/access/check", "/api/v1/access/check/batch"]) {
        const responses = doc.paths[path].post.responses;
        for (const status of ["400", "401", "403", "404", "413", "415", "504"]) {
          const schema = Object.values(responses[status]?.content ?? {})[0] as {
            schema?: { required?: string[] };
          };
          assert.ok(schema?.schema?.required?.includes("code"), `${path} ${status}`);
        }
      }
    });

    test("a check thread answers as the main thread; when it stops, the main thread answers", {
      skip: checkThreads === 0,
    }, async () => {
      const users = ["alice@x.test", org.adminEmail, "ghost@x.test", "dee@x.test"];
      const resources = [
        ["finance", "app"],
        ["orders", "dataset"],
        ["finance", "dataset"],
        ["nope", "app"],
      ];
      const capabilities = ["view", "edit", "manage", "fly"];
      const checks = users.flatMap((user) =>
        resources.flatMap(([resource, type]) =>
          capabilities.map((capability) => ({ user, resource, type, capability })),
        ),
      );
      const one = async (item: (typeof checks)[number]) => {
        const res = await api.call(org.token, "POST", "/api/v1/access/check", item);
        return res.status === 200 ? { allowed: res.body.allowed } : { allowed: false, error: res.body.code };
      };
      const expected = await Promise.all(checks.map(one));
      assert.ok(expected.some((r) => r.allowed) && expected.some((r) => "error" in r));
      const threaded = await api.checks!.answer(org.orgId as OrgId, JSON.stringify({ checks }));
      assert.equal(threaded?.answer?.kind, "answered");
      const json = threaded?.answer?.kind === "answered" ? threaded.answer.json : "{}";
      assert.deepEqual(JSON.parse(json).results, expected);
      // A thread that dies (here: stopped from outside) leaves its batches to the main thread.
      const { threads } = api.checks as unknown as { threads: { worker: Worker }[] };
      await threads[0]!.worker.terminate();
      assert.equal(api.checks!.running, 0);
      const res = await api.call(org.token, "POST", "/api/v1/access/check/batch", { checks });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.results, expected);
    });
  });
}

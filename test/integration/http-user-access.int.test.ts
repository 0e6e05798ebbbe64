import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

type Org = Awaited<ReturnType<TestApi["newOrg"]>>;
type Row = {
  resource: { id: string; key: string; name: string };
  capabilities: string[];
  role: string | null;
  custom: boolean;
  filter?: { access: string; sql?: string; params?: unknown[] };
};

/** GET /users/:id/access: the user page's effective access, resource by resource, from the access index. */
describeBackends("HTTP: a user's access on every resource", (store) => {
  let api: TestApi;
  let org: Org;
  const ids: Record<string, string> = {};

  const post = async (url: string, body: unknown, status = 201) => {
    const res = await api.call(org.token, "POST", url, body);
    assert.equal(res.status, status, `${url}: ${res.text}`);
    return res.body;
  };
  const access = async (userId: string, query: string) => {
    const res = await api.call(org.token, "GET", `/api/v1/users/${userId}/access?${query}`);
    assert.equal(res.status, 200, res.text);
    return res.body as { resources: Row[]; total: number; nextCursor: string | null; user: { role: string } };
  };
  const names = (page: { resources: Row[] }) => page.resources.map((r) => `${r.resource.name}: ${r.role}`);

  before(async () => {
    api = await startApi(store());
    org = await api.newOrg();
    for (const [key, name] of [
      ["fin", "Finance"],
      ["mkt", "Marketing"],
      ["zeta", "Zeta"],
      ["ops", "operations"],
    ] as const) {
      ids[key] = (await post("/api/v1/resources", { type: "app", key, name })).resource.id;
    }
    ids.orders = (
      await post("/api/v1/resources", { type: "dataset", key: "orders", name: "Orders" })
    ).resource.id;
    ids.alice = (
      await post("/api/v1/users", {
        email: "alice@x.test",
        firstName: "Alice",
        attributes: { region: ["EMEA"] },
      })
    ).user.id;
    ids.analysts = (await post("/api/v1/groups", { name: "Analysts", userIds: [ids.alice] })).group.id;
    ids.emea = (await post("/api/v1/groups", { name: "EMEA team", groupIds: [ids.analysts] })).group.id;
    const rule = (subject: object, role: string, resourceId: string) =>
      post("/api/v1/rules", { subject, role: { role }, scope: { kind: "resource", resourceId } });
    await rule({ kind: "group", id: ids.emea }, "Writer", ids.fin!);
    await rule({ kind: "user", id: ids.alice }, "Reader", ids.mkt!);
    await rule({ kind: "user", id: ids.alice }, "Reader", ids.ops!);
    await rule({ kind: "group", id: ids.emea }, "Viewer", ids.orders!);
    const filter = await api.call(org.token, "PUT", "/api/v1/filters", {
      subject: { kind: "group", id: ids.emea },
      resourceId: ids.orders,
      expression: "region = {{user.region}}",
    });
    assert.equal(filter.status, 200, filter.text);
  });
  after(async () => api.close());

  test("a member sees the resources they can use, by name, each with its highest named role", async () => {
    const page = await access(ids.alice!, "type=app");
    assert.deepEqual(names(page), ["Finance: Writer", "Marketing: Reader", "operations: Reader"]);
    assert.equal(page.total, 3);
    assert.equal(page.nextCursor, null);
    assert.equal(page.user.role, "member");
    assert.deepEqual(page.resources[0]!.capabilities, ["view", "edit"]);
    assert.equal(page.resources[0]!.custom, false);
    assert.equal(page.resources[0]!.filter, undefined, "only datasets carry a filter");
  });

  test("pages follow the cursor to the end; q searches names and keys", async () => {
    const first = await access(ids.alice!, "type=app&limit=2");
    assert.deepEqual(names(first), ["Finance: Writer", "Marketing: Reader"]);
    assert.equal(first.total, 3);
    assert.ok(first.nextCursor);
    const second = await access(ids.alice!, `type=app&limit=2&cursor=${first.nextCursor}`);
    assert.deepEqual(names(second), ["operations: Reader"]);
    assert.equal(second.nextCursor, null);
    assert.deepEqual(names(await access(ids.alice!, "type=app&q=FIN")), ["Finance: Writer"]);
    assert.deepEqual(names(await access(ids.alice!, "type=app&q=mkt")), ["Marketing: Reader"]);
  });

  test("a dataset row carries the user's row filter, resolved with their attributes", async () => {
    const page = await access(ids.alice!, "type=dataset");
    assert.equal(page.resources.length, 1);
    const row = page.resources[0]!;
    assert.equal(row.role, "Viewer");
    assert.equal(row.filter?.access, "filtered");
    assert.match(row.filter?.sql ?? "", /"region" = \$1/);
    assert.deepEqual(row.filter?.params, ["EMEA"]);
  });

  test("an administrator has every resource as Manager; a deactivated user has none (read at once)", async () => {
    const admin = await access(org.adminId, "type=app");
    assert.deepEqual(names(admin), [
      "Finance: Manager",
      "Marketing: Manager",
      "operations: Manager",
      "Zeta: Manager",
    ]);
    assert.equal(admin.user.role, "owner");
    const bob = (await post("/api/v1/users", { email: "bob@x.test", groupIds: [ids.analysts] })).user.id;
    assert.equal((await access(bob, "type=app")).total, 1);
    const off = await api.call(org.token, "PATCH", `/api/v1/users/${bob}`, { status: "deactivated" });
    assert.equal(off.status, 200, off.text);
    const page = await access(bob, "type=app");
    assert.deepEqual([page.resources, page.total], [[], 0]);
  });

  test("unknown users, types and cursors are refused with their codes; other tokens see nothing", async () => {
    const get = (url: string, token = org.token) => api.call(token, "GET", url);
    const cases: [string, number, string][] = [
      [`/api/v1/users/nope/access?type=app`, 404, "user.not_found"],
      [`/api/v1/users/${ids.alice}/access?type=spaceship`, 404, "resource_type.not_found"],
      [`/api/v1/users/${ids.alice}/access?type=app&cursor=garbage`, 400, "request.invalid"],
      [`/api/v1/users/${ids.alice}/access`, 400, "request.invalid"],
    ];
    for (const [url, status, code] of cases) {
      const res = await get(url);
      assert.deepEqual([res.status, res.body.code], [status, code], url);
    }
    const other = await api.newOrg();
    const stranger = await get(`/api/v1/users/${ids.alice}/access?type=app`, other.token);
    assert.deepEqual([stranger.status, stranger.body.code], [404, "user.not_found"]);
    const check = await api.call(org.token, "POST", "/api/v1/tokens", { name: "checker", scopes: ["check"] });
    const refused = await get(`/api/v1/users/${ids.alice}/access?type=app`, check.body.token);
    assert.deepEqual([refused.status, refused.body.code], [403, "auth.forbidden"]);
  });
});

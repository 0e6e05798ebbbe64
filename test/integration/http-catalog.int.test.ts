import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DEFAULT_CATALOG } from "../../src/domain/index.ts";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

type Org = Awaited<ReturnType<TestApi["newOrg"]>>;

describeBackends("HTTP: catalog, roles and resources", (store) => {
  let api: TestApi;
  let org: Org;
  let other: Org;
  const revision = async (o: Org = org) =>
    (await api.call(o.token, "GET", "/api/v1/organization")).body.revision as number;

  before(async () => {
    api = await startApi(store());
    org = await api.newOrg();
    other = await api.newOrg();
  });
  after(async () => api.close());

  test("the catalog lists every type with its capabilities, their dependencies and its roles in order", async () => {
    const res = await api.call(org.token, "GET", "/api/v1/resource-types");
    assert.equal(res.status, 200);
    const types = res.body.resourceTypes as {
      key: string;
      capabilities: { key: string; requires: string[] }[];
      roles: { id: string; name: string; capabilities: string[]; builtin: boolean }[];
    }[];
    assert.deepEqual(
      types.map((t) => t.key),
      DEFAULT_CATALOG.map((t) => t.key),
    );
    const site = types.find((t) => t.key === "site")!;
    assert.deepEqual(site.capabilities.find((c) => c.key === "explore_data")!.requires, ["read_data"]);
    assert.deepEqual(site.capabilities.find((c) => c.key === "handle_data")!.requires, ["explore_data"]);
    assert.deepEqual(
      site.roles.map((r) => r.name),
      ["Document reader", "Business user", "Analyst", "Advanced analyst"],
    );
    assert.ok(site.roles.every((r) => r.builtin && r.id.startsWith("rol_")));
    assert.deepEqual(site.roles[2]!.capabilities, ["read_data", "explore_data", "handle_data"]);
  });

  test("a new resource type comes with its named roles; a duplicate or an unclosed role is refused", async () => {
    const body = {
      key: "notebook",
      label: "Notebook",
      capabilities: [
        { key: "run", label: "Run" },
        { key: "edit", label: "Edit", requires: ["run"] },
      ],
      roles: [
        { name: "Runner", capabilities: ["run"] },
        { name: "Author", capabilities: ["run", "edit"] },
      ],
    };
    const res = await api.call(org.token, "POST", "/api/v1/resource-types", body);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers["roster-revision"], String(res.body.revision));
    assert.equal(res.body.resourceType.key, "notebook");
    const listed = (await api.call(org.token, "GET", "/api/v1/resource-types")).body.resourceTypes.at(-1);
    assert.equal(listed.key, "notebook");
    assert.deepEqual(
      listed.roles.map((r: { name: string; builtin: boolean }) => [r.name, r.builtin]),
      [
        ["Runner", true],
        ["Author", true],
      ],
    );
    const nb = await api.call(org.token, "POST", "/api/v1/resources", {
      type: "notebook",
      key: "n1",
      name: "Notebook one",
    });
    assert.equal(nb.status, 201);

    const before = await revision();
    const dup = await api.call(org.token, "POST", "/api/v1/resource-types", body);
    assert.deepEqual([dup.status, dup.body.code], [409, "resource_type.key_taken"]);
    const unclosed = await api.call(org.token, "POST", "/api/v1/resource-types", {
      ...body,
      key: "notebook2",
      roles: [{ name: "Editor", capabilities: ["edit"] }],
    });
    assert.deepEqual([unclosed.status, unclosed.body.code], [400, "resource_type.invalid"]);
    assert.equal(await revision(), before);
    assert.equal(
      (await api.call(other.token, "GET", "/api/v1/resource-types")).body.resourceTypes.some(
        (t: { key: string }) => t.key === "notebook",
      ),
      false,
      "another organization's catalog is its own",
    );
  });

  test("a role preview closes the dependencies and names the role the set equals, without writing", async () => {
    const before = await revision();
    const res = await api.call(org.token, "POST", "/api/v1/roles/preview", {
      type: "site",
      capabilities: ["handle_data"],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      type: "site",
      capabilities: ["read_data", "explore_data", "handle_data"],
      equals: "Analyst",
      missing: ["read_data", "explore_data"],
    });
    const custom = await api.call(org.token, "POST", "/api/v1/roles/preview", {
      type: "site",
      capabilities: ["read_data", "setup_tagging"],
    });
    assert.deepEqual([custom.body.equals, custom.body.missing], [null, []]);
    const strict = await api.call(org.token, "POST", "/api/v1/roles/preview", {
      type: "site",
      capabilities: ["explore_data"],
      closeDependencies: false,
    });
    assert.deepEqual(
      [strict.status, strict.body.code, strict.body.details.missing],
      [400, "capability.missing_dependency", ["read_data"]],
    );
    const unknown = await api.call(org.token, "POST", "/api/v1/roles/preview", {
      type: "site",
      capabilities: ["fly"],
    });
    assert.deepEqual([unknown.status, unknown.body.code], [400, "capability.unknown"]);
    const noType = await api.call(org.token, "POST", "/api/v1/roles/preview", {
      type: "spaceship",
      capabilities: [],
    });
    assert.deepEqual([noType.status, noType.body.code], [404, "resource_type.not_found"]);
    assert.equal(await revision(), before);
  });

  test("custom roles: created ('this is Analyst'), renamed, changed, deleted once unused", async () => {
    const before = await revision();
    const missing = await api.call(org.token, "POST", "/api/v1/roles", {
      type: "site",
      name: "Deep diver",
      capabilities: ["handle_data"],
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, "capability.missing_dependency");
    assert.deepEqual(missing.body.details.missing, ["read_data", "explore_data"]);
    assert.match(missing.body.detail, /handle_data cannot be granted without read_data, explore_data/);
    assert.equal(await revision(), before, "a refused role writes nothing");

    const created = await api.call(org.token, "POST", "/api/v1/roles", {
      type: "site",
      name: "Deep diver",
      capabilities: ["handle_data"],
      closeDependencies: true,
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.equals, "Analyst");
    assert.deepEqual(created.body.role.capabilities, ["read_data", "explore_data", "handle_data"]);
    assert.equal(created.body.role.builtin, false);
    assert.equal(created.body.revision, before + 1);
    assert.equal(created.headers["roster-revision"], String(before + 1));
    const id = created.body.role.id as string;
    const site = (await api.call(org.token, "GET", "/api/v1/resource-types")).body.resourceTypes.find(
      (t: { key: string }) => t.key === "site",
    );
    assert.deepEqual(site.roles.at(-1), {
      id,
      name: "Deep diver",
      capabilities: ["read_data", "explore_data", "handle_data"],
      builtin: false,
    });

    const taken = await api.call(org.token, "POST", "/api/v1/roles", {
      type: "site",
      name: "ANALYST",
      capabilities: ["read_data"],
    });
    assert.deepEqual([taken.status, taken.body.code], [409, "role.name_taken"]);

    const changed = await api.call(org.token, "PATCH", `/api/v1/roles/${id}`, {
      name: "Explorer",
      capabilities: ["explore_data", "read_data"],
    });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(
      [changed.body.role.name, changed.body.role.capabilities, changed.body.equals],
      ["Explorer", ["read_data", "explore_data"], "Business user"],
    );
    const builtin = await api.call(org.token, "PATCH", `/api/v1/roles/${site.roles[0].id}`, { name: "X" });
    assert.deepEqual([builtin.status, builtin.body.code], [409, "role.builtin"]);

    // In use by a rule: refused until the rule goes.
    const siteRes = await api.call(org.token, "POST", "/api/v1/resources", {
      type: "site",
      key: "www",
      name: "Web site",
    });
    const rule = await api.call(org.token, "POST", "/api/v1/rules", {
      subject: { kind: "user", id: org.adminId },
      role: { roleId: id },
      scope: { kind: "resource", resourceId: siteRes.body.resource.id },
    });
    assert.equal(rule.status, 201, rule.text);
    const inUse = await api.call(org.token, "DELETE", `/api/v1/roles/${id}`);
    assert.deepEqual([inUse.status, inUse.body.code], [409, "role.in_use"]);
    await api.call(org.token, "DELETE", `/api/v1/rules/${rule.body.rules[0].rule.id}`);
    const deleted = await api.call(org.token, "DELETE", `/api/v1/roles/${id}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal(deleted.body.role.name, "Explorer");
    const again = await api.call(org.token, "DELETE", `/api/v1/roles/${id}`);
    assert.deepEqual([again.status, again.body.code], [404, "role.not_found"]);
  });

  test("resources: registered, paged by name, searched, read, renamed and deleted", async () => {
    const names = ["Echo", "Alpha", "Delta", "Bravo", "Charlie"];
    const ids = new Map<string, string>();
    for (const name of names) {
      const res = await api.call(org.token, "POST", "/api/v1/resources", {
        type: "app",
        key: name.toLowerCase(),
        name,
      });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(
        [res.body.resource.type, res.body.resource.key, res.body.resource.name],
        ["app", name.toLowerCase(), name],
      );
      ids.set(name, res.body.resource.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/resources?type=app&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await api.call(org.token, "GET", url);
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.resources.length <= 2);
      seen.push(...res.body.resources.map((r: { name: string }) => r.name));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    assert.deepEqual(seen, ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]);
    assert.equal(pages, 3);

    const search = await api.call(org.token, "GET", "/api/v1/resources?q=RAV");
    assert.deepEqual(
      search.body.resources.map((r: { name: string }) => r.name),
      ["Bravo"],
    );
    const byKey = await api.call(org.token, "GET", "/api/v1/resources?type=app&q=echo");
    assert.equal(byKey.body.resources[0].id, ids.get("Echo"));

    const one = await api.call(org.token, "GET", `/api/v1/resources/${ids.get("Alpha")}`);
    assert.deepEqual([one.status, one.body.name, one.body.key], [200, "Alpha", "alpha"]);

    const renamed = await api.call(org.token, "PATCH", `/api/v1/resources/${ids.get("Alpha")}`, {
      name: "Alpha prime",
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.resource.name, "Alpha prime");
    assert.equal(renamed.headers["roster-revision"], String(renamed.body.revision));

    const before = await revision();
    const keyTaken = await api.call(org.token, "PATCH", `/api/v1/resources/${ids.get("Alpha")}`, {
      key: "bravo",
    });
    assert.deepEqual([keyTaken.status, keyTaken.body.code], [409, "resource.key_taken"]);
    const dup = await api.call(org.token, "POST", "/api/v1/resources", {
      type: "app",
      key: "bravo",
      name: "Again",
    });
    assert.deepEqual([dup.status, dup.body.code], [409, "resource.key_taken"]);
    const noType = await api.call(org.token, "POST", "/api/v1/resources", {
      type: "spaceship",
      key: "x",
      name: "X",
    });
    assert.deepEqual([noType.status, noType.body.code], [404, "resource_type.not_found"]);
    const orgResource = (await api.call(org.token, "GET", "/api/v1/resources?type=organization")).body
      .resources[0];
    const system = await api.call(org.token, "DELETE", `/api/v1/resources/${orgResource.id}`);
    assert.deepEqual([system.status, system.body.code], [409, "resource.system"]);
    assert.equal(await revision(), before);

    const deleted = await api.call(org.token, "DELETE", `/api/v1/resources/${ids.get("Echo")}`);
    assert.deepEqual([deleted.status, deleted.body.resource.name], [200, "Echo"]);
    const gone = await api.call(org.token, "GET", `/api/v1/resources/${ids.get("Echo")}`);
    assert.deepEqual([gone.status, gone.body.code], [404, "resource.not_found"]);
  });

  test("bad input answers a problem with a stable code and leaves the revision where it was", async () => {
    const mine = await api.call(org.token, "POST", "/api/v1/resources", {
      type: "dataset",
      key: "mine",
      name: "Mine",
    });
    const theirs = (
      await api.call(other.token, "POST", "/api/v1/resources", { type: "dataset", key: "t", name: "Theirs" })
    ).body.resource.id as string;
    const theirRole = (
      await api.call(other.token, "POST", "/api/v1/roles", {
        type: "app",
        name: "Theirs",
        capabilities: ["manage"],
      })
    ).body.role.id as string;
    const before = await revision();
    const cases: [string, string, unknown, number, string][] = [
      ["POST", "/api/v1/resources", "{not json", 400, "request.invalid"],
      ["POST", "/api/v1/resources", { type: "app", key: "k" }, 400, "request.invalid"],
      ["POST", "/api/v1/resources", { type: "app", key: "", name: "n" }, 400, "request.invalid"],
      ["POST", "/api/v1/roles", "[1, 2", 400, "request.invalid"],
      ["POST", "/api/v1/roles", { type: "app", name: "R", capabilities: [] }, 400, "request.invalid"],
      ["POST", "/api/v1/roles", { type: "app", name: "R", capabilities: ["fly"] }, 400, "capability.unknown"],
      [
        "POST",
        "/api/v1/resource-types",
        { key: "Bad Key", label: "x", capabilities: [] },
        400,
        "request.invalid",
      ],
      ["GET", "/api/v1/resources?limit=0", undefined, 400, "request.invalid"],
      ["GET", "/api/v1/resources?cursor=not-a-cursor", undefined, 400, "request.invalid"],
      ["GET", "/api/v1/resources/res_nope", undefined, 404, "resource.not_found"],
      ["PATCH", "/api/v1/resources/res_nope", { name: "x" }, 404, "resource.not_found"],
      ["DELETE", "/api/v1/resources/res_nope", undefined, 404, "resource.not_found"],
      ["PATCH", "/api/v1/roles/rol_nope", { name: "x" }, 404, "role.not_found"],
      ["DELETE", "/api/v1/roles/rol_nope", undefined, 404, "role.not_found"],
      // Another organization's ids do not exist here.
      ["GET", `/api/v1/resources/${theirs}`, undefined, 404, "resource.not_found"],
      ["PATCH", `/api/v1/resources/${theirs}`, { name: "Hijacked" }, 404, "resource.not_found"],
      ["DELETE", `/api/v1/resources/${theirs}`, undefined, 404, "resource.not_found"],
      ["PATCH", `/api/v1/roles/${theirRole}`, { name: "Hijacked" }, 404, "role.not_found"],
      ["DELETE", `/api/v1/roles/${theirRole}`, undefined, 404, "role.not_found"],
    ];
    for (const [method, url, body, status, code] of cases) {
      const res = await api.call(org.token, method as "GET", url, body);
      assert.equal(res.status, status, `${method} ${url} ${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.code, code, `${method} ${url}`);
      assert.match(String(res.headers["content-type"]), /application\/problem\+json/);
    }
    assert.equal(await revision(), before);
    const still = await api.call(other.token, "GET", `/api/v1/resources/${theirs}`);
    assert.equal(still.body.name, "Theirs");
    assert.equal(
      (await api.call(other.token, "GET", `/api/v1/resources/${mine.body.resource.id}`)).status,
      404,
    );
  });

  test("a check-only token may not read or change the catalog", async () => {
    const token = (
      await api.call(org.token, "POST", "/api/v1/tokens", { name: "platform", scopes: ["check"] })
    ).body.token as string;
    const before = await revision();
    const calls: [string, string, unknown][] = [
      ["GET", "/api/v1/resource-types", undefined],
      ["GET", "/api/v1/resources", undefined],
      ["POST", "/api/v1/resources", { type: "app", key: "sneaky", name: "Sneaky" }],
      ["POST", "/api/v1/roles", { type: "app", name: "Sneaky", capabilities: ["view"] }],
      ["POST", "/api/v1/roles/preview", { type: "app", capabilities: ["view"] }],
    ];
    for (const [method, url, body] of calls) {
      const res = await api.call(token, method as "GET", url, body);
      assert.deepEqual([res.status, res.body.code], [403, "auth.forbidden"], `${method} ${url}`);
    }
    assert.equal((await api.call(null, "GET", "/api/v1/resources")).status, 401);
    assert.equal(await revision(), before);
  });

  test("the OpenAPI document has every admin and check route, each with a summary and a tag", async () => {
    const res = await api.call(null, "GET", "/api/openapi.json");
    assert.equal(res.status, 200);
    const doc = res.body as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
    // Every route the server answers under /api/v1, from fastify's own route tree.
    const routes = registeredRoutes(api.app.printRoutes({ commonPrefix: false }));
    const expected = [
      "GET /api/v1/resource-types",
      "POST /api/v1/resource-types",
      "POST /api/v1/roles",
      "POST /api/v1/roles/preview",
      "PATCH /api/v1/roles/{id}",
      "DELETE /api/v1/roles/{id}",
      "POST /api/v1/resources",
      "GET /api/v1/resources",
      "GET /api/v1/resources/{id}",
      "PATCH /api/v1/resources/{id}",
      "DELETE /api/v1/resources/{id}",
      "POST /api/v1/rules",
      "GET /api/v1/rules",
      "DELETE /api/v1/rules/{id}",
      "POST /api/v1/rules/remove",
      "PUT /api/v1/filters",
      "GET /api/v1/filters",
      "GET /api/v1/filters/preview",
      "DELETE /api/v1/filters/{id}",
      "POST /api/v1/delegations",
      "GET /api/v1/delegations",
      "DELETE /api/v1/delegations/{id}",
      "GET /api/v1/audit",
      "GET /api/v1/exports/{what}",
      "GET /api/v1/notifications",
      "POST /api/v1/access/check",
      "POST /api/v1/access/check/batch",
      "GET /api/v1/access/effective",
      "GET /api/v1/access/filter",
    ];
    for (const route of expected) assert.ok(routes.includes(route), `${route} is not served`);
    const missing: string[] = [];
    for (const route of routes) {
      const [method, path] = route.split(" ") as [string, string];
      const op = doc.paths[path]?.[method.toLowerCase()];
      if (!op?.summary?.trim() || !op.tags?.length) missing.push(route);
    }
    assert.deepEqual(missing, [], "routes absent from the OpenAPI document, or without a summary or tag");
    // A valid 3.1 document: every reference resolves, every path parameter is declared.
    const full = res.body as {
      openapi: string;
      components?: { schemas?: Record<string, unknown> };
      paths: Record<
        string,
        Record<string, { parameters?: { in: string; name: string }[]; responses?: object }>
      >;
    };
    assert.equal(full.openapi, "3.1.0");
    const refs = [...new Set(JSON.stringify(full).match(/"\$ref":"[^"]+"/g) ?? [])].map((r) =>
      r.slice(8, -1),
    );
    for (const ref of refs) {
      const name = ref.replace("#/components/schemas/", "");
      assert.ok(full.components?.schemas?.[name], `unresolved reference ${ref}`);
    }
    for (const [path, ops] of Object.entries(full.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${path} has no responses`);
        for (const n of names) {
          assert.ok(
            op.parameters?.some((p) => p.in === "path" && p.name === n),
            `${method} ${path} does not declare {${n}}`,
          );
        }
      }
    }
  });
});

/**
 * The `METHOD /path` of every route under /api/v1 in fastify's printRoutes
 * tree (HEAD left out: fastify adds it to every GET), with `:id` written `{id}`.
 */
function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^([│├└─\s]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = Math.floor(m[1]!.length / 4);
    stack.length = depth;
    stack[depth] = m[2]!;
    const path = stack.join("");
    if (!m[3] || !path.startsWith("/api/v1/")) continue;
    for (const method of m[3].split(", ")) {
      if (method !== "HEAD") out.push(`${method} ${path.replace(/:(\w+)/g, "{$1}")}`);
    }
  }
  return [...new Set(out)];
}

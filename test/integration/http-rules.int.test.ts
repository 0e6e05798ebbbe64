import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createGroup, inviteUser, updateUser } from "../../src/commands/index.ts";
import type { GroupId, OrgId, UserId } from "../../src/domain/index.ts";
import { getSystemGroup, touchLastActive } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

type Org = Awaited<ReturnType<TestApi["newOrg"]>>;

describeBackends("HTTP: rules, permissions pages, data filters and delegations", (store) => {
  let api: TestApi;
  let org: Org;
  let other: Org;
  const users: Record<string, string> = {};
  const groups: Record<string, string> = {};
  const res: Record<string, string> = {};
  let theirs: { user: string; group: string; resource: string };

  const revision = async (o: Org = org) =>
    (await api.call(o.token, "GET", "/api/v1/organization")).body.revision as number;
  const call = (method: string, url: string, body?: unknown) =>
    api.call(org.token, method as "GET", url, body);
  const setRule = (subject: { kind: string; id: string }, role: unknown, scope: unknown) =>
    call("POST", "/api/v1/rules", { subject, role, scope });
  const group = (name: string) => ({ kind: "group", id: groups[name]! });
  const user = (name: string) => ({ kind: "user", id: users[name]! });
  const on = (name: string) => ({ kind: "resource", resourceId: res[name]! });

  before(async () => {
    api = await startApi(store());
    org = await api.newOrg();
    other = await api.newOrg();
    const ctx = (orgId: string) => ({
      store: store(),
      orgId: orgId as OrgId,
      actor: { kind: "system", id: null, label: "test" } as const,
      authority: { kind: "owner" } as const,
    });
    const people: [string, string, string, Record<string, string[]>][] = [
      ["alice", "Alice", "Archer", { region: ["EMEA"] }],
      ["bob", "Bob", "Baker", { region: ["AMER"] }],
      ["carol", "Carol", "Cruz", {}],
      ["dave", "Dave", "Dunn", {}],
      ["erin", "", "", {}],
    ];
    for (const [key, firstName, lastName, attributes] of people) {
      users[key] = (
        await inviteUser(ctx(org.orgId), { email: `${key}@x.test`, firstName, lastName, attributes })
      ).value.user.id;
    }
    await updateUser(ctx(org.orgId), users.dave as UserId, { status: "deactivated" });
    const make = async (name: string, userIds: string[], groupIds: string[] = [], notify = false) => {
      groups[name] = (
        await createGroup(ctx(org.orgId), {
          name,
          userIds: userIds.map((u) => users[u] as UserId),
          groupIds: groupIds.map((g) => groups[g] as GroupId),
          notify: notify ? "email" : "none",
        })
      ).value.group.id;
    };
    await make("Interns", ["carol"]);
    await make("Analysts", ["alice", "bob", "dave"], ["Interns"]);
    await make("App readers", []);
    await make("Zeta", ["erin"]);
    groups.Everyone = (await getSystemGroup(store().db, org.orgId as OrgId, "everyone")).id;
    groups["Power Users"] = (await getSystemGroup(store().db, org.orgId as OrgId, "power_users")).id;
    for (const [key, type, name] of [
      ["finance", "app", "Finance"],
      ["sales", "app", "Sales"],
      ["orders", "dataset", "Orders"],
      ["web", "site", "Web"],
    ] as const) {
      const r = await call("POST", "/api/v1/resources", { type, key, name });
      res[key] = r.body.resource.id;
    }
    const otherUser = (await inviteUser(ctx(other.orgId), { email: "mallory@x.test" })).value.user.id;
    const otherGroup = (await createGroup(ctx(other.orgId), { name: "Theirs" })).value.group.id;
    const otherRes = (
      await api.call(other.token, "POST", "/api/v1/resources", { type: "dataset", key: "t", name: "Theirs" })
    ).body.resource.id;
    theirs = { user: otherUser, group: otherGroup, resource: otherRes };
  });
  after(async () => api.close());

  test("a rule is created, then unchanged, then replaced; a set of capabilities names the role it equals", async () => {
    const created = await setRule(group("Analysts"), { role: "Writer" }, on("finance"));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.rules.length, 1);
    assert.equal(created.body.rules[0].status, "created");
    assert.deepEqual(created.body.rules[0].rule.subject, group("Analysts"));
    assert.equal(created.body.rules[0].rule.resourceId, res.finance);
    assert.deepEqual(
      [created.body.role.name, created.body.equals, created.body.roleCreated],
      ["Writer", "Writer", false],
    );
    assert.equal(created.headers["roster-revision"], String(created.body.revision));

    const same = await setRule(group("Analysts"), { role: "writer" }, on("finance"));
    assert.equal(same.status, 200);
    assert.equal(same.body.rules[0].status, "unchanged");
    assert.equal(same.body.revision, created.body.revision, "nothing changed, the revision did not move");

    const replaced = await setRule(group("Analysts"), { role: "Reader" }, on("finance"));
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.rules[0].status, "replaced");
    assert.equal(replaced.body.rules[0].rule.id, created.body.rules[0].rule.id);
    assert.equal(replaced.body.revision, created.body.revision + 1);
    await setRule(group("Analysts"), { role: "Writer" }, on("finance"));

    const named = await setRule(group("Interns"), { capabilities: ["edit", "view"] }, on("sales"));
    assert.deepEqual(
      [named.body.role.name, named.body.equals, named.body.roleCreated],
      ["Writer", "Writer", false],
    );

    const before = await revision();
    const missing = await setRule(group("Interns"), { capabilities: ["handle_data"] }, on("web"));
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, "capability.missing_dependency");
    assert.deepEqual(missing.body.details.missing, ["read_data", "explore_data"]);
    assert.equal(await revision(), before);
    const closed = await call("POST", "/api/v1/rules", {
      subject: group("Interns"),
      role: { capabilities: ["handle_data"] },
      scope: on("web"),
      closeDependencies: true,
    });
    assert.equal(closed.status, 201, closed.text);
    assert.deepEqual([closed.body.role.name, closed.body.equals], ["Analyst", "Analyst"]);

    const custom = await setRule(user("erin"), { capabilities: ["view", "manage"] }, on("sales"));
    assert.equal(custom.status, 201);
    assert.deepEqual([custom.body.equals, custom.body.roleCreated], [null, true]);
    assert.deepEqual(custom.body.role.capabilities, ["view", "manage"]);

    const everyApp = await setRule(group("Zeta"), { role: "Reader" }, { kind: "all_current", type: "app" });
    assert.deepEqual(
      everyApp.body.rules.map((r: { rule: { resourceId: string } }) => r.rule.resourceId).sort(),
      [res.finance, res.sales].sort(),
      "all current resources: one rule per resource",
    );
  });

  test("a locked system rule can be neither changed nor removed (409 rule.locked)", async () => {
    const list = await call("GET", `/api/v1/rules?subject=group:${groups["Power Users"]}`);
    assert.equal(list.status, 200);
    assert.equal(list.body.view, "subject");
    const locked = list.body.rows[0];
    assert.deepEqual(
      [locked.locked, locked.scope, locked.resource, locked.role.name],
      [true, "all_current_and_future", null, "Power user"],
    );
    const before = await revision();
    const change = await setRule(
      group("Power Users"),
      { role: "Report consumer" },
      { kind: "all_current_and_future", type: "workspace" },
    );
    assert.deepEqual([change.status, change.body.code], [409, "rule.locked"]);
    const remove = await call("DELETE", `/api/v1/rules/${locked.ruleId}`);
    assert.deepEqual([remove.status, remove.body.code], [409, "rule.locked"]);
    assert.equal(await revision(), before);
  });

  test("the groups tab of a resource: every group rule that covers it, with members, filters, sort and pages", async () => {
    await setRule(group("App readers"), { role: "Reader" }, { kind: "all_current_and_future", type: "app" });
    await setRule(group("Everyone"), { role: "Reader" }, on("sales"));
    const page = await call("GET", `/api/v1/rules?resource=${res.finance}&view=groups`);
    assert.equal(page.status, 200, page.text);
    assert.equal(page.body.view, "groups");
    const rows = page.body.rows as {
      group: { name: string; privileges: boolean };
      role: { name: string };
      scope: string;
      locked: boolean;
      members: number;
      updatedAt: string;
      ruleId: string;
    }[];
    assert.deepEqual(
      rows.map((r) => [r.group.name, r.role.name, r.scope, r.members, r.locked]),
      [
        ["Analysts", "Writer", "resource", 3, false], // alice, bob and carol through Interns; dave is deactivated
        ["App readers", "Reader", "all_current_and_future", 0, false],
        ["Zeta", "Reader", "resource", 1, false],
      ],
    );
    assert.ok(rows.every((r) => r.group.privileges && r.ruleId.startsWith("rul_")));
    const sales = await call("GET", `/api/v1/rules?resource=${res.sales}&view=groups&q=every`);
    assert.deepEqual(
      sales.body.rows.map((r: { group: { name: string }; members: number }) => [r.group.name, r.members]),
      [["Everyone", 5]],
      "Everyone counts every active user",
    );

    const readers = await call("GET", `/api/v1/rules?resource=${res.finance}&view=groups&role=reader`);
    assert.deepEqual(
      readers.body.rows.map((r: { group: { name: string } }) => r.group.name),
      ["App readers", "Zeta"],
    );
    const both = await call("GET", `/api/v1/rules?resource=${res.finance}&view=groups&role=Reader,%20Writer`);
    assert.equal(both.body.rows.length, 3);
    const search = await call("GET", `/api/v1/rules?resource=${res.finance}&view=groups&q=ANAL`);
    assert.deepEqual(
      search.body.rows.map((r: { group: { name: string } }) => r.group.name),
      ["Analysts"],
    );

    const collect = async (sort: string) => {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/rules?resource=${res.finance}&view=groups&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ""}`;
        const p = await call("GET", url);
        assert.equal(p.status, 200, p.text);
        names.push(...p.body.rows.map((r: { group: { name: string } }) => r.group.name));
        cursor = p.body.nextCursor;
      } while (cursor && names.length < 10);
      return names;
    };
    assert.deepEqual(await collect("name"), ["Analysts", "App readers", "Zeta"]);
    const byTime = [...rows].sort(
      (a, b) => b.updatedAt.localeCompare(a.updatedAt) || (b.ruleId < a.ruleId ? -1 : 1),
    );
    assert.deepEqual(
      await collect("recent"),
      byTime.map((r) => r.group.name),
    );
    assert.equal((await collect("recent"))[0], "App readers", "the latest change first");
  });

  test("the users tab of a resource: direct rules with names, activity, search, role filter and recent first", async () => {
    await setRule(user("alice"), { role: "Writer" }, on("finance"));
    await setRule(user("bob"), { role: "Reader" }, on("finance"));
    await setRule(user("carol"), { role: "Manager" }, { kind: "all_current_and_future", type: "app" });
    await setRule(user("erin"), { role: "Reader" }, on("finance"));
    // Bob was active after every change.
    await touchLastActive(store().db, org.orgId as OrgId, [
      { id: users.bob as UserId, at: new Date(Date.now() + 3_600_000) },
    ]);

    const page = await call("GET", `/api/v1/rules?resource=${res.finance}&view=users`);
    assert.equal(page.status, 200, page.text);
    const rows = page.body.rows as {
      user: { email: string; firstName: string; lastName: string };
      role: { name: string };
      scope: string;
      lastActiveAt: string | null;
    }[];
    assert.deepEqual(
      rows.map((r) => [r.user.email, r.role.name, r.scope]),
      [
        ["alice@x.test", "Writer", "resource"],
        ["bob@x.test", "Reader", "resource"],
        ["carol@x.test", "Manager", "all_current_and_future"],
        ["erin@x.test", "Reader", "resource"],
      ],
    );
    assert.deepEqual([rows[0]!.user.firstName, rows[0]!.user.lastName], ["Alice", "Archer"]);
    assert.ok(rows[1]!.lastActiveAt && rows[1]!.lastActiveAt > new Date().toISOString());
    assert.equal(rows[0]!.lastActiveAt, null);

    const recent = await call("GET", `/api/v1/rules?resource=${res.finance}&view=users&sort=recent`);
    assert.deepEqual(
      recent.body.rows.map((r: { user: { email: string } }) => r.user.email),
      ["bob@x.test", "erin@x.test", "carol@x.test", "alice@x.test"],
    );
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/rules?resource=${res.finance}&view=users&sort=recent&limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const p = await call("GET", url);
      paged.push(...p.body.rows.map((r: { user: { email: string } }) => r.user.email));
      cursor = p.body.nextCursor;
    } while (cursor && paged.length < 10);
    assert.deepEqual(paged, ["bob@x.test", "erin@x.test", "carol@x.test", "alice@x.test"]);

    const q = await call("GET", `/api/v1/rules?resource=${res.finance}&view=users&q=baker`);
    assert.deepEqual(
      q.body.rows.map((r: { user: { email: string } }) => r.user.email),
      ["bob@x.test"],
    );
    const byEmail = await call("GET", `/api/v1/rules?resource=${res.finance}&view=users&q=ERIN@`);
    assert.equal(byEmail.body.rows.length, 1);
    const roles = await call("GET", `/api/v1/rules?resource=${res.finance}&view=users&role=writer,Manager`);
    assert.deepEqual(
      roles.body.rows.map((r: { user: { email: string } }) => r.user.email),
      ["alice@x.test", "carol@x.test"],
    );
    const none = await call("GET", `/api/v1/rules?resource=${res.orders}&view=users`);
    assert.deepEqual([none.status, none.body.rows, none.body.nextCursor], [200, [], null]);
  });

  test("a subject's rules; unknown, foreign or malformed ids and subjects are refused", async () => {
    const mine = await call("GET", `/api/v1/rules?subject=user:${users.alice}`);
    assert.deepEqual(
      mine.body.rows.map((r: { resource: { name: string }; role: { name: string } }) => [
        r.resource.name,
        r.role.name,
      ]),
      [["Finance", "Writer"]],
    );
    const interns = await call("GET", `/api/v1/rules?subject=group:${groups.Interns}`);
    assert.deepEqual(
      interns.body.rows.map((r: { type: string; resource: { key: string } }) => [r.type, r.resource.key]),
      [
        ["app", "sales"],
        ["site", "web"],
      ],
    );
    const cases: [string, number, string][] = [
      ["/api/v1/rules", 400, "request.invalid"],
      [`/api/v1/rules?resource=${res.finance}&subject=user:${users.alice}`, 400, "request.invalid"],
      ["/api/v1/rules?subject=alice", 400, "request.invalid"],
      ["/api/v1/rules?subject=robot:1", 400, "request.invalid"],
      ["/api/v1/rules?subject=user:usr_nope", 404, "user.not_found"],
      ["/api/v1/rules?subject=group:grp_nope", 404, "group.not_found"],
      [`/api/v1/rules?subject=group:${theirs.group}`, 404, "group.not_found"],
      [`/api/v1/rules?subject=user:${theirs.user}`, 404, "user.not_found"],
      ["/api/v1/rules?resource=res_nope", 404, "resource.not_found"],
      [`/api/v1/rules?resource=${theirs.resource}&view=users`, 404, "resource.not_found"],
      [`/api/v1/rules?resource=${res.finance}&view=everyone`, 400, "request.invalid"],
      [`/api/v1/rules?resource=${res.finance}&sort=recent&cursor=WyJ4IiwieSJd`, 400, "request.invalid"],
      [`/api/v1/rules?resource=${res.finance}&limit=1000`, 400, "request.invalid"],
    ];
    for (const [url, status, code] of cases) {
      const r = await call("GET", url);
      assert.deepEqual([r.status, r.body.code], [status, code], `${url}: ${r.text}`);
    }
  });

  test("rules are removed one at a time or several at once, all or none", async () => {
    const a = (await setRule(group("Zeta"), { role: "Viewer" }, on("orders"))).body.rules[0].rule.id;
    const b = (await setRule(user("bob"), { role: "Viewer" }, on("orders"))).body.rules[0].rule.id;
    const locked = (await call("GET", `/api/v1/rules?subject=group:${groups["Power Users"]}`)).body.rows[0]
      .ruleId;
    const before = await revision();
    const mixed = await call("POST", "/api/v1/rules/remove", { ruleIds: [a, locked] });
    assert.deepEqual([mixed.status, mixed.body.code], [409, "rule.locked"]);
    const unknown = await call("POST", "/api/v1/rules/remove", { ruleIds: [a, "rul_nope"] });
    assert.deepEqual([unknown.status, unknown.body.code], [404, "rule.not_found"]);
    const empty = await call("POST", "/api/v1/rules/remove", { ruleIds: [] });
    assert.deepEqual([empty.status, empty.body.code], [400, "request.invalid"]);
    assert.equal(await revision(), before, "a refused removal removes nothing");

    const one = await call("DELETE", `/api/v1/rules/${a}`);
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(
      one.body.removed.map((r: { id: string }) => r.id),
      [a],
    );
    assert.equal(one.body.revision, before + 1);
    assert.equal(one.headers["roster-revision"], String(before + 1));
    const again = await call("DELETE", `/api/v1/rules/${a}`);
    assert.deepEqual([again.status, again.body.code], [404, "rule.not_found"]);
    const theirRule = (
      await api.call(other.token, "POST", "/api/v1/rules", {
        subject: { kind: "group", id: theirs.group },
        role: { role: "Viewer" },
        scope: { kind: "resource", resourceId: theirs.resource },
      })
    ).body.rules[0].rule.id;
    const foreign = await call("DELETE", `/api/v1/rules/${theirRule}`);
    assert.deepEqual([foreign.status, foreign.body.code], [404, "rule.not_found"]);
    const several = await call("POST", "/api/v1/rules/remove", { ruleIds: [b] });
    assert.equal(several.status, 200);
    const left = await call("GET", `/api/v1/rules?resource=${res.orders}&view=users`);
    assert.deepEqual(left.body.rows, []);
  });

  test("bad rule input answers a stable code and leaves the revision where it was", async () => {
    const before = await revision();
    const cases: [unknown, number, string][] = [
      ["{not json", 400, "request.invalid"],
      [{ subject: group("Zeta"), role: { role: "Reader" } }, 400, "request.invalid"],
      [
        { subject: { kind: "robot", id: "x" }, role: { role: "Reader" }, scope: on("finance") },
        400,
        "request.invalid",
      ],
      [
        {
          subject: group("Zeta"),
          role: { role: "Reader" },
          scope: { kind: "resource", resourceId: "res_nope" },
        },
        404,
        "resource.not_found",
      ],
      [
        {
          subject: group("Zeta"),
          role: { role: "Reader" },
          scope: { kind: "resource", resourceId: theirs.resource },
        },
        404,
        "resource.not_found",
      ],
      [
        { subject: { kind: "group", id: "grp_nope" }, role: { role: "Reader" }, scope: on("finance") },
        404,
        "group.not_found",
      ],
      [
        { subject: { kind: "group", id: theirs.group }, role: { role: "Reader" }, scope: on("finance") },
        404,
        "group.not_found",
      ],
      [
        { subject: { kind: "user", id: theirs.user }, role: { role: "Reader" }, scope: on("finance") },
        404,
        "user.not_found",
      ],
      [{ subject: group("Zeta"), role: { role: "Pilot" }, scope: on("finance") }, 404, "role.not_found"],
      [
        { subject: group("Zeta"), role: { capabilities: ["fly"] }, scope: on("finance") },
        400,
        "capability.unknown",
      ],
      [
        {
          subject: group("Zeta"),
          role: { role: "Reader" },
          scope: { kind: "all_current", type: "spaceship" },
        },
        404,
        "resource_type.not_found",
      ],
      [
        {
          subject: group("Zeta"),
          role: { role: "Reader" },
          scope: { kind: "resources", resourceIds: [res.finance, res.orders] },
        },
        400,
        "resource.type_mismatch",
      ],
    ];
    for (const [body, status, code] of cases) {
      const r = await call("POST", "/api/v1/rules", body);
      assert.deepEqual([r.status, r.body.code], [status, code], `${JSON.stringify(body)}: ${r.text}`);
    }
    assert.equal(await revision(), before);
  });

  test("data filters: set as text or JSON, listed with their text, previewed as the check API answers", async () => {
    await setRule(group("Analysts"), { role: "Viewer" }, on("orders"));
    await setRule(user("bob"), { role: "Viewer" }, on("orders"));
    const put = await call("PUT", "/api/v1/filters", {
      subject: group("Analysts"),
      resourceId: res.orders,
      expression: "region = {{user.region}}",
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.filter.predicate, { op: "eq", column: "region", value: { attr: "region" } });
    assert.equal(put.body.filter.expression, "region = {{user.region}}");
    assert.equal(put.headers["roster-revision"], String(put.body.revision));

    const json = await call("PUT", "/api/v1/filters", {
      subject: user("bob"),
      resourceId: res.orders,
      predicate: { op: "in", column: "country", values: ["France", "Spain"] },
    });
    assert.equal(json.status, 200, json.text);
    assert.equal(json.body.filter.expression, "country in (France, Spain)");

    const list = await call("GET", `/api/v1/filters?resource=${res.orders}`);
    assert.deepEqual(
      list.body.filters.map((f: { subjectName: string; resourceName: string; expression: string }) => [
        f.subjectName,
        f.resourceName,
        f.expression,
      ]),
      [
        ["Analysts", "Orders", "region = {{user.region}}"],
        ["bob@x.test", "Orders", "country in (France, Spain)"],
      ],
    );
    assert.equal((await call("GET", "/api/v1/filters")).body.filters.length, 2);

    const alice = await call("GET", `/api/v1/filters/preview?resource=${res.orders}&user=alice@x.test`);
    assert.equal(alice.status, 200, alice.text);
    assert.deepEqual(
      [alice.body.access, alice.body.sql, alice.body.params, alice.body.user.id, alice.body.resource.name],
      ["filtered", '"region" = $1', ["EMEA"], users.alice, "Orders"],
    );
    const bob = await call(
      "GET",
      `/api/v1/filters/preview?resource=orders&user=${users.bob}&placeholder=question`,
    );
    assert.equal(bob.body.access, "filtered");
    assert.match(bob.body.sql, /"region" = \?/);
    assert.match(bob.body.sql, /"country" IN \(\?, \?\)/i);
    const admin = await call("GET", `/api/v1/filters/preview?resource=${res.orders}&user=${org.adminEmail}`);
    assert.deepEqual([admin.body.access, admin.body.sql], ["unfiltered", undefined]);
    const erin = await call("GET", `/api/v1/filters/preview?resource=${res.orders}&user=erin@x.test`);
    assert.equal(erin.body.access, "none");

    const check = await call(
      "GET",
      `/api/v1/access/filter?resource=${res.orders}&user=alice@x.test&atLeastRevision=${json.body.revision}`,
    );
    assert.deepEqual([check.body.sql, check.body.params], [alice.body.sql, alice.body.params]);

    const removed = await call("DELETE", `/api/v1/filters/${json.body.filter.id}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.filter.id, json.body.filter.id);
    const again = await call("DELETE", `/api/v1/filters/${json.body.filter.id}`);
    assert.deepEqual([again.status, again.body.code], [404, "filter.not_found"]);
    assert.equal((await call("GET", `/api/v1/filters?resource=${res.orders}`)).body.filters.length, 1);
  });

  test("bad filters answer a stable code (with the position of a syntax error) and write nothing", async () => {
    const before = await revision();
    const put = (body: unknown) => call("PUT", "/api/v1/filters", body);
    const syntax = await put({ subject: group("Analysts"), resourceId: res.orders, expression: "region = " });
    assert.deepEqual([syntax.status, syntax.body.code], [400, "filter.invalid"]);
    assert.equal(syntax.body.details.position, 9);
    const late = await put({
      subject: group("Analysts"),
      resourceId: res.orders,
      expression: "a = 1 and (b = 2",
    });
    assert.deepEqual([late.body.code, typeof late.body.details.position], ["filter.invalid", "number"]);
    const shape = await put({
      subject: group("Analysts"),
      resourceId: res.orders,
      predicate: { op: "eq", column: "" },
    });
    assert.deepEqual([shape.status, shape.body.code], [400, "filter.invalid"]);
    assert.equal(typeof shape.body.details.path, "string");
    const notDataset = await put({
      subject: group("Analysts"),
      resourceId: res.finance,
      expression: "a = 1",
    });
    assert.deepEqual([notDataset.status, notDataset.body.code], [400, "resource.type_mismatch"]);
    const cases: [unknown, number, string][] = [
      ["{not json", 400, "request.invalid"],
      [{ subject: group("Analysts"), resourceId: res.orders }, 400, "request.invalid"],
      [
        {
          subject: group("Analysts"),
          resourceId: res.orders,
          expression: "a = 1",
          predicate: { op: "eq", column: "a", value: 1 },
        },
        400,
        "request.invalid",
      ],
      [
        { subject: group("Analysts"), resourceId: "res_nope", expression: "a = 1" },
        404,
        "resource.not_found",
      ],
      [
        { subject: group("Analysts"), resourceId: theirs.resource, expression: "a = 1" },
        404,
        "resource.not_found",
      ],
      [
        { subject: { kind: "group", id: theirs.group }, resourceId: res.orders, expression: "a = 1" },
        404,
        "group.not_found",
      ],
      [
        { subject: { kind: "user", id: "usr_nope" }, resourceId: res.orders, expression: "a = 1" },
        404,
        "user.not_found",
      ],
    ];
    for (const [body, status, code] of cases) {
      const r = await put(body);
      assert.deepEqual([r.status, r.body.code], [status, code], `${JSON.stringify(body)}: ${r.text}`);
    }
    const gets: [string, number, string][] = [
      ["/api/v1/filters?resource=res_nope", 404, "resource.not_found"],
      [`/api/v1/filters?resource=${theirs.resource}`, 404, "resource.not_found"],
      [`/api/v1/filters/preview?resource=${res.orders}&user=nobody@x.test`, 404, "user.not_found"],
      [`/api/v1/filters/preview?resource=${theirs.resource}&user=alice@x.test`, 404, "resource.not_found"],
      [`/api/v1/filters/preview?resource=${res.finance}&user=alice@x.test`, 400, "resource.type_mismatch"],
      [`/api/v1/filters/preview?resource=${res.orders}`, 400, "request.invalid"],
    ];
    for (const [url, status, code] of gets) {
      const r = await call("GET", url);
      assert.deepEqual([r.status, r.body.code], [status, code], `${url}: ${r.text}`);
    }
    assert.equal((await call("DELETE", "/api/v1/filters/flt_nope")).body.code, "filter.not_found");
    assert.equal(await revision(), before);
  });

  test("delegations: created, listed with the delegate's email and the resources' names, ended", async () => {
    const some = await call("POST", "/api/v1/delegations", {
      userId: users.alice,
      scope: { kind: "resources", resourceIds: [res.sales, res.finance] },
    });
    assert.equal(some.status, 201, some.text);
    assert.deepEqual(
      [some.body.delegation.userId, some.body.delegation.type, [...some.body.delegation.resourceIds].sort()],
      [users.alice, "app", [res.finance, res.sales].sort()],
    );
    assert.equal(some.headers["roster-revision"], String(some.body.revision));
    const all = await call("POST", "/api/v1/delegations", {
      userId: users.bob,
      scope: { kind: "all_current_and_future", type: "site" },
    });
    assert.equal(all.status, 201);
    const list = await call("GET", "/api/v1/delegations");
    assert.deepEqual(
      list.body.delegations.map(
        (d: { user: { email: string }; type: string; resources: { name: string }[] | null }) => [
          d.user.email,
          d.type,
          d.resources?.map((r) => r.name).sort() ?? null,
        ],
      ),
      [
        ["alice@x.test", "app", ["Finance", "Sales"]],
        ["bob@x.test", "site", null],
      ],
    );
    assert.deepEqual((await api.call(other.token, "GET", "/api/v1/delegations")).body.delegations, []);

    const before = await revision();
    const cases: [unknown, number, string][] = [
      ["{not json", 400, "request.invalid"],
      [{ userId: users.alice }, 400, "request.invalid"],
      [{ userId: "usr_nope", scope: on("finance") }, 404, "user.not_found"],
      [{ userId: theirs.user, scope: on("finance") }, 404, "user.not_found"],
      [
        { userId: users.alice, scope: { kind: "resource", resourceId: theirs.resource } },
        404,
        "resource.not_found",
      ],
      [{ userId: users.dave, scope: on("finance") }, 409, "user.deactivated"],
    ];
    for (const [body, status, code] of cases) {
      const r = await call("POST", "/api/v1/delegations", body);
      assert.deepEqual([r.status, r.body.code], [status, code], `${JSON.stringify(body)}: ${r.text}`);
    }
    const ended = await call("DELETE", `/api/v1/delegations/${some.body.delegation.id}`);
    assert.deepEqual([ended.status, ended.body.delegation.id], [200, some.body.delegation.id]);
    assert.equal((await call("DELETE", `/api/v1/delegations/${some.body.delegation.id}`)).status, 404);
    assert.equal(
      (await api.call(other.token, "DELETE", `/api/v1/delegations/${all.body.delegation.id}`)).body.code,
      "delegation.not_found",
    );
    assert.equal(await revision(), before + 1);
    assert.deepEqual(
      (await call("GET", "/api/v1/delegations")).body.delegations.map((d: { id: string }) => d.id),
      [all.body.delegation.id],
    );
  });

  test("a check-only token and another organization's token get nothing of this organization", async () => {
    const check = (await call("POST", "/api/v1/tokens", { name: "platform", scopes: ["check"] })).body.token;
    const before = await revision();
    const calls: [string, string, unknown][] = [
      ["POST", "/api/v1/rules", { subject: group("Zeta"), role: { role: "Manager" }, scope: on("finance") }],
      ["GET", `/api/v1/rules?resource=${res.finance}`, undefined],
      ["POST", "/api/v1/rules/remove", { ruleIds: ["rul_x"] }],
      ["PUT", "/api/v1/filters", { subject: group("Zeta"), resourceId: res.orders, expression: "a = 1" }],
      ["GET", `/api/v1/filters/preview?resource=${res.orders}&user=alice@x.test`, undefined],
      ["POST", "/api/v1/delegations", { userId: users.erin, scope: on("finance") }],
      ["GET", "/api/v1/delegations", undefined],
    ];
    for (const [method, url, body] of calls) {
      const r = await api.call(check, method as "GET", url, body);
      assert.deepEqual([r.status, r.body.code], [403, "auth.forbidden"], `${method} ${url}`);
    }
    const foreign: [string, string, unknown, string][] = [
      ["GET", `/api/v1/rules?resource=${res.finance}`, undefined, "resource.not_found"],
      ["GET", `/api/v1/rules?subject=group:${groups.Analysts}`, undefined, "group.not_found"],
      [
        "POST",
        "/api/v1/rules",
        { subject: group("Zeta"), role: { role: "Manager" }, scope: on("finance") },
        "group.not_found",
      ],
      ["GET", `/api/v1/filters?resource=${res.orders}`, undefined, "resource.not_found"],
      [
        "GET",
        `/api/v1/filters/preview?resource=${res.orders}&user=${users.alice}`,
        undefined,
        "user.not_found",
      ],
      [
        "POST",
        "/api/v1/delegations",
        { userId: users.erin, scope: { kind: "all_current_and_future", type: "app" } },
        "user.not_found",
      ],
    ];
    for (const [method, url, body, code] of foreign) {
      const r = await api.call(other.token, method as "GET", url, body);
      assert.deepEqual([r.status, r.body.code], [404, code], `${method} ${url}: ${r.text}`);
    }
    assert.equal(await revision(), before);
  });
});

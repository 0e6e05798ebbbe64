import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createDefinedGroup, createDelegation, redefineGroup } from "../../src/commands/index.ts";
import type { DelegationId, GroupId, OrgId, ResourceId, RoleId, UserId } from "../../src/domain/index.ts";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi, type TestResponse } from "../support/http.ts";

type Org = Awaited<ReturnType<TestApi["newOrg"]>>;
type Call = [method: "GET" | "POST" | "PUT" | "PATCH", url: string, body?: unknown];
type RuleOut = { id: string; type: string; resourceId: string | null; roleId: string; locked: boolean };

/**
 * A group defined whole in one change (the console's three steps), the
 * groups table's bulk notification setting and deletion, and who a
 * selection of groups reaches: each write is one revision or, refused,
 * nothing at all.
 */
describeBackends("HTTP: groups defined in one change, bulk actions", (store) => {
  let api: TestApi;
  before(async () => {
    api = await startApi(store());
  });
  after(async () => api.close());

  // ---- helpers --------------------------------------------------------------------

  const revisionOf = async (org: Org): Promise<number> =>
    (await api.call(org.token, "GET", "/api/v1/organization")).body.revision;

  async function ok(org: Org, [method, url, body]: Call, status = 200): Promise<TestResponse> {
    const res = await api.call(org.token, method, url, body);
    assert.equal(res.status, status, `${method} ${url}: ${res.text}`);
    return res;
  }

  /** The call is refused with this status and code, and the organization's revision and audit do not move. */
  async function refused(org: Org, [method, url, body]: Call, status: number, code: string) {
    const before = await revisionOf(org);
    const audit = (await ok(org, ["GET", "/api/v1/audit?limit=500"])).body.entries.length;
    const res = await api.call(org.token, method, url, body);
    assert.equal(res.status, status, `${method} ${url}: ${res.text}`);
    assert.equal(res.body.code, code, `${method} ${url}`);
    assert.equal(await revisionOf(org), before, `${method} ${url} moved the revision`);
    assert.equal((await ok(org, ["GET", "/api/v1/audit?limit=500"])).body.entries.length, audit);
    return res.body;
  }

  async function invite(org: Org, email: string, extra: Record<string, unknown> = {}) {
    return (await ok(org, ["POST", "/api/v1/users", { email, ...extra }], 201)).body.user as {
      id: string;
      email: string;
    };
  }

  async function app(org: Org, key: string, name: string, type = "app") {
    return (await ok(org, ["POST", "/api/v1/resources", { type, key, name }], 201)).body.resource as {
      id: string;
    };
  }

  async function roleId(org: Org, type: string, name: string): Promise<string> {
    const types = (await ok(org, ["GET", "/api/v1/resource-types"])).body.resourceTypes;
    const role = types
      .find((t: { key: string }) => t.key === type)
      .roles.find((r: { name: string }) => r.name === name);
    assert.ok(role, `role ${name} of ${type}`);
    return role.id;
  }

  async function groupNamed(org: Org, name: string) {
    return (await ok(org, ["GET", "/api/v1/groups"])).body.groups.find(
      (g: { name: string }) => g.name === name,
    ) as { id: string; name: string; notify: string; system: string | null } | undefined;
  }

  async function detail(org: Org, id: string) {
    return (await ok(org, ["GET", `/api/v1/groups/${id}`])).body;
  }

  async function auditAt(org: Org, revision: number): Promise<string[]> {
    const entries = (await ok(org, ["GET", "/api/v1/audit?limit=500"])).body.entries;
    return entries
      .filter((e: { revision: number }) => e.revision === revision)
      .map((e: { action: string }) => e.action)
      .sort();
  }

  async function messagesAt(org: Org, revision: number) {
    const list = (await ok(org, ["GET", "/api/v1/notifications?limit=500"])).body.notifications;
    return list.filter((n: { revision: number }) => n.revision === revision) as {
      to: string;
      body: string;
    }[];
  }

  const ruleKeys = (rules: RuleOut[]) =>
    rules.map((r) => `${r.type}:${r.resourceId ?? "*"}:${r.roleId}`).sort();

  // ---- create ---------------------------------------------------------------------

  test("create: members, rules and notification setting in one revision, one message per member", async () => {
    const org = await api.newOrg();
    const ada = await invite(org, "ada@x.test", { firstName: "Ada" });
    const bob = await invite(org, "bob@x.test");
    const finance = await app(org, "finance", "Finance");
    const sales = await app(org, "sales", "Sales");
    const shop = await app(org, "shop", "Shop", "site");
    const child = (await ok(org, ["POST", "/api/v1/groups", { name: "Child", userIds: [bob.id] }], 201)).body
      .group;
    const writer = await roleId(org, "app", "Writer");
    const reader = await roleId(org, "app", "Reader");
    const analyst = await roleId(org, "site", "Analyst");
    const before = await revisionOf(org);

    const res = await ok(
      org,
      [
        "POST",
        "/api/v1/groups/definition",
        {
          name: "Finance team",
          description: "Money",
          userIds: [ada.id],
          groupIds: [child.id],
          notify: "email",
          rules: [
            { role: { roleId: writer }, scope: { kind: "resource", resourceId: finance.id } },
            { role: { roleId: reader }, scope: { kind: "all_current_and_future", type: "app" } },
            { role: { roleId: analyst }, scope: { kind: "all_current", type: "site" } },
          ],
        },
      ],
      201,
    );
    assert.equal(res.body.revision, before + 1, "one change");
    assert.equal(res.headers["roster-revision"], String(before + 1));
    assert.equal(await revisionOf(org), before + 1);
    const group = res.body.group;
    assert.deepEqual(
      [group.name, group.description, group.notify, group.privileges],
      ["Finance team", "Money", "email", true],
    );
    assert.deepEqual(
      ruleKeys(res.body.rules),
      [`app:${finance.id}:${writer}`, `app:*:${reader}`, `site:${shop.id}:${analyst}`].sort(),
    );
    assert.ok(!ruleKeys(res.body.rules).some((k) => k.includes(sales.id)), "all current apps was not asked");

    const page = await detail(org, group.id);
    assert.deepEqual(
      page.members.users.map((u: { email: string }) => u.email),
      ["ada@x.test"],
    );
    assert.deepEqual(page.members.groups, [{ id: child.id, name: "Child" }]);
    assert.equal(page.group.users, 2, "ada, and bob through Child");

    assert.deepEqual(await auditAt(org, before + 1), [
      "group.create",
      "group.members.add",
      "rule.create",
      "rule.create",
      "rule.create",
    ]);
    // The rules are set before the members join: each member hears once, of what joining gives.
    const messages = await messagesAt(org, before + 1);
    assert.deepEqual(messages.map((m) => m.to).sort(), ["ada@x.test", "bob@x.test"]);
    for (const m of messages) {
      assert.match(m.body, /You were added to Finance team, which gives .*Writer on Finance/);
      assert.doesNotMatch(m.body, /now gives/);
    }
  });

  test("create with no rules (skip privileges) and all current users", async () => {
    const org = await api.newOrg();
    await invite(org, "a@x.test");
    const res = await ok(
      org,
      ["POST", "/api/v1/groups/definition", { name: "Snapshot", allCurrentUsers: true, privileges: false }],
      201,
    );
    assert.deepEqual(res.body.rules, []);
    assert.equal(res.body.group.privileges, false);
    assert.equal((await detail(org, res.body.group.id)).members.users.length, 2, "the owner and a");
  });

  test("create refuses, writing nothing: no half-made group when a rule fails", async () => {
    const org = await api.newOrg();
    const finance = await app(org, "finance", "Finance");
    const writer = await roleId(org, "app", "Writer");
    const reader = await roleId(org, "app", "Reader");
    const analyst = await roleId(org, "site", "Analyst");
    const url = "/api/v1/groups/definition";
    const base = { name: "Half made" };
    await refused(
      org,
      [
        "POST",
        url,
        {
          ...base,
          rules: [{ role: { roleId: writer }, scope: { kind: "resource", resourceId: "res_nope" } }],
        },
      ],
      404,
      "resource.not_found",
    );
    await refused(
      org,
      [
        "POST",
        url,
        {
          ...base,
          rules: [{ role: { roleId: analyst }, scope: { kind: "resource", resourceId: finance.id } }],
        },
      ],
      400,
      "resource.type_mismatch",
    );
    const twice = await refused(
      org,
      [
        "POST",
        url,
        {
          ...base,
          rules: [
            { role: { roleId: writer }, scope: { kind: "resource", resourceId: finance.id } },
            { role: { roleId: reader }, scope: { kind: "all_current", type: "app" } },
          ],
        },
      ],
      400,
      "rule.invalid",
    );
    assert.equal(twice.detail, "Finance is in two privileges: give it one role.");
    await refused(
      org,
      ["POST", url, { ...base, allCurrentUsers: true, allUsers: true }],
      400,
      "group.invalid",
    );
    await refused(org, ["POST", url, { ...base, userIds: ["usr_nope"] }], 404, "user.not_found");
    await refused(org, ["POST", url, { ...base, rules: "all" }], 400, "request.invalid");
    assert.equal(await groupNamed(org, "Half made"), undefined);

    const team = await api.newOrg("team");
    await refused(team, ["POST", url, { name: "Custom" }], 403, "plan.enterprise_required");
  });

  // ---- edit -----------------------------------------------------------------------

  test("edit: general info, members added and removed, rules replaced, in one revision", async () => {
    const org = await api.newOrg();
    const ada = await invite(org, "ada@x.test");
    const bob = await invite(org, "bob@x.test");
    const cy = await invite(org, "cy@x.test");
    const finance = await app(org, "finance", "Finance");
    const sales = await app(org, "sales", "Sales");
    const hr = await app(org, "hr", "HR");
    const writer = await roleId(org, "app", "Writer");
    const reader = await roleId(org, "app", "Reader");
    const managerRole = await roleId(org, "app", "Manager");
    const nested = (await ok(org, ["POST", "/api/v1/groups", { name: "Nested" }], 201)).body.group;
    const created = await ok(
      org,
      [
        "POST",
        "/api/v1/groups/definition",
        {
          name: "Team",
          userIds: [ada.id, bob.id],
          rules: [
            { role: { roleId: writer }, scope: { kind: "resources", resourceIds: [finance.id, sales.id] } },
            { role: { roleId: reader }, scope: { kind: "all_current_and_future", type: "app" } },
          ],
        },
      ],
      201,
    );
    const id = created.body.group.id;
    const keep = created.body.rules.find((r: RuleOut) => r.resourceId === finance.id);
    const before = await revisionOf(org);

    const res = await ok(org, [
      "PUT",
      `/api/v1/groups/${id}/definition`,
      {
        name: "Finance team",
        description: "Money",
        allUsers: false,
        privileges: true,
        notify: "email",
        add: { userIds: [cy.id], groupIds: [nested.id] },
        remove: { userIds: [bob.id] },
        rules: [
          { role: { roleId: writer }, scope: { kind: "resource", resourceId: finance.id } },
          { role: { roleId: managerRole }, scope: { kind: "resource", resourceId: hr.id } },
        ],
      },
    ]);
    assert.equal(res.body.revision, before + 1);
    assert.deepEqual(
      [res.body.group.name, res.body.group.description, res.body.group.notify],
      ["Finance team", "Money", "email"],
    );
    assert.deepEqual(
      ruleKeys(res.body.rules),
      [`app:${finance.id}:${writer}`, `app:${hr.id}:${managerRole}`].sort(),
    );
    assert.ok(
      res.body.rules.some((r: RuleOut) => r.id === keep.id),
      "the unchanged rule is the same rule",
    );
    const page = await detail(org, id);
    assert.deepEqual(page.members.users.map((u: { email: string }) => u.email).sort(), [
      "ada@x.test",
      "cy@x.test",
    ]);
    assert.deepEqual(page.members.groups, [{ id: nested.id, name: "Nested" }]);
    assert.deepEqual(await auditAt(org, before + 1), [
      "group.members.add",
      "group.members.remove",
      "group.update",
      "rule.create",
      "rule.remove",
      "rule.remove",
    ]);
    // Cy joins after the rules changed: one message, with what the group gives now.
    const cyMessage = (await messagesAt(org, before + 1)).find((m) => m.to === "cy@x.test");
    assert.match(cyMessage?.body ?? "", /You were added to Finance team, which gives .*Manager on HR/);

    // Rules left out stay as they are.
    const again = await ok(org, [
      "PUT",
      `/api/v1/groups/${id}/definition`,
      { name: "Finance team", description: "Money", allUsers: false, privileges: false, notify: "email" },
    ]);
    assert.deepEqual(ruleKeys(again.body.rules), ruleKeys(res.body.rules));
    assert.equal(again.body.group.privileges, false);
  });

  test("edit refuses, writing nothing: a cycle, a system group, an unknown group", async () => {
    const org = await api.newOrg();
    const outer = (await ok(org, ["POST", "/api/v1/groups", { name: "Outer" }], 201)).body.group;
    const inner = (await ok(org, ["POST", "/api/v1/groups", { name: "Inner" }], 201)).body.group;
    await ok(org, ["POST", `/api/v1/groups/${outer.id}/members`, { groupIds: [inner.id] }]);
    const general = { description: "", allUsers: false, privileges: true, notify: "none" };
    const cycle = await refused(
      org,
      [
        "PUT",
        `/api/v1/groups/${inner.id}/definition`,
        { ...general, name: "Renamed", add: { groupIds: [outer.id] } },
      ],
      409,
      "group.cycle",
    );
    assert.equal(cycle.detail, "Outer cannot be nested in Renamed: Renamed is already inside it.");
    assert.ok(await groupNamed(org, "Inner"), "the rename was not kept");
    const everyone = (await groupNamed(org, "Everyone"))!;
    await refused(
      org,
      ["PUT", `/api/v1/groups/${everyone.id}/definition`, { ...general, name: "Everyone" }],
      409,
      "group.system",
    );
    await refused(
      org,
      ["PUT", "/api/v1/groups/grp_nope/definition", { ...general, name: "X" }],
      404,
      "group.not_found",
    );
    await refused(
      org,
      ["PUT", `/api/v1/groups/${inner.id}/definition`, { name: "X" }],
      400,
      "request.invalid",
    );
  });

  test("a group manager edits members and general info, but not rules", async () => {
    const org = await api.newOrg();
    const ada = await invite(org, "ada@x.test");
    const g = (await ok(org, ["POST", "/api/v1/groups", { name: "Team" }], 201)).body.group;
    const ctx = {
      store: store(),
      orgId: org.orgId as OrgId,
      actor: { kind: "system", id: null, label: "test" } as const,
      authority: { kind: "manager", manageUsers: false, manageGroups: true } as const,
    };
    const general = {
      name: "Team",
      description: "",
      allUsers: false,
      privileges: true,
      notify: "none",
    } as const;
    const done = await redefineGroup(ctx, g.id as GroupId, {
      ...general,
      add: { userIds: [ada.id as never] },
    });
    assert.equal(done.changed, true);
    await assert.rejects(
      redefineGroup(ctx, g.id as GroupId, {
        ...general,
        rules: [{ role: { role: "Reader" }, scope: { kind: "all_current_and_future", type: "app" } }],
      }),
      { code: "auth.forbidden" },
    );
  });

  test("a delegate defines groups with rules inside their scope only, and the groups carry the delegation", async () => {
    const org = await api.newOrg();
    const dan = await invite(org, "dan@x.test");
    const marketing = await app(org, "marketing", "Marketing");
    const finance = await app(org, "finance", "Finance");
    const writer = (await roleId(org, "app", "Writer")) as RoleId;
    const admin = {
      store: store(),
      orgId: org.orgId as OrgId,
      actor: { kind: "system", id: null, label: "test" } as const,
      authority: { kind: "owner" } as const,
    };
    const delegation = (
      await createDelegation(admin, {
        userId: dan.id as UserId,
        scope: { kind: "resource", resourceId: marketing.id as ResourceId },
      })
    ).value.delegation;
    const ctx = {
      store: store(),
      orgId: org.orgId as OrgId,
      actor: { kind: "user", id: dan.id as UserId, label: dan.email } as const,
      authority: { kind: "delegate", delegationId: delegation.id as DelegationId } as const,
    };
    const rule = (resourceId: string) => ({
      role: { roleId: writer },
      scope: { kind: "resource" as const, resourceId: resourceId as ResourceId },
    });
    const made = await createDefinedGroup(ctx, { name: "Campaigns", rules: [rule(marketing.id)] });
    assert.equal(made.value.group.delegationId, delegation.id);
    assert.equal(made.value.rules.length, 1);

    const before = await revisionOf(org);
    await assert.rejects(createDefinedGroup(ctx, { name: "Books", rules: [rule(finance.id)] }), {
      code: "delegation.out_of_scope",
    });
    const outside = (await ok(org, ["POST", "/api/v1/groups", { name: "Outside" }], 201)).body.group;
    await assert.rejects(createDefinedGroup(ctx, { name: "Nesting", groupIds: [outside.id as GroupId] }), {
      code: "delegation.out_of_scope",
    });
    const general = {
      name: "Campaigns",
      description: "",
      allUsers: false,
      privileges: true,
      notify: "none",
    } as const;
    await assert.rejects(
      redefineGroup(ctx, made.value.group.id, { ...general, add: { groupIds: [outside.id as GroupId] } }),
      { code: "delegation.out_of_scope" },
    );
    await assert.rejects(redefineGroup(ctx, outside.id as GroupId, { ...general, name: "Outside" }), {
      code: "delegation.out_of_scope",
    });
    assert.equal(await revisionOf(org), before + 1, "only the admin's own group was written");
    assert.equal(await groupNamed(org, "Books"), undefined);
  });

  // ---- bulk -----------------------------------------------------------------------

  test("bulk notification setting: several groups in one revision, or none", async () => {
    const org = await api.newOrg();
    const a = (await ok(org, ["POST", "/api/v1/groups", { name: "A" }], 201)).body.group;
    const b = (await ok(org, ["POST", "/api/v1/groups", { name: "B" }], 201)).body.group;
    const everyone = (await groupNamed(org, "Everyone"))!;
    const before = await revisionOf(org);
    const res = await ok(org, [
      "POST",
      "/api/v1/groups/bulk/notify",
      { groupIds: [a.id, b.id, everyone.id], notify: "email" },
    ]);
    assert.equal(res.body.revision, before + 1);
    for (const name of ["A", "B", "Everyone"]) assert.equal((await groupNamed(org, name))?.notify, "email");
    await refused(
      org,
      ["POST", "/api/v1/groups/bulk/notify", { groupIds: [a.id, "grp_nope"], notify: "none" }],
      404,
      "group.not_found",
    );
    assert.equal((await groupNamed(org, "A"))?.notify, "email");
    await refused(
      org,
      ["POST", "/api/v1/groups/bulk/notify", { groupIds: [a.id], notify: "sms" }],
      400,
      "request.invalid",
    );
    await refused(
      org,
      ["POST", "/api/v1/groups/bulk/notify", { groupIds: [], notify: "none" }],
      400,
      "request.invalid",
    );
  });

  test("bulk delete: all or none; groups with members only with force", async () => {
    const org = await api.newOrg();
    const ada = await invite(org, "ada@x.test");
    const empty = (await ok(org, ["POST", "/api/v1/groups", { name: "Empty" }], 201)).body.group;
    const full = (await ok(org, ["POST", "/api/v1/groups", { name: "Full", userIds: [ada.id] }], 201)).body
      .group;
    const everyone = (await groupNamed(org, "Everyone"))!;
    const url = "/api/v1/groups/bulk/delete";
    const refusal = await refused(
      org,
      ["POST", url, { groupIds: [empty.id, full.id] }],
      409,
      "group.has_members",
    );
    assert.equal(refusal.detail, "Full still has members: remove them first, or delete with force.");
    await refused(
      org,
      ["POST", url, { groupIds: [empty.id, everyone.id], force: true }],
      409,
      "group.system",
    );
    assert.ok(await groupNamed(org, "Empty"), "nothing was deleted");

    const before = await revisionOf(org);
    const res = await ok(org, ["POST", url, { groupIds: [empty.id, full.id], force: true }]);
    assert.equal(res.body.revision, before + 1);
    assert.deepEqual(
      res.body.deleted.map((d: { group: { name: string }; removedMembers: unknown }) => [
        d.group.name,
        d.removedMembers,
      ]),
      [
        ["Empty", { users: 0, groups: 0 }],
        ["Full", { users: 1, groups: 0 }],
      ],
    );
    assert.equal(await groupNamed(org, "Full"), undefined);
    assert.equal(await groupNamed(org, "Empty"), undefined);
    assert.deepEqual(await auditAt(org, before + 1), ["group.delete", "group.delete"]);
  });

  test("who a selection of groups reaches: distinct active users, through nesting, the first by name", async () => {
    const org = await api.newOrg();
    const people = [];
    for (const [email, lastName] of [
      ["zed@x.test", "Zed"],
      ["ann@x.test", "Ann"],
      ["bo@x.test", "Bo"],
      ["off@x.test", "Off"],
    ] as const)
      people.push(await invite(org, email, { lastName }));
    const [zed, ann, bo, off] = people as [
      (typeof people)[0],
      (typeof people)[0],
      (typeof people)[0],
      (typeof people)[0],
    ];
    await ok(org, ["PATCH", `/api/v1/users/${off.id}`, { status: "deactivated" }]);
    const inner = (
      await ok(org, ["POST", "/api/v1/groups", { name: "Inner", userIds: [bo.id, off.id] }], 201)
    ).body.group;
    const a = (
      await ok(
        org,
        ["POST", "/api/v1/groups", { name: "A", userIds: [zed.id, ann.id], groupIds: [inner.id] }],
        201,
      )
    ).body.group;
    const b = (await ok(org, ["POST", "/api/v1/groups", { name: "B", userIds: [ann.id] }], 201)).body.group;
    const url = "/api/v1/groups/bulk/users";
    const both = (await ok(org, ["POST", url, { groupIds: [a.id, b.id], limit: 2 }])).body;
    assert.equal(both.total, 3, "zed, ann and bo (through Inner) once each; off is deactivated");
    assert.deepEqual(
      both.users.map((u: { email: string }) => u.email),
      ["ann@x.test", "bo@x.test"],
    );
    assert.deepEqual((await ok(org, ["POST", url, { groupIds: [b.id], limit: 0 }])).body, {
      total: 1,
      users: [],
    });
    const everyone = (await groupNamed(org, "Everyone"))!;
    assert.equal(
      (await ok(org, ["POST", url, { groupIds: [everyone.id] }])).body.total,
      4,
      "every active user",
    );
    await refused(org, ["POST", url, { groupIds: [a.id, "grp_nope"] }], 404, "group.not_found");
    await refused(org, ["POST", url, { groupIds: [a.id], limit: 101 }], 400, "request.invalid");
  });
});

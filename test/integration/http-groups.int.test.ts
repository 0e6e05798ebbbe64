import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createDelegation, createGroup, createResource, setRules } from "../../src/commands/index.ts";
import type { DelegationId, GroupId, OrgId, UserId } from "../../src/domain/index.ts";
import { describeBackends } from "../support/backends.ts";
import { type ApiOrg, apiHelpers, type Call, startApi, type TestApi } from "../support/http.ts";

type Org = ApiOrg;
type GroupRow = {
  id: string;
  name: string;
  system: string | null;
  privileges: boolean;
  role: string;
  users: number;
  apps: number;
  sites: number;
  delegation: { id: string; userEmail: string } | null;
  members: { users: number; groups: number };
};

describeBackends("HTTP: groups", (store) => {
  let api: TestApi;
  before(async () => {
    api = await startApi(store());
  });
  after(async () => api.close());

  // ---- helpers --------------------------------------------------------------------

  const { revisionOf, assertProblem, refused, assertWritten, invite, group } = apiHelpers(() => api);

  async function groups(org: Org, query = ""): Promise<GroupRow[]> {
    const res = await api.call(org.token, "GET", `/api/v1/groups${query ? `?${query}` : ""}`);
    assert.equal(res.status, 200, res.text);
    return res.body.groups;
  }

  async function row(org: Org, id: string): Promise<GroupRow> {
    const found = (await groups(org)).find((g) => g.id === id);
    assert.ok(found, `group ${id} is listed`);
    return found;
  }

  async function systemGroup(org: Org, key: string): Promise<string> {
    return (await groups(org)).find((g) => g.system === key)!.id;
  }

  async function page(org: Org, id: string) {
    const res = await api.call(org.token, "GET", `/api/v1/groups/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  const ctxOf = (org: Org) => ({
    store: store(),
    orgId: org.orgId as OrgId,
    actor: { kind: "system", id: null, label: "test" } as const,
    authority: { kind: "owner" } as const,
  });

  // ---- create and read ------------------------------------------------------------

  test("create answers 201 with the group and the revision; the group page shows members and parents", async () => {
    const org = await api.newOrg();
    const ada = await invite(org, { email: "ada@x.test", firstName: "Ada", lastName: "Lovelace" });
    const bob = await invite(org, { email: "bob@x.test", firstName: "Bob", lastName: "Babbage" });
    const child = await group(org, { name: "Child" });
    const res = await api.call(org.token, "POST", "/api/v1/groups", {
      name: "Finance team",
      description: "Money",
      userIds: [ada.id, bob.id],
      groupIds: [child.id],
      privileges: false,
      notify: "email",
    });
    await assertWritten(org, res, 201);
    const g = res.body.group;
    assert.deepEqual(
      (({ name, description, system, privileges, notify, allUsers, delegationId }) => ({
        name,
        description,
        system,
        privileges,
        notify,
        allUsers,
        delegationId,
      }))(g),
      {
        name: "Finance team",
        description: "Money",
        system: null,
        privileges: false,
        notify: "email",
        allUsers: false,
        delegationId: null,
      },
    );
    const body = await page(org, g.id);
    assert.deepEqual(
      (({ role, users, apps, sites, delegation, members }) => ({
        role,
        users,
        apps,
        sites,
        delegation,
        members,
      }))(body.group),
      { role: "", users: 2, apps: 0, sites: 0, delegation: null, members: { users: 2, groups: 1 } },
    );
    assert.deepEqual(body.members.users, [
      { id: bob.id, email: "bob@x.test", name: "Bob Babbage", status: "active" },
      { id: ada.id, email: "ada@x.test", name: "Ada Lovelace", status: "active" },
    ]);
    assert.deepEqual(body.members.groups, [{ id: child.id, name: "Child" }]);
    assert.deepEqual(body.rules, []);
    assert.deepEqual(body.parents, []);
    assert.deepEqual((await page(org, child.id)).parents, [{ id: g.id, name: "Finance team" }]);
  });

  test("all current users are added once; all current and future users is a flag", async () => {
    const org = await api.newOrg();
    await invite(org, { email: "a@x.test" });
    const snapshot = await group(org, { name: "Snapshot", allCurrentUsers: true });
    const everybody = await group(org, { name: "Everybody", allUsers: true });
    await invite(org, { email: "later@x.test" });
    const snap = await row(org, snapshot.id);
    assert.deepEqual([snap.members.users, snap.users], [2, 2], "the owner and a, not the later user");
    assert.equal((await page(org, snapshot.id)).members.users.length, 2);
    const all = await row(org, everybody.id);
    assert.deepEqual([all.members.users, all.users], [3, 3], "every user, the later one included");
  });

  test("create refuses bad input with a stable code and writes nothing", async () => {
    const org = await api.newOrg();
    const u = await invite(org, { email: "u@x.test" });
    await group(org, { name: "Finance team" });
    const cases: [Call, number, string][] = [
      [["POST", "/api/v1/groups", "{not json"], 400, "request.invalid"],
      [["POST", "/api/v1/groups", {}], 400, "request.invalid"],
      [["POST", "/api/v1/groups", { name: "" }], 400, "request.invalid"],
      [["POST", "/api/v1/groups", { name: "x".repeat(101) }], 400, "request.invalid"],
      [["POST", "/api/v1/groups", { name: "n", notify: "sms" }], 400, "request.invalid"],
      [["POST", "/api/v1/groups", { name: "n", userIds: "all" }], 400, "request.invalid"],
      [["POST", "/api/v1/groups", { name: "finance TEAM" }], 409, "group.name_taken"],
      [["POST", "/api/v1/groups", { name: "Everyone" }], 409, "group.name_taken"],
      [
        ["POST", "/api/v1/groups", { name: "n", allCurrentUsers: true, allUsers: true }],
        400,
        "group.invalid",
      ],
      [["POST", "/api/v1/groups", { name: "n", userIds: [u.id, "usr_nope"] }], 404, "user.not_found"],
      [["POST", "/api/v1/groups", { name: "n", groupIds: ["grp_nope"] }], 404, "group.not_found"],
    ];
    for (const [call, status, code] of cases) await refused(org.token, call, status, code);
    assert.equal((await groups(org, "q=n")).filter((g) => g.name === "n").length, 0);
  });

  test("a custom group needs the enterprise plan; system groups work on every plan", async () => {
    const org = await api.newOrg("free");
    const u = await invite(org, { email: "u@x.test" });
    await refused(org.token, ["POST", "/api/v1/groups", { name: "Custom" }], 403, "plan.enterprise_required");
    const power = await systemGroup(org, "power_users");
    const added = await api.call(org.token, "POST", `/api/v1/groups/${power}/members`, { userIds: [u.id] });
    await assertWritten(org, added);
    assert.deepEqual(added.body.added, { userIds: [u.id], groupIds: [] });
  });

  // ---- the groups table -----------------------------------------------------------

  test("the list gives what each group gives, its user, app and site counts, delegation and members", async () => {
    const org = await api.newOrg();
    const ctx = ctxOf(org);
    const app = async (key: string) =>
      (await createResource(ctx, { type: "app", key, name: key.toUpperCase() })).value.resource;
    const [a1, a2] = [await app("a1"), await app("a2"), await app("a3")];
    for (const key of ["s1", "s2"]) await createResource(ctx, { type: "site", key, name: key });

    const analysts = await group(org, { name: "analysts" });
    const subject = { kind: "group", id: analysts.id as GroupId } as const;
    await setRules(ctx, {
      subject,
      role: { role: "Reader" },
      scope: { kind: "resource", resourceId: a2!.id },
    });
    await setRules(ctx, {
      subject,
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: a1!.id },
    });
    await setRules(ctx, {
      subject,
      role: { role: "Analyst" },
      scope: { kind: "all_current_and_future", type: "site" },
    });

    const ops = await group(org, { name: "Ops" });
    const admins = await systemGroup(org, "administrators");
    await api.call(org.token, "POST", `/api/v1/groups/${admins}/members`, { groupIds: [ops.id] });

    const a = await invite(org, { email: "a@x.test" });
    const b = await invite(org, { email: "b@x.test" });
    const c = await invite(org, { email: "c@x.test" });
    await api.call(org.token, "PATCH", `/api/v1/users/${c.id}`, { status: "deactivated" });
    const child = await group(org, { name: "child", userIds: [a.id, b.id, c.id] });
    const parent = await group(org, { name: "Parent", userIds: [a.id], groupIds: [child.id] });

    const delegate = await invite(org, { email: "delegate@x.test" });
    const delegation = (
      await createDelegation(ctx, {
        userId: delegate.id as UserId,
        scope: { kind: "all_current_and_future", type: "app" },
      })
    ).value.delegation;
    const delegated = (
      await createGroup(
        {
          store: store(),
          orgId: org.orgId as OrgId,
          actor: { kind: "user", id: delegate.id as UserId, label: delegate.email },
          authority: { kind: "delegate", delegationId: delegation.id as DelegationId },
        },
        { name: "Delegated" },
      )
    ).value.group;

    const list = await groups(org);
    const names = list.map((g) => g.name);
    assert.deepEqual(
      names,
      [...names].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1)),
      "by name, case-insensitively",
    );
    const by = new Map(list.map((g) => [g.name, g]));
    const pick = (g: GroupRow | undefined) =>
      g && { role: g.role, users: g.users, apps: g.apps, sites: g.sites, members: g.members };
    assert.deepEqual(pick(by.get("analysts")), {
      role: "Writer, Reader, Analyst",
      users: 0,
      apps: 2,
      sites: 2,
      members: { users: 0, groups: 0 },
    });
    assert.deepEqual(pick(by.get("Ops")), {
      role: "Administrator",
      users: 0,
      apps: 3,
      sites: 2,
      members: { users: 0, groups: 0 },
    });
    assert.equal(by.get("Administrators")?.role, "Administrator");
    assert.equal(by.get("Administrators")?.members.groups, 1);
    assert.equal(by.get("Power Users")?.role, "Power user");
    assert.deepEqual(pick(by.get("Parent")), {
      role: "",
      users: 2,
      apps: 0,
      sites: 0,
      members: { users: 1, groups: 1 },
    });
    assert.deepEqual(
      [by.get("child")?.users, by.get("child")?.members.users],
      [2, 3],
      "active users counted; every direct member listed",
    );
    assert.deepEqual(
      [by.get("Everyone")?.users, by.get("Everyone")?.members.users],
      [4, 5],
      "the owner, a, b, c (deactivated) and the delegate",
    );
    assert.deepEqual(by.get("Delegated")?.delegation, { id: delegation.id, userEmail: "delegate@x.test" });
    assert.equal(by.get("Parent")?.delegation, null);
    assert.equal(by.get("Parent")?.id, parent.id);
    assert.equal(by.get("Delegated")?.id, delegated.id);

    assert.deepEqual(
      (await groups(org, "q=ANALY")).map((g) => g.name),
      ["analysts"],
    );
    assert.deepEqual(
      (await groups(org, "q=%25")).map((g) => g.name),
      [],
    );
    assertProblem(await api.call(org.token, "GET", "/api/v1/groups?sort=users"), 400, "request.invalid");

    // The group page lists its own rules: types in catalog order, then by resource.
    const rules = (await page(org, analysts.id)).rules.map(
      (r: { type: string; scope: string; resource: { key: string } | null; role: { name: string } }) => [
        r.type,
        r.scope,
        r.resource?.key ?? null,
        r.role.name,
      ],
    );
    assert.deepEqual(rules, [
      ["app", "resource", "a1", "Writer"],
      ["app", "resource", "a2", "Reader"],
      ["site", "all_current_and_future", null, "Analyst"],
    ]);
    const power = (await page(org, await systemGroup(org, "power_users"))).rules;
    assert.deepEqual(
      power.map((r: { type: string; locked: boolean; resource: unknown; role: { name: string } }) => [
        r.type,
        r.locked,
        r.resource,
        r.role.name,
      ]),
      [["workspace", true, null, "Power user"]],
    );
    assert.deepEqual((await page(org, ops.id)).parents, [{ id: admins, name: "Administrators" }]);
    assertProblem(await api.call(org.token, "GET", "/api/v1/groups/grp_nope"), 404, "group.not_found");
  });

  // ---- edit and delete ------------------------------------------------------------

  test("PATCH edits name, description, privileges, notify and all users; system groups only their notify", async () => {
    const org = await api.newOrg();
    const g = await group(org, { name: "Old" });
    await group(org, { name: "Taken" });
    const res = await api.call(org.token, "PATCH", `/api/v1/groups/${g.id}`, {
      name: "New",
      description: "Fresh",
      privileges: false,
      notify: "email",
      allUsers: true,
    });
    await assertWritten(org, res);
    assert.deepEqual(
      (({ name, description, privileges, notify, allUsers }) => ({
        name,
        description,
        privileges,
        notify,
        allUsers,
      }))(res.body.group),
      { name: "New", description: "Fresh", privileges: false, notify: "email", allUsers: true },
    );
    assert.equal((await page(org, g.id)).group.name, "New");

    const power = await systemGroup(org, "power_users");
    await assertWritten(
      org,
      await api.call(org.token, "PATCH", `/api/v1/groups/${power}`, { notify: "email" }),
    );
    const url = `/api/v1/groups/${g.id}`;
    await refused(org.token, ["PATCH", url, { name: "TAKEN" }], 409, "group.name_taken");
    await refused(org.token, ["PATCH", url, { name: "" }], 400, "request.invalid");
    await refused(org.token, ["PATCH", url, { notify: "sms" }], 400, "request.invalid");
    await refused(org.token, ["PATCH", url, "{bad"], 400, "request.invalid");
    await refused(
      org.token,
      ["PATCH", `/api/v1/groups/${power}`, { name: "Strong Users" }],
      409,
      "group.system",
    );
    await refused(
      org.token,
      ["PATCH", `/api/v1/groups/${power}`, { privileges: false }],
      409,
      "group.system",
    );
    await refused(org.token, ["PATCH", "/api/v1/groups/grp_nope", { name: "X" }], 404, "group.not_found");
  });

  test("DELETE refuses a group with members unless forced, which removes them", async () => {
    const org = await api.newOrg();
    const u = await invite(org, { email: "u@x.test" });
    const child = await group(org, { name: "Child" });
    const g = await group(org, { name: "Doomed", userIds: [u.id], groupIds: [child.id] });
    await refused(org.token, ["DELETE", `/api/v1/groups/${g.id}`], 409, "group.has_members");
    await refused(org.token, ["DELETE", `/api/v1/groups/${g.id}?force=false`], 409, "group.has_members");
    await refused(org.token, ["DELETE", `/api/v1/groups/${g.id}?force=yes`], 400, "request.invalid");
    assert.equal((await page(org, g.id)).members.users.length, 1, "still there, with its members");

    const res = await api.call(org.token, "DELETE", `/api/v1/groups/${g.id}?force=true`);
    await assertWritten(org, res);
    assert.equal(res.body.group.name, "Doomed");
    assert.deepEqual(res.body.removedMembers, { users: 1, groups: 1 });
    assertProblem(await api.call(org.token, "GET", `/api/v1/groups/${g.id}`), 404, "group.not_found");
    assert.deepEqual((await page(org, child.id)).parents, []);
    const user = await api.call(org.token, "GET", `/api/v1/users/${u.id}`);
    assert.deepEqual(user.body.user.groups, [], "the member keeps only other paths");

    await assertWritten(org, await api.call(org.token, "DELETE", `/api/v1/groups/${child.id}`), 200);
    const everyone = await systemGroup(org, "everyone");
    await refused(org.token, ["DELETE", `/api/v1/groups/${everyone}?force=true`], 409, "group.system");
    await refused(org.token, ["DELETE", `/api/v1/groups/${child.id}`], 404, "group.not_found");
  });

  // ---- members --------------------------------------------------------------------

  test("members are added and removed; re-sent adds change nothing", async () => {
    const org = await api.newOrg();
    const a = await invite(org, { email: "a@x.test" });
    const b = await invite(org, { email: "b@x.test" });
    const parent = await group(org, { name: "Parent" });
    const child = await group(org, { name: "Child" });
    const url = `/api/v1/groups/${parent.id}/members`;
    const added = await api.call(org.token, "POST", url, { userIds: [a.id, b.id], groupIds: [child.id] });
    await assertWritten(org, added);
    assert.deepEqual(added.body.added.userIds.sort(), [a.id, b.id].sort());
    assert.deepEqual(added.body.added.groupIds, [child.id]);
    const again = await api.call(org.token, "POST", url, { userIds: [a.id], groupIds: [child.id] });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.added, { userIds: [], groupIds: [] });
    assert.equal(again.body.revision, added.body.revision, "nothing changed: the revision stays");
    assert.equal(again.headers["roster-revision"], String(added.body.revision));

    const removed = await api.call(org.token, "POST", `${url}/remove`, {
      userIds: [a.id],
      groupIds: [child.id],
    });
    await assertWritten(org, removed);
    assert.deepEqual(removed.body.removed, { userIds: [a.id], groupIds: [child.id] });
    const body = await page(org, parent.id);
    assert.deepEqual(
      body.members.users.map((u: { id: string }) => u.id),
      [b.id],
    );
    assert.deepEqual(body.members.groups, []);
    const notThere = await api.call(org.token, "POST", `${url}/remove`, { userIds: [a.id] });
    assert.deepEqual(notThere.body.removed, { userIds: [], groupIds: [] });
  });

  test("members: cycles, Everyone, the last administrator, all-users groups and unknown ids are refused", async () => {
    const org = await api.newOrg();
    const a = await invite(org, { email: "a@x.test" });
    const parent = await group(org, { name: "Parent" });
    const child = await group(org, { name: "Child" });
    const grandchild = await group(org, { name: "Grandchild" });
    await api.call(org.token, "POST", `/api/v1/groups/${parent.id}/members`, { groupIds: [child.id] });
    await api.call(org.token, "POST", `/api/v1/groups/${child.id}/members`, { groupIds: [grandchild.id] });
    const everyone = await systemGroup(org, "everyone");
    const admins = await systemGroup(org, "administrators");
    const all = await group(org, { name: "All", allUsers: true });
    const cases: [Call, number, string][] = [
      [["POST", `/api/v1/groups/${grandchild.id}/members`, { groupIds: [parent.id] }], 409, "group.cycle"],
      [["POST", `/api/v1/groups/${parent.id}/members`, { groupIds: [parent.id] }], 409, "group.cycle"],
      [["POST", `/api/v1/groups/${everyone}/members`, { userIds: [a.id] }], 409, "group.everyone_members"],
      [
        ["POST", `/api/v1/groups/${everyone}/members/remove`, { userIds: [a.id] }],
        409,
        "group.everyone_members",
      ],
      [["POST", `/api/v1/groups/${admins}/members`, { groupIds: [everyone] }], 409, "group.all_users"],
      [
        ["POST", `/api/v1/groups/${admins}/members/remove`, { userIds: [org.adminId] }],
        409,
        "admin.last_administrator",
      ],
      [["POST", `/api/v1/groups/${all.id}/members/remove`, { userIds: [a.id] }], 409, "group.all_users"],
      [["POST", `/api/v1/groups/${parent.id}/members`, { userIds: ["usr_nope"] }], 404, "user.not_found"],
      [["POST", `/api/v1/groups/${parent.id}/members`, { groupIds: ["grp_nope"] }], 404, "group.not_found"],
      [["POST", "/api/v1/groups/grp_nope/members", { userIds: [a.id] }], 404, "group.not_found"],
      [["POST", `/api/v1/groups/${parent.id}/members`, { userIds: a.id }], 400, "request.invalid"],
      [["POST", `/api/v1/groups/${parent.id}/members`, "{bad"], 400, "request.invalid"],
    ];
    for (const [call, status, code] of cases) await refused(org.token, call, status, code);
  });

  test("bulk privileges turn several groups off in one change, or none of them", async () => {
    const org = await api.newOrg();
    const g1 = await group(org, { name: "One" });
    const g2 = await group(org, { name: "Two" });
    const before = await revisionOf(org.token);
    const res = await api.call(org.token, "POST", "/api/v1/groups/bulk/privileges", {
      groupIds: [g1.id, g2.id],
      privileges: false,
    });
    await assertWritten(org, res);
    assert.equal(res.body.revision, before + 1, "one change");
    assert.deepEqual(
      res.body.groups.map((g: { privileges: boolean }) => g.privileges),
      [false, false],
    );
    assert.equal((await row(org, g2.id)).privileges, false);

    const power = await systemGroup(org, "power_users");
    const url = "/api/v1/groups/bulk/privileges";
    await assertWritten(
      org,
      await api.call(org.token, "PATCH", `/api/v1/groups/${g1.id}`, { privileges: true }),
    );
    await refused(
      org.token,
      ["POST", url, { groupIds: [g1.id, power], privileges: false }],
      409,
      "group.system",
    );
    assert.equal((await row(org, g1.id)).privileges, true, "none of them changed");
    await refused(org.token, ["POST", url, { groupIds: [], privileges: true }], 400, "request.invalid");
    await refused(org.token, ["POST", url, { groupIds: [g1.id] }], 400, "request.invalid");
    await refused(
      org.token,
      ["POST", url, { groupIds: ["grp_nope"], privileges: true }],
      404,
      "group.not_found",
    );
  });

  // ---- who may call ---------------------------------------------------------------

  test("a token without the admin scope is forbidden; no token is unauthenticated", async () => {
    const org = await api.newOrg();
    const g = await group(org, { name: "Mine" });
    const u = await invite(org, { email: "u@x.test" });
    const made = await api.call(org.token, "POST", "/api/v1/tokens", { name: "checker", scopes: ["check"] });
    assert.equal(made.status, 201, made.text);
    const checker = made.body.token as string;
    const calls: Call[] = [
      ["GET", "/api/v1/groups"],
      ["GET", `/api/v1/groups/${g.id}`],
      ["POST", "/api/v1/groups", { name: "Sneaky" }],
      ["PATCH", `/api/v1/groups/${g.id}`, { name: "Renamed" }],
      ["DELETE", `/api/v1/groups/${g.id}?force=true`],
      ["POST", `/api/v1/groups/${g.id}/members`, { userIds: [u.id] }],
      ["POST", `/api/v1/groups/${g.id}/members/remove`, { userIds: [u.id] }],
      ["POST", "/api/v1/groups/bulk/privileges", { groupIds: [g.id], privileges: false }],
    ];
    for (const call of calls) {
      const before = await revisionOf(org.token);
      assertProblem(await api.call(checker, ...call), 403, "auth.forbidden", `${call[0]} ${call[1]}`);
      assertProblem(await api.call(null, ...call), 401, "auth.unauthenticated", `${call[0]} ${call[1]}`);
      assert.equal(await revisionOf(org.token), before);
    }
    assert.equal((await page(org, g.id)).group.name, "Mine");
  });

  test("another organization's token sees none of these groups and changes none", async () => {
    const org = await api.newOrg();
    const other = await api.newOrg();
    const u = await invite(org, { email: "mine@x.test" });
    const g = await group(org, { name: "Mine", userIds: [u.id] });
    const theirs = await group(other, { name: "Theirs" });
    const theirUser = await invite(other, { email: "theirs@x.test" });
    const before = await revisionOf(org.token);
    const calls: [Call, string][] = [
      [["GET", `/api/v1/groups/${g.id}`], "group.not_found"],
      [["PATCH", `/api/v1/groups/${g.id}`, { name: "Stolen" }], "group.not_found"],
      [["DELETE", `/api/v1/groups/${g.id}?force=true`], "group.not_found"],
      [["POST", `/api/v1/groups/${g.id}/members`, { userIds: [theirUser.id] }], "group.not_found"],
      [["POST", `/api/v1/groups/${g.id}/members/remove`, { userIds: [u.id] }], "group.not_found"],
      [
        ["POST", "/api/v1/groups/bulk/privileges", { groupIds: [g.id], privileges: false }],
        "group.not_found",
      ],
      [["POST", `/api/v1/groups/${theirs.id}/members`, { userIds: [u.id] }], "user.not_found"],
      [["POST", `/api/v1/groups/${theirs.id}/members`, { groupIds: [g.id] }], "group.not_found"],
      [["POST", "/api/v1/groups", { name: "Nest", groupIds: [g.id] }], "group.not_found"],
    ];
    for (const [call, code] of calls) await refused(other.token, call, 404, code);
    assert.ok(!(await groups(other)).some((x) => x.name === "Mine"));
    assert.deepEqual(
      (await groups(other, "q=mine")).map((x) => x.name),
      [],
    );
    assert.equal(await revisionOf(org.token), before, "nothing changed here");
    const mine = await page(org, g.id);
    assert.equal(mine.group.name, "Mine");
    assert.deepEqual(
      mine.members.users.map((x: { id: string }) => x.id),
      [u.id],
    );
  });

  test("the OpenAPI document lists the groups routes under the groups tag", async () => {
    const doc = (await api.call(null, "GET", "/api/openapi.json")).body;
    const ops = [
      doc.paths["/api/v1/groups"].get,
      doc.paths["/api/v1/groups"].post,
      doc.paths["/api/v1/groups/{id}"].get,
      doc.paths["/api/v1/groups/{id}"].patch,
      doc.paths["/api/v1/groups/{id}"].delete,
      doc.paths["/api/v1/groups/{id}/members"].post,
      doc.paths["/api/v1/groups/{id}/members/remove"].post,
      doc.paths["/api/v1/groups/bulk/privileges"].post,
    ];
    for (const op of ops) {
      assert.deepEqual(op.tags, ["groups"]);
      assert.ok(op.summary);
      for (const status of ["400", "401", "403", "404", "409", "413"])
        assert.ok(op.responses[status], status);
    }
  });
});

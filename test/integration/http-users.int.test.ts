import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import type { Store } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { type ApiOrg, apiHelpers, type Call, startApi, type TestApi } from "../support/http.ts";

type Org = ApiOrg;

describeBackends("HTTP: users", (store) => {
  let api: TestApi;
  before(async () => {
    api = await startApi(store());
  });
  after(async () => api.close());

  // ---- helpers --------------------------------------------------------------------

  const { revisionOf, assertProblem, refused, assertWritten, invite, group } = apiHelpers(() => api);

  async function systemGroup(org: Org, key: string): Promise<string> {
    const res = await api.call(org.token, "GET", "/api/v1/groups");
    return res.body.groups.find((g: { system: string | null }) => g.system === key).id;
  }

  async function list(org: Org, query: string) {
    const res = await api.call(org.token, "GET", `/api/v1/users${query ? `?${query}` : ""}`);
    assert.equal(res.status, 200, res.text);
    return res.body as {
      users: { id: string; email: string; role: string }[];
      nextCursor: string | null;
      total: number;
    };
  }

  const emails = (page: { users: { email: string }[] }) => page.users.map((u) => u.email);

  /** Sets "last active" as PostgreSQL stores it (microseconds), or null. */
  async function setLastActive(s: Store, userId: string, at: string | null) {
    await s.db.execute(sql`update users set last_active_at = ${at}::timestamptz where id = ${userId}`);
  }

  async function walk(org: Org, query: string, limit: number) {
    const seen: string[] = [];
    const totals = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(
        org,
        `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      assert.ok(page.users.length <= limit);
      seen.push(...page.users.map((u) => u.id));
      totals.add(page.total);
      cursor = page.nextCursor;
      pages++;
      assert.ok(pages < 100, "the cursor does not end");
    } while (cursor);
    return { ids: seen, totals: [...totals], pages };
  }

  // ---- invite and read ------------------------------------------------------------

  test("invite answers 201 with the user and the revision; the user page shows role, groups and nesting", async () => {
    const org = await api.newOrg();
    const team = await group(org, { name: "EMEA team" });
    const parent = await group(org, { name: "Europe", groupIds: [team.id] });
    const res = await api.call(org.token, "POST", "/api/v1/users", {
      email: "Ada.Lovelace@x.test",
      firstName: "Ada",
      lastName: "Lovelace",
      role: "admin",
      groupIds: [team.id],
      attributes: { region: ["EMEA"] },
      externalId: "ext-ada",
    });
    await assertWritten(org, res, 201);
    const ada = res.body.user;
    assert.deepEqual(
      {
        email: ada.email,
        firstName: ada.firstName,
        lastName: ada.lastName,
        status: ada.status,
        owner: ada.owner,
        externalId: ada.externalId,
        attributes: ada.attributes,
      },
      {
        email: "Ada.Lovelace@x.test",
        firstName: "Ada",
        lastName: "Lovelace",
        status: "active",
        owner: false,
        externalId: "ext-ada",
        attributes: { region: ["EMEA"] },
      },
    );

    const page = await api.call(org.token, "GET", `/api/v1/users/${ada.id}`);
    assert.equal(page.status, 200, page.text);
    assert.equal(page.body.user.role, "admin");
    assert.equal(page.body.user.lastActiveAt, null);
    assert.deepEqual(
      page.body.user.groups.map((g: { name: string }) => g.name),
      ["Administrators", "EMEA team"],
      "direct groups by name, Everyone left out",
    );
    assert.deepEqual(page.body.inheritedGroups, [
      { id: parent.id, name: "Europe", through: { id: team.id, name: "EMEA team" } },
    ]);

    // The email is the user id people see: unique, compared case-insensitively.
    await refused(
      org.token,
      ["POST", "/api/v1/users", { email: "ada.lovelace@X.TEST" }],
      409,
      "user.email_taken",
    );
  });

  test("invite refuses bad input with a stable code and writes nothing", async () => {
    const org = await api.newOrg();
    const cases: [Call, number, string][] = [
      [["POST", "/api/v1/users", "{not json"], 400, "request.invalid"],
      [["POST", "/api/v1/users", {}], 400, "request.invalid"],
      [["POST", "/api/v1/users", { email: "not-an-email" }], 400, "user.invalid"],
      [["POST", "/api/v1/users", { email: "x@x.test", role: "superuser" }], 400, "request.invalid"],
      [
        ["POST", "/api/v1/users", { email: "x@x.test", attributes: { region: "EMEA" } }],
        400,
        "request.invalid",
      ],
      [["POST", "/api/v1/users", { email: "x@x.test", groupIds: ["grp_nope"] }], 404, "group.not_found"],
      [["POST", "/api/v1/users", { email: "x@x.test", role: "owner" }], 403, "admin.owner_required"],
      [["POST", "/api/v1/users", { email: `${"x".repeat(300)}@x.test` }], 400, "request.invalid"],
    ];
    for (const [call, status, code] of cases) await refused(org.token, call, status, code);
    assert.equal((await list(org, "")).total, 1, "only the first administrator");
  });

  // ---- the list -------------------------------------------------------------------

  test("search by name or email is case-insensitive and finds parts; filters by role, group and status", async () => {
    const org = await api.newOrg();
    const ada = await invite(org, { email: "ada@x.test", firstName: "Ada", lastName: "Lovelace" });
    const bob = await invite(org, { email: "bob.builder@x.test", firstName: "Bob", lastName: "Builder" });
    const carol = await invite(org, { email: "carol@x.test", firstName: "Carol", lastName: "Shaw" });
    const dave = await invite(org, { email: "dave@x.test", firstName: "Dave", lastName: "Cutler" });
    await invite(org, { email: "50%off@x.test", firstName: "Percy", lastName: "Sale" });

    assert.deepEqual(emails(await list(org, "q=LOVE")), ["ada@x.test"]);
    assert.deepEqual(emails(await list(org, "q=ada%20lovelace")), ["ada@x.test"]);
    assert.deepEqual(emails(await list(org, "q=Lovelace%20ADA")), ["ada@x.test"], "last name first");
    assert.deepEqual(emails(await list(org, "q=BUILDER%40X")), ["bob.builder@x.test"], "part of the email");
    assert.deepEqual(emails(await list(org, "q=%25")), ["50%off@x.test"], "% is literal");
    assert.deepEqual(emails(await list(org, "q=_")), [], "_ is literal");
    const found = await list(org, "q=x.test");
    assert.equal(found.total, 5);

    // Role comes from Administrators, directly or through a nested group.
    const admins = await systemGroup(org, "administrators");
    const ops = await group(org, { name: "Ops", userIds: [bob.id] });
    const nested = await api.call(org.token, "POST", `/api/v1/groups/${admins}/members`, {
      groupIds: [ops.id],
    });
    assert.equal(nested.status, 200, nested.text);
    assert.deepEqual(emails(await list(org, "role=admin")), ["bob.builder@x.test"]);
    assert.deepEqual(emails(await list(org, "role=owner")), [org.adminEmail]);
    assert.deepEqual(emails(await list(org, "role=member")).sort(), [
      "50%off@x.test",
      "ada@x.test",
      "carol@x.test",
      "dave@x.test",
    ]);
    const bobPage = await api.call(org.token, "GET", `/api/v1/users/${bob.id}`);
    assert.equal(bobPage.body.user.role, "admin");
    assert.deepEqual(bobPage.body.inheritedGroups, [
      { id: admins, name: "Administrators", through: { id: ops.id, name: "Ops" } },
    ]);
    const listed = (await list(org, "q=bob")).users[0]!;
    assert.equal(listed.role, "admin", "the list shows the same role");

    // Group: direct or nested members.
    const child = await group(org, { name: "Child", userIds: [carol.id] });
    const parent = await group(org, { name: "Parent", userIds: [ada.id], groupIds: [child.id] });
    assert.deepEqual(
      emails(await list(org, `group=${parent.id}`)),
      ["ada@x.test", "carol@x.test"],
      "Lovelace, then Shaw (through Child)",
    );
    assert.deepEqual(emails(await list(org, `group=${child.id}`)), ["carol@x.test"]);
    const everyone = await systemGroup(org, "everyone");
    assert.equal((await list(org, `group=${everyone}`)).total, 6, "Everyone holds every user");
    assertProblem(await api.call(org.token, "GET", "/api/v1/users?group=grp_nope"), 404, "group.not_found");

    // Status.
    const off = await api.call(org.token, "PATCH", `/api/v1/users/${dave.id}`, { status: "deactivated" });
    await assertWritten(org, off);
    assert.deepEqual(emails(await list(org, "status=deactivated")), ["dave@x.test"]);
    assert.equal((await list(org, "status=active")).total, 5);
    assert.deepEqual(emails(await list(org, "status=deactivated&role=member&q=CUT")), ["dave@x.test"]);

    for (const query of [
      "limit=0",
      "limit=501",
      "role=superuser",
      "status=gone",
      "sort=email",
      "cursor=nope",
    ]) {
      assertProblem(
        await api.call(org.token, "GET", `/api/v1/users?${query}`),
        400,
        "request.invalid",
        query,
      );
    }
  });

  test("the list gives each user's role, last activity and direct groups; sorted by name", async () => {
    const org = await api.newOrg();
    const team = await group(org, { name: "team" });
    const all = await group(org, { name: "All of us", allUsers: true });
    await invite(org, { email: "z@x.test", firstName: "Zoe", lastName: "Adams", groupIds: [team.id] });
    await invite(org, { email: "a@x.test", firstName: "Amy", lastName: "Young" });
    await invite(org, { email: "b@x.test", firstName: "Bea", lastName: "Adams" });
    await invite(org, { email: "d@x.test", firstName: "Dirk", lastName: "de Vries" });
    const page = await list(org, "q=x.test");
    assert.deepEqual(
      emails(page),
      ["b@x.test", "z@x.test", "d@x.test", "a@x.test"],
      "last name, then first name, whatever their case",
    );
    const zoe = page.users[1] as unknown as { groups: { id: string; name: string }[]; lastActiveAt: null };
    assert.deepEqual(zoe.groups, [
      { id: all.id, name: "All of us" },
      { id: team.id, name: "team" },
    ]);
    assert.equal(zoe.lastActiveAt, null);
  });

  test("cursor paging walks every user exactly once, by name and by recent activity (microsecond ties)", async () => {
    const org = await api.newOrg();
    const names: [string, string][] = [
      ["John", "Smith"],
      ["John", "Smith"],
      ["John", "Smith"],
      ["Anna", "Smith"],
      ["Zed", "Alpha"],
      ["", ""],
      ["Mia", "Wong"],
      ["Li", "Wong"],
      ["Omar", "Haddad"],
      ["Ivy", "Chen"],
      ["Max", "Chen"],
      ["Eve", "Brown"],
      ["Tom", "Brown"],
      ["Sam", "Brown"],
      ["jan", "de Vries"],
      ["Ann", "DE VRIES"],
      ["bob", "de vries"],
      ["Ann", "de Vries"],
    ];
    const users: { id: string; first: string; last: string; at: string | null }[] = [];
    const stamps = [
      "2031-05-01 10:00:00.123456+00",
      "2031-05-01 10:00:00.123457+00", // a microsecond later: must come first
      "2031-05-01 10:00:00.123456+00", // a tie: broken by id
      "2031-05-01 10:00:00.123+00",
      "2031-04-30 09:00:00+00",
      null,
      null,
    ];
    for (const [i, [first, last]] of names.entries()) {
      const u = await invite(org, { email: `u${i}@x.test`, firstName: first, lastName: last });
      const at = stamps[i % stamps.length] ?? null;
      await setLastActive(store(), u.id, at);
      users.push({ id: u.id, first, last, at });
    }
    const everyone = (await list(org, "limit=500")).users.map((u) => u.id);
    assert.equal(everyone.length, names.length + 1, "the invited users and the first administrator");

    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const ownerRow = { id: org.adminId, first: "Olive", last: "", at: null };
    const all = [...users, ownerRow];
    const lower = (t: string) => t.toLowerCase();
    const byName = [...all].sort(
      (a, b) => cmp(lower(a.last), lower(b.last)) || cmp(lower(a.first), lower(b.first)) || cmp(a.id, b.id),
    );
    for (const limit of [1, 4, 5]) {
      const walked = await walk(org, "sort=name", limit);
      assert.deepEqual(
        walked.ids,
        byName.map((u) => u.id),
        `by name, ${limit} a page`,
      );
      assert.deepEqual(walked.totals, [all.length], "the total is the same on every page");
    }

    const micros = (t: string | null) => (t === null ? -1 : microsOf(t));
    const recent = [...all].sort((a, b) => micros(b.at) - micros(a.at) || cmp(b.id, a.id));
    for (const limit of [1, 3, 4]) {
      const walked = await walk(org, "sort=recent", limit);
      assert.deepEqual(
        walked.ids,
        recent.map((u) => u.id),
        `by recent activity, ${limit} a page`,
      );
    }
    const first = (await list(org, "sort=recent&limit=1")).users[0] as unknown as { lastActiveAt: string };
    assert.equal(first.lastActiveAt, "2031-05-01T10:00:00.123Z", "lastActiveAt in ISO 8601 (milliseconds)");

    // Filters hold across pages; a cursor belongs to its sort.
    const smiths = await walk(org, "sort=name&q=smith", 2);
    assert.equal(smiths.ids.length, 4);
    assert.deepEqual(smiths.totals, [4]);
    const nameCursor = (await list(org, "sort=name&limit=2")).nextCursor!;
    assertProblem(
      await api.call(org.token, "GET", `/api/v1/users?sort=recent&cursor=${nameCursor}`),
      400,
      "request.invalid",
    );
    const forged = Buffer.from(JSON.stringify(["recent", "yesterday'; drop table users", "x"])).toString(
      "base64url",
    );
    assertProblem(
      await api.call(org.token, "GET", `/api/v1/users?sort=recent&cursor=${forged}`),
      400,
      "request.invalid",
    );
  });

  /** Microseconds since the epoch of a timestamp written as PostgreSQL does (`2031-05-01 10:00:00.123456+00`). */
  function microsOf(t: string): number {
    const frac = (/\.(\d+)/.exec(t)?.[1] ?? "").padEnd(6, "0");
    const whole = Date.parse(`${t.replace(" ", "T").replace(/\.\d+/, "").replace(/\+00$/, "")}Z`);
    return whole * 1000 + Number(frac);
  }

  // ---- edit, role, remove ---------------------------------------------------------

  test("PATCH edits names, email, attributes, external id and status", async () => {
    const org = await api.newOrg();
    const u = await invite(org, { email: "old@x.test", firstName: "Old", lastName: "Name" });
    await invite(org, { email: "taken@x.test" });
    const res = await api.call(org.token, "PATCH", `/api/v1/users/${u.id}`, {
      email: "New@x.test",
      firstName: "New",
      lastName: "Person",
      attributes: { region: ["APAC", "EMEA"] },
      externalId: "ext-9",
      status: "deactivated",
    });
    await assertWritten(org, res);
    assert.deepEqual(
      (({ email, firstName, lastName, attributes, externalId, status }) => ({
        email,
        firstName,
        lastName,
        attributes,
        externalId,
        status,
      }))(res.body.user),
      {
        email: "New@x.test",
        firstName: "New",
        lastName: "Person",
        attributes: { region: ["APAC", "EMEA"] },
        externalId: "ext-9",
        status: "deactivated",
      },
    );
    const read = await api.call(org.token, "GET", `/api/v1/users/${u.id}`);
    assert.equal(read.body.user.email, "New@x.test");
    assert.equal(read.body.user.status, "deactivated");
    const cleared = await api.call(org.token, "PATCH", `/api/v1/users/${u.id}`, {
      externalId: null,
      status: "active",
    });
    await assertWritten(org, cleared);
    assert.equal(cleared.body.user.externalId, null);

    const url = `/api/v1/users/${u.id}`;
    await refused(org.token, ["PATCH", url, { email: "TAKEN@x.test" }], 409, "user.email_taken");
    await refused(org.token, ["PATCH", url, { email: "nope" }], 400, "user.invalid");
    await refused(org.token, ["PATCH", url, { status: "gone" }], 400, "request.invalid");
    await refused(org.token, ["PATCH", url, "{bad"], 400, "request.invalid");
    await refused(org.token, ["PATCH", "/api/v1/users/usr_nope", { firstName: "X" }], 404, "user.not_found");
    // The first administrator is an owner: an admin token cannot deactivate (or re-address) an owner.
    await refused(
      org.token,
      ["PATCH", `/api/v1/users/${org.adminId}`, { status: "deactivated" }],
      403,
      "admin.owner_required",
    );
  });

  test("PUT role makes and unmakes administrators; inherited and owner roles are refused", async () => {
    const org = await api.newOrg();
    const u = await invite(org, { email: "promote@x.test" });
    const up = await api.call(org.token, "PUT", `/api/v1/users/${u.id}/role`, { role: "admin" });
    await assertWritten(org, up);
    assert.equal(up.body.role, "admin");
    assert.equal((await api.call(org.token, "GET", `/api/v1/users/${u.id}`)).body.user.role, "admin");
    const down = await api.call(org.token, "PUT", `/api/v1/users/${u.id}/role`, { role: "member" });
    await assertWritten(org, down);
    assert.equal((await api.call(org.token, "GET", `/api/v1/users/${u.id}`)).body.user.role, "member");

    // Admin through a group nested in Administrators: demote by leaving that group.
    const admins = await systemGroup(org, "administrators");
    const ops = await group(org, { name: "Ops", userIds: [u.id] });
    await api.call(org.token, "POST", `/api/v1/groups/${admins}/members`, { groupIds: [ops.id] });
    const url = `/api/v1/users/${u.id}/role`;
    await refused(org.token, ["PUT", url, { role: "member" }], 409, "user.role_inherited");
    // An admin token is not an owner.
    await refused(org.token, ["PUT", url, { role: "owner" }], 403, "admin.owner_required");
    await refused(org.token, ["PUT", url, { role: "root" }], 400, "request.invalid");
    await refused(org.token, ["PUT", url, {}], 400, "request.invalid");
    await refused(
      org.token,
      ["PUT", "/api/v1/users/usr_nope/role", { role: "admin" }],
      404,
      "user.not_found",
    );
  });

  test("DELETE removes the user with their memberships", async () => {
    const org = await api.newOrg();
    const u = await invite(org, { email: "leaving@x.test" });
    const team = await group(org, { name: "Team", userIds: [u.id] });
    const res = await api.call(org.token, "DELETE", `/api/v1/users/${u.id}`);
    await assertWritten(org, res);
    assert.equal(res.body.user.email, "leaving@x.test");
    assertProblem(await api.call(org.token, "GET", `/api/v1/users/${u.id}`), 404, "user.not_found");
    assert.deepEqual(emails(await list(org, "")), [org.adminEmail]);
    const page = await api.call(org.token, "GET", `/api/v1/groups/${team.id}`);
    assert.deepEqual(page.body.members.users, []);
    await refused(org.token, ["DELETE", `/api/v1/users/${u.id}`], 404, "user.not_found");
    // The first administrator is an owner: an admin token may not remove them (and they are the last admin).
    await refused(org.token, ["DELETE", `/api/v1/users/${org.adminId}`], 403, "admin.owner_required");
  });

  test("bulk edit adds users to some groups and removes them from others in one change", async () => {
    const org = await api.newOrg();
    const a = await invite(org, { email: "a@x.test" });
    const b = await invite(org, { email: "b@x.test" });
    const g1 = await group(org, { name: "One" });
    const g2 = await group(org, { name: "Two", userIds: [a.id, b.id] });
    const before = await revisionOf(org.token);
    const res = await api.call(org.token, "POST", "/api/v1/users/bulk/groups", {
      userIds: [a.id, b.id],
      add: [g1.id],
      remove: [g2.id],
    });
    await assertWritten(org, res);
    assert.equal(res.body.revision, before + 1, "one change");
    for (const id of [a.id, b.id]) {
      const page = await api.call(org.token, "GET", `/api/v1/users/${id}`);
      assert.deepEqual(
        page.body.user.groups.map((g: { name: string }) => g.name),
        ["One"],
      );
    }
    const everyone = await systemGroup(org, "everyone");
    const url = "/api/v1/users/bulk/groups";
    await refused(
      org.token,
      ["POST", url, { userIds: [a.id], add: [g1.id], remove: [g1.id] }],
      400,
      "request.invalid",
    );
    await refused(org.token, ["POST", url, { userIds: [], add: [g1.id] }], 400, "request.invalid");
    await refused(org.token, ["POST", url, { userIds: [a.id] }], 400, "request.invalid");
    await refused(org.token, ["POST", url, { userIds: [a.id], add: ["grp_nope"] }], 404, "group.not_found");
    await refused(org.token, ["POST", url, { userIds: ["usr_nope"], add: [g2.id] }], 404, "user.not_found");
    await refused(
      org.token,
      ["POST", url, { userIds: [a.id], add: [everyone] }],
      409,
      "group.everyone_members",
    );
    await refused(
      org.token,
      ["POST", url, { userIds: [org.adminId], remove: [await systemGroup(org, "administrators")] }],
      409,
      "admin.last_administrator",
    );
  });

  // ---- who may call ---------------------------------------------------------------

  test("a token without the admin scope is forbidden; no token is unauthenticated", async () => {
    const org = await api.newOrg();
    const u = await invite(org, { email: "someone@x.test" });
    const team = await group(org, { name: "Team" });
    const made = await api.call(org.token, "POST", "/api/v1/tokens", { name: "checker", scopes: ["check"] });
    assert.equal(made.status, 201, made.text);
    const checker = made.body.token as string;
    const calls: Call[] = [
      ["GET", "/api/v1/users"],
      ["GET", `/api/v1/users/${u.id}`],
      ["POST", "/api/v1/users", { email: "new@x.test" }],
      ["PATCH", `/api/v1/users/${u.id}`, { firstName: "X" }],
      ["PUT", `/api/v1/users/${u.id}/role`, { role: "admin" }],
      ["DELETE", `/api/v1/users/${u.id}`],
      ["POST", "/api/v1/users/bulk/groups", { userIds: [u.id], add: [team.id] }],
    ];
    for (const call of calls) {
      const before = await revisionOf(org.token);
      assertProblem(await api.call(checker, ...call), 403, "auth.forbidden", `${call[0]} ${call[1]}`);
      assertProblem(await api.call(null, ...call), 401, "auth.unauthenticated", `${call[0]} ${call[1]}`);
      assert.equal(await revisionOf(org.token), before);
    }
    assert.equal((await api.call(org.token, "GET", `/api/v1/users/${u.id}`)).body.user.firstName, "");
  });

  test("another organization's token sees none of these users and changes none", async () => {
    const org = await api.newOrg();
    const other = await api.newOrg();
    const u = await invite(org, { email: "mine@x.test", firstName: "Mine" });
    const team = await group(org, { name: "Mine" });
    const theirs = await group(other, { name: "Theirs" });
    const before = await revisionOf(org.token);
    const calls: [Call, string][] = [
      [["GET", `/api/v1/users/${u.id}`], "user.not_found"],
      [["PATCH", `/api/v1/users/${u.id}`, { firstName: "Theirs" }], "user.not_found"],
      [["PUT", `/api/v1/users/${u.id}/role`, { role: "admin" }], "user.not_found"],
      [["DELETE", `/api/v1/users/${u.id}`], "user.not_found"],
      [["POST", "/api/v1/users/bulk/groups", { userIds: [u.id], add: [theirs.id] }], "user.not_found"],
      [["POST", "/api/v1/users", { email: "x@x.test", groupIds: [team.id] }], "group.not_found"],
      [["GET", `/api/v1/users?group=${team.id}`], "group.not_found"],
    ];
    for (const [call, code] of calls) await refused(other.token, call, 404, code);
    assert.deepEqual((await list(other, "q=mine")).users, []);
    assert.deepEqual(emails(await list(other, "")), [other.adminEmail]);
    assert.equal(await revisionOf(org.token), before, "nothing changed here");
    const mine = await api.call(org.token, "GET", `/api/v1/users/${u.id}`);
    assert.equal(mine.body.user.firstName, "Mine");
    assert.equal(mine.body.user.role, "member");
  });

  test("the OpenAPI document lists the users routes under the users tag", async () => {
    const doc = (await api.call(null, "GET", "/api/openapi.json")).body;
    const ops = [
      doc.paths["/api/v1/users"].get,
      doc.paths["/api/v1/users"].post,
      doc.paths["/api/v1/users/{id}"].get,
      doc.paths["/api/v1/users/{id}"].patch,
      doc.paths["/api/v1/users/{id}"].delete,
      doc.paths["/api/v1/users/{id}/role"].put,
      doc.paths["/api/v1/users/bulk/groups"].post,
    ];
    for (const op of ops) {
      assert.deepEqual(op.tags, ["users"]);
      assert.ok(op.summary);
      for (const status of ["400", "401", "403", "404", "409", "413"])
        assert.ok(op.responses[status], status);
    }
  });
});

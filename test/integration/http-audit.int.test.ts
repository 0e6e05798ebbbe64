import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createGroup, inviteUser } from "../../src/commands/index.ts";
import type { OrgId, UserId } from "../../src/domain/index.ts";
import { AUDIT_COLUMNS, GROUP_COLUMNS, RULE_COLUMNS, USER_COLUMNS } from "../../src/queries/index.ts";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

type Org = Awaited<ReturnType<TestApi["newOrg"]>>;
type Entry = {
  id: string;
  at: string;
  revision: number;
  actor: { kind: string; id: string | null; label: string };
  requestId: string | null;
  action: string;
  target: { type: string; id: string | null; label: string | null };
  before: { name?: string } | null;
  after: { name?: string } | null;
};

describeBackends("HTTP: audit log, exports and notifications", (store) => {
  let api: TestApi;
  let org: Org;
  let other: Org;
  let finance: string;
  let renameRequest: string;
  let ruleRevision: number;

  const revision = async (o: Org = org) =>
    (await api.call(o.token, "GET", "/api/v1/organization")).body.revision as number;
  const call = (method: string, url: string, body?: unknown) =>
    api.call(org.token, method as "GET", url, body);
  const today = () => new Date().toISOString().slice(0, 10);

  before(async () => {
    api = await startApi(store());
    org = await api.newOrg();
    other = await api.newOrg();
    const ctx = {
      store: store(),
      orgId: org.orgId as OrgId,
      actor: { kind: "system", id: null, label: "setup-script" } as const,
      authority: { kind: "owner" } as const,
    };
    const ids: UserId[] = [];
    for (const [email, firstName] of [
      ["alice@x.test", "Alice"],
      ["bob@x.test", "Bob"],
    ] as const) {
      ids.push((await inviteUser(ctx, { email, firstName })).value.user.id);
    }
    const team = (await createGroup(ctx, { name: "Finance team", userIds: ids, notify: "email" })).value
      .group;
    const created = await call("POST", "/api/v1/resources", { type: "app", key: "fin", name: "Finance" });
    finance = created.body.resource.id;
    const renamed = await call("PATCH", `/api/v1/resources/${finance}`, { name: "Finance & Co" });
    renameRequest = String(renamed.headers["x-request-id"]);
    const rule = await call("POST", "/api/v1/rules", {
      subject: { kind: "group", id: team.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: finance },
    });
    ruleRevision = rule.body.revision;
    await api.call(other.token, "POST", "/api/v1/resources", {
      type: "app",
      key: "fin",
      name: "Their finance",
    });
  });
  after(async () => api.close());

  test("the audit log answers newest first: who, when, from which request, before and after", async () => {
    const res = await call("GET", "/api/v1/audit?limit=100");
    assert.equal(res.status, 200, res.text);
    const entries = res.body.entries as Entry[];
    assert.equal(res.body.nextCursor, null);
    for (let i = 1; i < entries.length; i++) {
      const [a, b] = [entries[i - 1]!, entries[i]!];
      assert.ok(a.at > b.at || (a.at === b.at && Number(a.id) > Number(b.id)), "newest first");
    }
    assert.equal(entries[0]!.action, "rule.create");
    assert.equal(entries[0]!.revision, ruleRevision);
    const rename = entries.find((e) => e.action === "resource.update")!;
    assert.deepEqual(
      [rename.actor.kind, rename.actor.label, rename.requestId, rename.target.id, rename.target.label],
      ["token", "token bootstrap", renameRequest, finance, "Finance & Co"],
    );
    assert.deepEqual([rename.before?.name, rename.after?.name], ["Finance", "Finance & Co"]);
    assert.ok(entries.some((e) => e.action === "group.create" && e.actor.label === "setup-script"));

    const pick = async (query: string) => {
      const r = await call("GET", `/api/v1/audit?${query}`);
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      return (r.body.entries as Entry[]).map((e) => e.action);
    };
    assert.deepEqual(await pick(`target=${encodeURIComponent("FINANCE & co")}`), ["resource.update"]);
    assert.deepEqual(await pick("target=finance%20team"), [
      "rule.create",
      "group.members.add",
      "group.create",
    ]);
    assert.deepEqual(await pick(`target=${finance}`), ["resource.update", "resource.create"]);
    assert.deepEqual(await pick("action=resource"), ["resource.update", "resource.create"]);
    assert.deepEqual(await pick("action=resource.create"), ["resource.create"]);
    assert.ok((await pick("actor=setup-script")).every((a) => !a.startsWith("resource.")));
    assert.deepEqual(await pick("actor=setup-script&action=resource"), []);
    assert.equal((await pick(`from=${today()}&to=${today()}`)).length, entries.length);
    assert.deepEqual(await pick("to=2000-01-01"), []);
    assert.deepEqual(await pick("from=2999-01-01T00:00:00Z"), []);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await call("GET", `/api/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      assert.ok(r.body.entries.length <= 2);
      paged.push(...r.body.entries.map((e: Entry) => e.id));
      cursor = r.body.nextCursor;
    } while (cursor && paged.length < 1000);
    assert.deepEqual(
      paged,
      entries.map((e) => e.id),
    );
  });

  test("the audit log of one organization shows nothing of another; bad filters are refused", async () => {
    const theirs = await api.call(other.token, "GET", "/api/v1/audit?limit=500");
    assert.equal(theirs.status, 200);
    assert.ok(
      (theirs.body.entries as Entry[]).every(
        (e) => e.target.id !== finance && e.target.label !== "Finance team",
      ),
    );
    assert.deepEqual(
      (await api.call(other.token, "GET", `/api/v1/audit?target=${finance}`)).body.entries,
      [],
    );
    const before = await revision();
    for (const [url, code] of [
      ["/api/v1/audit?from=yesterday", "request.invalid"],
      ["/api/v1/audit?to=31/12/2024", "request.invalid"],
      ["/api/v1/audit?cursor=bm9wZQ", "request.invalid"],
      ["/api/v1/audit?limit=0", "request.invalid"],
      ["/api/v1/audit?limit=ten", "request.invalid"],
    ] as const) {
      const r = await call("GET", url);
      assert.deepEqual([r.status, r.body.code], [400, code], url);
    }
    assert.equal(await revision(), before);
  });

  test("exports: CSV as an attachment with its header line, or JSON; audit exports take the audit filters", async () => {
    const before = await revision();
    const users = await call("GET", "/api/v1/exports/users?format=csv");
    assert.equal(users.status, 200);
    assert.match(String(users.headers["content-type"]), /^text\/csv/);
    assert.equal(users.headers["content-disposition"], `attachment; filename="roster-users-${today()}.csv"`);
    const lines = users.text.trimEnd().split("\r\n");
    assert.equal(lines[0], USER_COLUMNS.join(","));
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(",")[0]),
      ["alice@x.test", "bob@x.test", org.adminEmail].sort(),
    );
    assert.match(lines.find((l) => l.startsWith("alice@"))!, /,member,Finance team,/);

    const groups = await call("GET", "/api/v1/exports/groups?format=json");
    assert.equal(groups.status, 200);
    assert.match(String(groups.headers["content-type"]), /^application\/json/);
    const team = (groups.body as { name: string; users: number; role: string; apps: number }[]).find(
      (g) => g.name === "Finance team",
    )!;
    assert.deepEqual([team.users, team.role, team.apps], [2, "Writer", 1]);
    assert.deepEqual(Object.keys(team), [...GROUP_COLUMNS]);

    const rules = await call("GET", "/api/v1/exports/rules");
    assert.match(String(rules.headers["content-type"]), /^text\/csv/, "CSV by default");
    assert.equal(rules.text.split("\r\n")[0], RULE_COLUMNS.join(","));
    assert.ok(rules.text.includes("group,Finance team,app,fin,Finance & Co,Writer,view;edit,false"));

    const audit = await call("GET", "/api/v1/exports/audit?format=csv&action=resource");
    const auditLines = audit.text.trimEnd().split("\r\n");
    assert.equal(auditLines[0], AUDIT_COLUMNS.join(","));
    assert.equal(auditLines.length, 3);
    assert.ok(auditLines[1]!.includes(",resource.create,"), "oldest first");
    assert.ok(auditLines[2]!.includes(",resource.update,"));

    const theirs = await api.call(other.token, "GET", "/api/v1/exports/users?format=json");
    assert.deepEqual(
      theirs.body.map((u: { email: string }) => u.email),
      [other.adminEmail],
    );
    for (const [url, status, code] of [
      ["/api/v1/exports/passwords", 400, "request.invalid"],
      ["/api/v1/exports/users?format=xml", 400, "request.invalid"],
      ["/api/v1/exports/audit?from=someday", 400, "request.invalid"],
    ] as const) {
      const r = await call("GET", url);
      assert.deepEqual([r.status, r.body.code], [status, code], url);
    }
    assert.equal(await revision(), before);
  });

  test("notifications are kept in the outbox and listed, newest first, by status, a page at a time", async () => {
    const res = await call("GET", "/api/v1/notifications");
    assert.equal(res.status, 200, res.text);
    const list = res.body.notifications as {
      id: string;
      to: string;
      subject: string;
      body: string;
      status: string;
      attempts: number;
      sentAt: string | null;
      revision: number;
      createdAt: string;
    }[];
    const forRule = list.filter((m) => m.revision === ruleRevision);
    assert.deepEqual(forRule.map((m) => m.to).sort(), ["alice@x.test", "bob@x.test"]);
    for (const m of forRule) {
      assert.match(m.subject, /Your access in .* changed/);
      assert.match(m.body, /Finance team now gives Writer on Finance & Co/);
      assert.deepEqual([m.status, m.attempts, m.sentAt], ["pending", 0, null]);
    }
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]!.createdAt >= list[i]!.createdAt);

    assert.deepEqual((await call("GET", "/api/v1/notifications?status=sent")).body.notifications, []);
    assert.equal(
      (await call("GET", "/api/v1/notifications?status=pending")).body.notifications.length,
      list.length,
    );
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await call("GET", `/api/v1/notifications?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      paged.push(...r.body.notifications.map((m: { id: string }) => m.id));
      cursor = r.body.nextCursor;
    } while (cursor && paged.length < 100);
    assert.deepEqual(
      paged,
      list.map((m) => m.id),
    );
    assert.deepEqual((await api.call(other.token, "GET", "/api/v1/notifications")).body.notifications, []);
    const bad = await call("GET", "/api/v1/notifications?status=lost");
    assert.deepEqual([bad.status, bad.body.code], [400, "request.invalid"]);
  });

  test("a check-only token reads no audit, export or notification", async () => {
    const token = (await call("POST", "/api/v1/tokens", { name: "platform", scopes: ["check"] })).body.token;
    for (const url of ["/api/v1/audit", "/api/v1/exports/users?format=json", "/api/v1/notifications"]) {
      const r = await api.call(token, "GET", url);
      assert.deepEqual([r.status, r.body.code], [403, "auth.forbidden"], url);
      assert.equal((await api.call(null, "GET", url)).status, 401);
    }
  });
});

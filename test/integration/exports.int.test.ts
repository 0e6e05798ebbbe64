import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseCsv } from "../../src/cli/csv.ts";
import { readImportFile } from "../../src/cli/import.ts";
import {
  addGroupMembers,
  createDelegation,
  createGroup,
  createResource,
  inviteUser,
  setRules,
  updateGroup,
  updateUser,
} from "../../src/commands/index.ts";
import type { GroupId, Subject } from "../../src/domain/index.ts";
import {
  exportAudit,
  exportGroups,
  exportRules,
  exportUsers,
  GROUP_COLUMNS,
  toCsv,
  toJson,
} from "../../src/queries/index.ts";
import { touchLastActive } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { newOrg, type TestOrg } from "../support/org.ts";

const ODD_NAME = 'Sales, "EMEA"';

/** An organization with nesting, a deactivated member, an admin group, a delegation and rules of each scope. */
async function seed(org: TestOrg) {
  const ctx = org.ctx();
  const app = async (key: string, name: string) =>
    (await createResource(ctx, { type: "app", key, name })).value.resource;
  const site = async (key: string) =>
    (await createResource(ctx, { type: "site", key, name: key })).value.resource;
  const finance = await app("finance", "Finance");
  const salesApp = await app("sales", "Sales app");
  const s1 = await site("s1.example");
  const s2 = await site("s2.example");
  await site("s3.example");
  const user = async (email: string, extra: { attributes?: Record<string, string[]> } = {}) =>
    (await inviteUser(ctx, { email, firstName: email.split("@")[0]!, ...extra })).value.user;
  const alice = await user("alice@example.com", { attributes: { region: ["EMEA"] } });
  const bob = await user("bob@example.com");
  const carol = await user("carol@example.com");
  const dave = await user("dave@example.com");
  const erin = await user("erin@example.com");
  await updateUser(ctx, bob.id, { status: "deactivated" });

  const analysts = (await createGroup(ctx, { name: "Analysts", userIds: [erin.id] })).value.group;
  const odd = (
    await createGroup(ctx, { name: ODD_NAME, userIds: [alice.id, bob.id], groupIds: [analysts.id] })
  ).value.group;
  await createGroup(ctx, { name: "Zeta", userIds: [alice.id] });
  const ops = (await createGroup(ctx, { name: "Ops", userIds: [carol.id] })).value.group;
  await addGroupMembers(ctx, org.groups.administrators!.id, { groupIds: [ops.id] });
  const web = (await createGroup(ctx, { name: "Web", notify: "email" })).value.group;
  await createGroup(ctx, { name: "Nothing" });
  const contractors = (await createGroup(ctx, { name: "Contractors", userIds: [dave.id] })).value.group;
  await updateGroup(ctx, contractors.id, { privileges: false });

  const group = (id: GroupId): Subject => ({ kind: "group", id });
  await setRules(ctx, {
    subject: group(odd.id),
    role: { role: "Writer" },
    scope: { kind: "resource", resourceId: finance.id },
  });
  await setRules(ctx, {
    subject: group(odd.id),
    role: { role: "Reader" },
    scope: { kind: "resource", resourceId: salesApp.id },
  });
  await setRules(ctx, {
    subject: group(odd.id),
    role: { role: "Analyst" },
    scope: { kind: "resources", resourceIds: [s1.id, s2.id] },
  });
  await setRules(ctx, {
    subject: group(web.id),
    role: { role: "Business user" },
    scope: { kind: "all_current_and_future", type: "site" },
  });
  await setRules(ctx, {
    subject: group(contractors.id),
    role: { role: "Reader" },
    scope: { kind: "all_current", type: "app" },
  });
  await setRules(ctx, {
    subject: { kind: "user", id: alice.id },
    role: { role: "Manager" },
    scope: { kind: "resource", resourceId: finance.id },
  });

  const { delegation } = (
    await createDelegation(ctx, { userId: dave.id, scope: { kind: "resource", resourceId: s1.id } })
  ).value;
  const delegateCtx = org.ctx(
    { kind: "delegate", delegationId: delegation.id },
    { kind: "user", id: dave.id, label: dave.email },
  );
  await createGroup(delegateCtx, { name: "Delegated", userIds: [erin.id] });
  return { ctx, alice, bob, carol, dave, erin, finance, s1 };
}

describeBackends("exports", (store) => {
  test("groups: transitive active users, the role column, site and app counts, delegation", async () => {
    const org = await newOrg(store());
    const { ctx, dave } = await seed(org);
    let rows = await exportGroups(store(), org.organization.id);
    const byName = new Map(rows.map((r) => [r.name, r]));
    // System groups first, then custom ones by name.
    assert.deepEqual(
      rows.slice(0, 7).map((r) => [r.name, r.system]),
      [
        ["Everyone", true],
        ["Administrators", true],
        ["Power Users", true],
        ["Database Managers", true],
        ["Report Builders", true],
        ["Dataset Designers", true],
        ["Report Consumers", true],
      ],
    );
    assert.deepEqual(
      rows.slice(7).map((r) => r.name),
      ["Analysts", "Contractors", "Delegated", "Nothing", "Ops", ODD_NAME, "Web", "Zeta"],
    );
    // alice + erin through the nested Analysts; bob is deactivated and not counted.
    assert.deepEqual(byName.get(ODD_NAME), {
      name: ODD_NAME,
      system: false,
      role: "Writer, Reader, Analyst",
      users: 2,
      sites: 2,
      apps: 2,
      privileges: true,
      notify: "none",
      delegation: "",
    });
    // The owner, carol (through Ops nested in Administrators): both admins, every site and app.
    assert.deepEqual(
      ["Administrators", "Ops"].map((n) => {
        const r = byName.get(n)!;
        return [r.role, r.users, r.sites, r.apps];
      }),
      [
        ["Administrator", 2, 3, 2],
        ["Administrator", 1, 3, 2],
      ],
    );
    assert.equal(byName.get("Everyone")!.users, 5, "owner, alice, carol, dave, erin: bob is deactivated");
    assert.equal(byName.get("Report Consumers")!.role, "Report consumer");
    assert.deepEqual(
      [byName.get("Nothing")!.role, byName.get("Nothing")!.users, byName.get("Nothing")!.sites],
      ["", 0, 0],
    );
    assert.equal(byName.get("Web")!.notify, "email");
    assert.equal(byName.get("Web")!.sites, 3, "all current and future sites counts every site");
    assert.deepEqual(
      [byName.get("Contractors")!.privileges, byName.get("Contractors")!.apps],
      [false, 2],
      "all current apps made one rule per app; the rules are kept while privileges are off",
    );
    assert.equal(byName.get("Delegated")!.delegation, dave.email);
    assert.equal(byName.get("Analysts")!.delegation, "");

    // A site registered later is covered by the all current and future rule, not by the list.
    await createResource(ctx, { type: "site", key: "s4.example", name: "s4" });
    rows = await exportGroups(store(), org.organization.id);
    assert.equal(rows.find((r) => r.name === "Web")!.sites, 4);
    assert.equal(rows.find((r) => r.name === ODD_NAME)!.sites, 2);
  });

  test("groups as CSV: a name with a comma and a quote is quoted, and reads back whole", async () => {
    const org = await newOrg(store());
    await seed(org);
    const rows = await exportGroups(store(), org.organization.id);
    const csv = toCsv(rows, GROUP_COLUMNS);
    assert.ok(csv.startsWith("name,system,role,users,sites,apps,privileges,notify,delegation\r\n"));
    assert.ok(csv.includes('\r\n"Sales, ""EMEA""",false,"Writer, Reader, Analyst",2,2,2,true,none,\r\n'));
    const [header, ...lines] = parseCsv(csv);
    assert.deepEqual(header, [...GROUP_COLUMNS]);
    assert.deepEqual(
      lines.map((l) => l[0]),
      rows.map((r) => r.name),
    );
    assert.deepEqual(JSON.parse(toJson(rows)), rows);
  });

  test("users: organization role, direct groups sorted (Everyone left out), attributes, activity", async () => {
    const org = await newOrg(store());
    const { alice, carol } = await seed(org);
    await createGroup(org.ctx(), { name: "All staff", allUsers: true });
    const at = new Date("2025-03-04T05:06:07.000Z");
    await touchLastActive(store().db, org.organization.id, [{ id: alice.id, at }]);
    const rows = await exportUsers(store(), org.organization.id);
    assert.deepEqual(
      rows.map((r) => [r.email, r.role, r.status]),
      [
        ["alice@example.com", "member", "active"],
        ["bob@example.com", "member", "deactivated"],
        ["carol@example.com", "admin", "active"],
        ["dave@example.com", "member", "active"],
        ["erin@example.com", "member", "active"],
        [org.admin.email, "owner", "active"],
      ],
    );
    const a = rows.find((r) => r.email === alice.email)!;
    assert.deepEqual(a.groups, ["All staff", ODD_NAME, "Zeta"]);
    assert.deepEqual(a.attributes, { region: ["EMEA"] });
    assert.equal(a.lastActiveAt, at.toISOString());
    assert.equal(a.firstName, "alice");
    const c = rows.find((r) => r.email === carol.email)!;
    assert.deepEqual(
      c.groups,
      ["All staff", "Ops"],
      "admin through Ops: Administrators is not a direct group",
    );
    assert.equal(rows.find((r) => r.email === "bob@example.com")!.lastActiveAt, "");
    const csv = toCsv(rows);
    assert.ok(
      csv.includes(
        `alice@example.com,alice,,active,member,"All staff;${ODD_NAME.replaceAll('"', '""')};Zeta"`,
      ),
    );
    assert.ok(csv.includes('"{""region"":[""EMEA""]}"'), "attributes are JSON, quoted");
  });

  test("rules: subject by email or name, * for all current and future, capabilities, locked system rules", async () => {
    const org = await newOrg(store());
    const { alice } = await seed(org);
    const rows = await exportRules(store(), org.organization.id);
    assert.deepEqual(rows[0], {
      subjectKind: "user",
      subject: alice.email,
      type: "app",
      resource: "finance",
      resourceName: "Finance",
      role: "Manager",
      capabilities: ["view", "edit", "manage"],
      locked: false,
    });
    assert.deepEqual(
      rows.filter((r) => r.subject === "Web"),
      [
        {
          subjectKind: "group",
          subject: "Web",
          type: "site",
          resource: "*",
          resourceName: "all current and future sites",
          role: "Business user",
          capabilities: ["read_data", "explore_data"],
          locked: false,
        },
      ],
    );
    assert.deepEqual(
      rows.filter((r) => r.subject === ODD_NAME).map((r) => `${r.type}:${r.resource}:${r.role}`),
      ["app:finance:Writer", "app:sales:Reader", "site:s1.example:Analyst", "site:s2.example:Analyst"],
    );
    const consumers = rows.find((r) => r.subject === "Report Consumers")!;
    assert.deepEqual(
      [consumers.type, consumers.resource, consumers.role, consumers.locked],
      ["workspace", "*", "Report consumer", true],
    );
    assert.equal(rows.filter((r) => r.subject === "Contractors").length, 2, "one rule per current app");
    assert.ok(
      toCsv(rows).includes("user,alice@example.com,app,finance,Finance,Manager,view;edit;manage,false"),
    );
  });

  test("audit: in time order, filtered by actor, target, action and dates", async () => {
    const org = await newOrg(store());
    const { dave } = await seed(org);
    const at = (iso: string) => ({ ...org.ctx(), clock: () => new Date(iso) });
    await createGroup(at("2024-01-15T10:00:00.000Z"), { name: "January" });
    await createGroup(at("2024-02-01T00:00:00.000Z"), { name: "February" });

    const all = await exportAudit(store(), org.organization.id);
    assert.ok(all.length > 20);
    const times = all.map((r) => r.at);
    assert.deepEqual(times, [...times].sort(), "oldest first");
    assert.equal(all[0]!.action, "group.create", "the dated entries sort before the rest");
    assert.equal(all[0]!.target, "January");

    const byDave = await exportAudit(store(), org.organization.id, { actor: "DAVE@example" });
    assert.deepEqual(
      byDave.map((r) => [r.actor, r.action, r.target]),
      [
        [dave.email, "group.create", "Delegated"],
        [dave.email, "group.members.add", "Delegated"],
      ],
    );
    assert.deepEqual(
      (await exportAudit(store(), org.organization.id, { actor: dave.id })).length,
      2,
      "an actor by id",
    );

    const odd = await exportAudit(store(), org.organization.id, { target: 'es, "EM' });
    assert.ok(odd.length > 0 && odd.every((r) => r.target === ODD_NAME));
    assert.deepEqual([...new Set(odd.map((r) => r.action))].sort(), [
      "group.create",
      "group.members.add",
      "rule.create",
    ]);

    const groupActions = await exportAudit(store(), org.organization.id, { action: "group" });
    assert.ok(groupActions.length > 0 && groupActions.every((r) => r.action.startsWith("group.")));
    assert.ok(groupActions.some((r) => r.action === "group.members.add"));
    const exact = await exportAudit(store(), org.organization.id, { action: "group.create" });
    assert.ok(exact.every((r) => r.action === "group.create"));
    assert.equal(exact.length, 10);
    assert.equal((await exportAudit(store(), org.organization.id, { action: "grou" })).length, 0);

    const january = await exportAudit(store(), org.organization.id, { from: "2024-01-01", to: "2024-01-31" });
    assert.deepEqual(
      january.map((r) => r.target),
      ["January"],
    );
    // A date as the end includes that whole day; a date-time is exact.
    assert.equal((await exportAudit(store(), org.organization.id, { to: "2024-01-15" })).length, 1);
    assert.equal((await exportAudit(store(), org.organization.id, { to: "2024-01-15T09:59:59Z" })).length, 0);
    assert.deepEqual(
      (
        await exportAudit(store(), org.organization.id, { from: "2024-02-01T00:00:00Z", to: "2024-02-01" })
      ).map((r) => r.target),
      ["February"],
    );
    await assert.rejects(exportAudit(store(), org.organization.id, { from: "last week" }), {
      code: "request.invalid",
    });

    const csv = toCsv(january);
    assert.ok(csv.startsWith("at,actor,action,targetType,target,requestId,before,after\r\n"));
    assert.ok(
      csv.includes(`2024-01-15T10:00:00.000Z,${org.admin.email},group.create,group,January,test,,"{`),
    );
  });

  test("another organization's data never appears", async () => {
    const a = await newOrg(store());
    const b = await newOrg(store());
    await seed(a);
    const users = await exportUsers(store(), b.organization.id);
    assert.deepEqual(
      users.map((u) => u.email),
      [b.admin.email],
    );
    assert.equal((await exportRules(store(), b.organization.id)).filter((r) => !r.locked).length, 0);
    assert.ok((await exportAudit(store(), b.organization.id)).every((r) => r.target !== ODD_NAME));
  });
});

test("toCsv quotes commas, quotes, line breaks and edge spaces; joins lists; writes objects as JSON", () => {
  const csv = toCsv([
    { a: "plain", b: 'say "hi"', c: ["x", "y"], d: { k: [1] }, e: null, f: true, g: 3 },
    { a: "two\nlines", b: " padded", c: [], d: undefined, e: "a,b", f: false, g: 0 },
  ]);
  assert.equal(
    csv,
    [
      "a,b,c,d,e,f,g",
      'plain,"say ""hi""",x;y,"{""k"":[1]}",,true,3',
      '"two\nlines"," padded",,,"a,b",false,0',
      "",
    ].join("\r\n"),
  );
  assert.equal(toCsv([]), "");
  assert.equal(toCsv([], ["a", "b"]), "a,b\r\n");
  assert.deepEqual(parseCsv(csv)[2], ["two\nlines", " padded", "", "", "a,b", "false", "0"]);
});

test("a text a spreadsheet would run as a formula is written after a ', and the import reads it back as it was", () => {
  const names = ['=HYPERLINK("http://x","a")', "+1", "-x", "@SUM(A1)", "\tTab", "plain", "'quoted"];
  const csv = toCsv(
    names.map((firstName, i) => ({ email: `u${i}@x.test`, firstName, lastName: -5 })),
    ["email", "firstName", "lastName"],
  );
  const cells = parseCsv(csv).slice(1);
  assert.deepEqual(
    cells.map((r) => r[1]),
    ['\'=HYPERLINK("http://x","a")', "'+1", "'-x", "'@SUM(A1)", "'\tTab", "plain", "'quoted"],
  );
  assert.ok(
    cells.every((r) => r[2] === "-5"),
    "numbers are numbers",
  );
  const dir = mkdtempSync(join(tmpdir(), "roster-csv-"));
  writeFileSync(join(dir, "users.csv"), csv);
  const back = readImportFile(join(dir, "users.csv")).users!.map((u) => u.firstName);
  assert.deepEqual(back, ['=HYPERLINK("http://x","a")', "+1", "-x", "@SUM(A1)", "\tTab", "plain", "'quoted"]);
});

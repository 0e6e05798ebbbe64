import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sql } from "drizzle-orm";
import { readImportFile } from "../../src/cli/import.ts";
import { createResource, importData } from "../../src/commands/index.ts";
import { describeStep, effectiveAccess, orgRole, planImport } from "../../src/domain/index.ts";
import { loadSnapshot, rows } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { assertLogMatchesStore } from "../support/consistency.ts";
import { newOrg } from "../support/org.ts";

const dir = mkdtempSync(join(tmpdir(), "roster-import-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test("CSV files are read by their header, with quoted fields and ;-lists", () => {
  const users = readImportFile(
    file(
      "users.csv",
      'email,firstName,lastName,role,groups,attr.region\r\nann@x.test,"Ann, the first",Lee,admin,Sales;Analysts,EMEA;APAC\r\n',
    ),
  );
  assert.deepEqual(users.users?.[0], {
    email: "ann@x.test",
    firstName: "Ann, the first",
    lastName: "Lee",
    role: "admin",
    attributes: { region: ["EMEA", "APAC"] },
    groups: ["Sales", "Analysts"],
  });
  assert.deepEqual(readImportFile(file("m.csv", "group,member\nSales,group:Sales EMEA\n")).memberships, [
    { group: "Sales", member: "group:Sales EMEA" },
  ]);
  assert.deepEqual(
    readImportFile(file("r.csv", "subject,type,resource,role\ngroup:Sales,app,*,Reader\n")).rules,
    [{ subject: "group:Sales", type: "app", resource: "*", role: "Reader" }],
  );
  assert.throws(() => readImportFile(file("bad.csv", "foo,bar\n1,2\n")), /cannot tell what this CSV holds/);
});

describeBackends("import", (store) => {
  test("one transaction of 1,200 users is one revision of more than 500 logged changes and audit entries, read back whole", async () => {
    const org = await newOrg(store());
    const users = Array.from({ length: 1200 }, (_, i) => ({ email: `bulk${i}@x.test` }));
    const { state } = await loadSnapshot(store(), org.organization.id);
    const plan = planImport(state, { users });
    const before = await org.revision();
    const result = await importData(org.ctx(), plan, { chunk: 2000 });
    assert.equal(result.revision, before + 1);
    const after = await loadSnapshot(store(), org.organization.id);
    assert.equal([...after.state.users.values()].filter((u) => u.email.startsWith("bulk")).length, 1200);
    await assertLogMatchesStore(store(), org);
    // The first 500 audit entries go with the revision's statement, the rest after it: all of them, in order.
    const audited = await rows<{ label: string }>(
      store().db,
      sql`select target_label as label from audit where org_id = ${org.organization.id}
          and revision = ${result.revision} and target_type = 'user' order by id`,
    );
    assert.deepEqual(
      audited.map((a) => a.label),
      users.map((u) => u.email),
    );
  });

  test("a dry run lists exactly the changes; the import makes them; importing again changes nothing", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    await createResource(ctx, { type: "app", key: "finance", name: "Finance" });
    const data = {
      groups: [{ name: "Sales" }, { name: "Sales EMEA", members: ["bea@x.test"] }],
      users: [
        { email: "ann@x.test", firstName: "Ann", role: "admin" as const, groups: ["Sales"] },
        { email: "bea@x.test", attributes: { region: ["EMEA"] } },
        { email: org.admin.email, firstName: "Olive" },
      ],
      memberships: [{ group: "Sales", member: "group:Sales EMEA" }],
      rules: [
        { subject: "group:Sales", type: "app", resource: "finance", role: "Writer" },
        { subject: "bea@x.test", type: "app", resource: "*", role: "Reader" },
      ],
    };
    let { state } = await loadSnapshot(store(), org.organization.id);
    const plan = planImport(state, data);
    assert.deepEqual(plan.problems, []);
    assert.deepEqual(plan.steps.map(describeStep), [
      "+ group Sales",
      "+ group Sales EMEA",
      "+ user ann@x.test (Ann)",
      "~ role of ann@x.test: member -> admin",
      "+ user bea@x.test",
      "+ ann@x.test in Sales",
      "+ bea@x.test in Sales EMEA",
      "+ group Sales EMEA in Sales",
      "+ rule: group Sales Writer on app finance",
      "+ rule: bea@x.test Reader on all apps",
    ]);
    assert.equal(plan.unchanged, 1, "the owner's first name is already Olive");
    const before = await org.revision();
    const progress: number[] = [];
    const result = await importData(ctx, plan, { chunk: 4, onProgress: (p) => progress.push(p.done) });
    assert.deepEqual(progress, [4, 8, 10]);
    assert.equal(result.revision, before + 3, "one revision per chunk");
    ({ state } = await loadSnapshot(store(), org.organization.id));
    const bea = [...state.users.values()].find((u) => u.email === "bea@x.test")!;
    const ann = [...state.users.values()].find((u) => u.email === "ann@x.test")!;
    const finance = [...state.resources.values()].find((r) => r.key === "finance")!;
    assert.equal(
      effectiveAccess(state, bea.id, finance.id).role,
      "Writer",
      "through Sales EMEA nested in Sales",
    );
    assert.equal(orgRole(state, ann.id), "admin");
    const again = planImport(state, data);
    assert.deepEqual(again.steps, []);
    assert.equal(again.unchanged, 10);
    await assertLogMatchesStore(store(), org);
  });

  test("a file with problems is refused whole, with each problem named", async () => {
    const org = await newOrg(store());
    const { state } = await loadSnapshot(store(), org.organization.id);
    const plan = planImport(state, {
      users: [{ email: "new@x.test", groups: ["Nope"] }],
      rules: [
        { subject: "group:Everyone", type: "app", resource: "missing", role: "Reader" },
        { subject: "x@x.test", type: "app", resource: "*", role: "Boss" },
      ],
      memberships: [{ group: "Everyone", member: "new@x.test" }],
    });
    assert.deepEqual(
      plan.problems.map((p) => p.message),
      [
        "no group named Nope",
        "Everyone's members cannot be added",
        "no app with key missing",
        "app has no role named Boss",
      ],
    );
    const before = await org.revision();
    await assert.rejects(importData(org.ctx(), plan), { code: "request.invalid" });
    assert.equal(await org.revision(), before);
  });

  test("values the commands would refuse are problems of the plan, so a dry run shows them and nothing is written", async () => {
    const org = await newOrg(store());
    const data = readImportFile(
      file(
        "bad-values.csv",
        "email,firstName,lastName,role\ngood@x.test,Good,One,member\nbad-email,X,Y,member\nzed@x.test,Zed,Z,king\n",
      ),
    );
    const { state } = await loadSnapshot(store(), org.organization.id);
    const plan = planImport(state, {
      ...data,
      groups: [{ name: "x".repeat(101) }, { name: "Ops", notify: "sms" as never }],
    });
    assert.deepEqual(
      plan.problems.map((p) => `${p.where}: ${p.message}`),
      [
        "groups[0]: name is longer than 100 characters.",
        'groups[1]: Unknown notification setting "sms": none or email.',
        'users[1]: "bad-email" is not an email address.',
        'users[2]: Unknown organization role "king": owner, admin or member.',
      ],
    );
    const before = await org.revision();
    await assert.rejects(importData(org.ctx(), plan, { chunk: 1 }), { code: "request.invalid" });
    assert.equal(await org.revision(), before, "not even the good row is written");
  });

  test("custom groups in an import need the enterprise plan", async () => {
    const org = await newOrg(store(), "team");
    const { state } = await loadSnapshot(store(), org.organization.id);
    const plan = planImport(state, { groups: [{ name: "Sales" }] });
    assert.match(plan.problems[0]!.message, /enterprise plan/);
  });
});

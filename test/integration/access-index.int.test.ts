import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "drizzle-orm";
import { AccessIndex } from "../../src/access/index.ts";
import { createGroup, createResource, inviteUser, removeRules, setRules } from "../../src/commands/index.ts";
import { effectiveMask, type OrgId } from "../../src/domain/index.ts";
import { loadSnapshot, openStore, type Store } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { newOrg, type TestOrg } from "../support/org.ts";

async function seed(org: TestOrg) {
  const ctx = org.ctx();
  const app = (await createResource(ctx, { type: "app", key: "finance", name: "Finance" })).value.resource;
  const alice = (await inviteUser(ctx, { email: "alice@example.com" })).value.user;
  const team = (await createGroup(ctx, { name: "Finance team", userIds: [alice.id] })).value.group;
  return { ctx, app, alice, team };
}

describeBackends("access index following the log", (store) => {
  test("a check asked at least at a write's revision sees that write, including a revocation", async () => {
    const org = await newOrg(store());
    const index = new AccessIndex(store(), { pollMs: 0 });
    await index.start();
    try {
      const { ctx, app, alice, team } = await seed(org);
      const granted = await setRules(ctx, {
        subject: { kind: "group", id: team.id },
        role: { role: "Writer" },
        scope: { kind: "resource", resourceId: app.id },
      });
      let oi = await index.atLeast(org.organization.id, granted.revision);
      const u = oi.userIndex("ALICE@example.com")!;
      const r = oi.resourceIndex("finance", "app")!;
      assert.equal(oi.check(u, r, oi.capabilityBit(r, "edit")), true);
      const revoked = await removeRules(ctx, [granted.value.rules[0]!.rule.id]);
      oi = await index.atLeast(org.organization.id, revoked.revision);
      assert.equal(oi.check(u, r, oi.capabilityBit(r, "view")), false);
      // The followed index agrees with the stored state.
      const { state } = await loadSnapshot(store(), org.organization.id);
      assert.equal(oi.mask(u, r), effectiveMask(state, alice.id, app.id));
    } finally {
      await index.stop();
    }
  });

  test("an organization created after the index started is loaded on first use", async () => {
    const index = new AccessIndex(store(), { pollMs: 0 });
    await index.start();
    try {
      const org = await newOrg(store());
      const oi = await index.atLeast(org.organization.id, await org.revision());
      assert.equal(oi.orgRole(oi.userIndex(org.admin.email)!), "owner");
      assert.equal(await index.org("org_missing" as OrgId), null);
    } finally {
      await index.stop();
    }
  });

  test("without preload an organization is loaded when first asked for, then followed; others stay unloaded", async () => {
    const org = await newOrg(store());
    const other = await newOrg(store());
    const index = new AccessIndex(store(), { pollMs: 0, preload: false });
    await index.start();
    try {
      assert.equal(index.get(org.organization.id), undefined, "nothing loaded at start");
      const { ctx, app, team } = await seed(org);
      const granted = await setRules(ctx, {
        subject: { kind: "group", id: team.id },
        role: { role: "Reader" },
        scope: { kind: "resource", resourceId: app.id },
      });
      let oi = await index.atLeast(org.organization.id, granted.revision);
      const u = oi.userIndex("alice@example.com")!;
      const r = oi.resourceIndex("finance", "app")!;
      assert.equal(oi.check(u, r, oi.capabilityBit(r, "view")), true);
      const revoked = await removeRules(ctx, [granted.value.rules[0]!.rule.id]);
      oi = await index.atLeast(org.organization.id, revoked.revision);
      assert.equal(oi.check(u, r, oi.capabilityBit(r, "view")), false, "the loaded organization is followed");
      await inviteUser(other.ctx(), { email: "bystander@example.com" });
      await index.catchUpAll();
      assert.equal(
        index.get(other.organization.id),
        undefined,
        "an organization nobody asked for is not loaded",
      );
    } finally {
      await index.stop();
    }
  });

  test("waiting for a revision that never comes fails with revision.timeout", async () => {
    const org = await newOrg(store());
    const index = new AccessIndex(store(), { pollMs: 0 });
    await index.start();
    try {
      await assert.rejects(index.atLeast(org.organization.id, (await org.revision()) + 5, 200), {
        code: "revision.timeout",
      });
    } finally {
      await index.stop();
    }
  });
});

describeBackends("several servers on one database", (store) => {
  test("a write through one server is seen by another's index, and a lost listening connection catches up", async (t) => {
    if (store().kind !== "postgres") {
      t.skip("one PGlite folder has one process; several servers need PostgreSQL");
      return;
    }
    const other: Store = await openStore({ databaseUrl: process.env.DATABASE_URL!, poolSize: 2 });
    const index = new AccessIndex(other, { pollMs: 0 });
    await index.start();
    try {
      const org = await newOrg(store());
      const { ctx, app, team } = await seed(org);
      const set = await setRules(ctx, {
        subject: { kind: "group", id: team.id },
        role: { role: "Manager" },
        scope: { kind: "resource", resourceId: app.id },
      });
      const oi = await index.atLeast(org.organization.id, set.revision);
      const u = oi.userIndex("alice@example.com")!;
      const r = oi.resourceIndex(app.id)!;
      assert.equal(oi.check(u, r, oi.capabilityBit(r, "manage")), true);

      // Cut the listening connection: the index must reconnect and catch up, without any poll.
      await store().db.execute(
        sql`select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen%' and pid <> pg_backend_pid()`,
      );
      const revoked = await removeRules(ctx, [set.value.rules[0]!.rule.id]);
      // No atLeast here (it would read the log itself): only the reconnected listener can bring the change.
      for (let i = 0; i < 100 && oi.revision < revoked.revision; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(oi.revision, revoked.revision, "caught up after the listening connection came back");
      assert.equal(oi.check(u, r, oi.capabilityBit(r, "view")), false);
    } finally {
      await index.stop();
      await other.close();
    }
  });
});

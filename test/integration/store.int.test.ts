import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { inviteUser } from "../../src/commands/index.ts";
import {
  LOCK_FILE,
  loadSnapshot,
  openStore,
  refreshStatistics,
  rows,
  tables,
} from "../../src/store/index.ts";
import { describeBackends, pglite } from "../support/backends.ts";
import { newOrg } from "../support/org.ts";

describe("PGlite data folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-store-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("data survives a restart of the store", async () => {
    let store = await openStore({ dataDir: dir });
    const org = await newOrg(store);
    await inviteUser(org.ctx(), { email: "kept@example.com" });
    await store.close();
    store = await openStore({ dataDir: dir });
    const { state } = await loadSnapshot(store, org.organization.id);
    assert.ok([...state.users.values()].some((u) => u.email === "kept@example.com"));
    await store.close();
  });

  test("a second opener of a folder in use is refused with a clear message", async () => {
    const store = await openStore({ dataDir: dir, purpose: "roster serve" });
    try {
      await assert.rejects(openStore({ dataDir: dir }), (e: Error & { code?: string }) => {
        assert.equal(e.code, "store.locked");
        assert.match(e.message, /in use by roster serve \(pid \d+/);
        return true;
      });
    } finally {
      await store.close();
    }
    // Released on close: the next opener succeeds.
    await (await openStore({ dataDir: dir })).close();
  });

  test("a lock left by a process that is gone is stale and taken over", async () => {
    const child = spawn(process.execPath, ["-e", "0"]);
    const pid: number = await new Promise((resolve) => child.on("exit", () => resolve(child.pid!)));
    const host = (await import("node:os")).hostname();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host, startedAt: "then", purpose: "crashed" }));
    const store = await openStore({ dataDir: dir });
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid, process.pid);
    await store.close();
  });
});

describe("PostgreSQL migrations", { skip: !process.env.DATABASE_URL && "DATABASE_URL is not set" }, () => {
  test("servers starting together migrate once, under the advisory lock", async () => {
    const url = process.env.DATABASE_URL!;
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ databaseUrl: url, poolSize: 2 })));
    const org = await newOrg(stores[0]!);
    const seen = await Promise.all(stores.map((s) => loadSnapshot(s, org.organization.id)));
    assert.deepEqual(new Set(seen.map((s) => s.revision)).size, 1);
    await Promise.all(stores.map((s) => s.close()));
  });
});

describe("planner statistics on PGlite (no autovacuum there)", () => {
  test("a table that has grown is analyzed, once, and the planner then knows its size", async () => {
    const store = await openStore({ memory: true });
    try {
      const org = await newOrg(store);
      const estimate = async () =>
        (
          await rows<{ n: number }>(
            store.db,
            sql`select reltuples::int as n from pg_class where relname = 'users'`,
          )
        )[0]!.n;
      const before = await estimate();
      const at = new Date();
      const users = Array.from({ length: 5000 }, (_, i) => ({
        id: `usr_stats${i}`,
        orgId: org.organization.id,
        email: `u${i}@example.com`,
        emailNormalized: `u${i}@example.com`,
        firstName: "U",
        lastName: String(i),
        status: "active",
        attributes: {},
        owner: false,
        createdAt: at,
      }));
      for (let i = 0; i < users.length; i += 1000)
        await store.db.insert(tables.users).values(users.slice(i, i + 1000));
      assert.ok(before < 100, `before: ${before}`);
      assert.ok((await refreshStatistics(store.db)).includes("users"));
      assert.ok((await estimate()) >= 5000, "the planner's row count follows the table");
      assert.ok(
        !(await refreshStatistics(store.db)).includes("users"),
        "not analyzed again until it doubles",
      );
    } finally {
      await store.close();
    }
  });
});

describeBackends("raw rows", (store) => {
  // What a raw query returns is the same on both backends: dates, times, intervals and arrays
  // of them as PostgreSQL's text, as drizzle reads them, in a transaction too.
  const query = sql`select timestamptz '2026-12-03 08:00:00+00' as at, date '2026-12-03' as day,
    interval '90 minutes' as span, array[timestamptz '2026-12-03 08:00:00+00'] as ats`;
  const expected = {
    at: "2026-12-03 08:00:00+00",
    day: "2026-12-03",
    span: "01:30:00",
    ats: '{"2026-12-03 08:00:00+00"}',
  };
  test("read dates, times, intervals and arrays of them as PostgreSQL's text, in a transaction too", async () => {
    assert.deepEqual((await rows(store().db, query))[0], expected);
    assert.deepEqual(await store().transaction(async (tx) => (await rows(tx, query))[0]), expected);
  });
});

describe("PGlite on the server's thread", () => {
  test("queued transactions let the event loop turn between their queries, so checks are answered meanwhile", async () => {
    const store = await pglite.open();
    try {
      const done: number[] = [];
      const writes = Array.from({ length: 10 }, (_, i) =>
        store
          .transaction(async (tx) => {
            for (let q = 0; q < 3; q++) await rows(tx, sql`select ${q}::int as q`);
          })
          .then(() => done.push(i)),
      );
      // What an HTTP request waits for: the event loop's next turn.
      const turned = await new Promise<number>((resolve) => setImmediate(() => resolve(done.length)));
      await Promise.all(writes);
      assert.equal(done.length, 10);
      assert.ok(turned < 10, `the event loop turned only after ${turned} of 10 transactions`);
    } finally {
      await store.close();
    }
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { ActivityRecorder, inviteUser } from "../../src/commands/index.ts";
import { exportUsers } from "../../src/queries/index.ts";
import { describeBackends } from "../support/backends.ts";
import { newOrg } from "../support/org.ts";

describeBackends("last active", (store) => {
  test("checks record a user's last activity in the background, at most once a minute", async () => {
    const org = await newOrg(store());
    const user = (await inviteUser(org.ctx(), { email: "active@x.test" })).value.user;
    const lastActive = async () =>
      (await exportUsers(store(), org.organization.id)).find((u) => u.email === "active@x.test")
        ?.lastActiveAt || null;
    const recorder = new ActivityRecorder(store(), { flushMs: 60_000 });
    assert.equal(await lastActive(), null);
    const t0 = Date.now();
    recorder.record(org.organization.id, user.id, t0);
    assert.equal(await lastActive(), null, "nothing is written on the check's path");
    await recorder.flush();
    const first = await lastActive();
    assert.ok(first, "written by the flush");
    // Seen again within the minute: nothing to write.
    recorder.record(org.organization.id, user.id, t0 + 30_000);
    await recorder.flush();
    assert.equal(await lastActive(), first);
    assert.equal(new Date(first).getTime(), t0, "the time the user was seen, not the time of the write");
  });

  test("a burst of new users is written in paced rounds, each user with the time they were seen", async () => {
    const org = await newOrg(store());
    const users = [];
    for (let i = 0; i < 7; i++)
      users.push((await inviteUser(org.ctx(), { email: `burst${i}@x.test` })).value.user);
    const recorder = new ActivityRecorder(store(), { flushMs: 60_000, maxPerFlush: 3 });
    const t0 = Date.now() - 10_000;
    for (const [i, u] of users.entries()) recorder.record(org.organization.id, u.id, t0 + i * 1000);
    const written = async () =>
      (await exportUsers(store(), org.organization.id)).filter(
        (u) => u.email.startsWith("burst") && u.lastActiveAt,
      );
    assert.equal(await recorder.flush(3), 3);
    assert.equal((await written()).length, 3);
    assert.equal(recorder.backlog, 4);
    assert.equal(await recorder.flush(), 4, "shutdown writes everything left");
    const rows = await written();
    assert.equal(rows.length, 7);
    for (const row of rows) {
      const i = Number(row.email.slice(5, 6));
      assert.equal(new Date(row.lastActiveAt!).getTime(), t0 + i * 1000, row.email);
    }
  });

  test("a round stops writing once its time is spent, a statement at a time, and leaves the rest queued", async () => {
    const org = await newOrg(store());
    const users = [];
    for (let i = 0; i < 250; i++)
      users.push((await inviteUser(org.ctx(), { email: `round${i}@x.test` })).value.user);
    const recorder = new ActivityRecorder(store(), { flushMs: 60_000 });
    const t0 = Date.now();
    for (const u of users) recorder.record(org.organization.id, u.id, t0);
    // A round of 1 ms: a statement (100 users) starts within it, and the round ends once it is spent.
    const first = await recorder.flush(Number.POSITIVE_INFINITY, 1);
    assert.ok(first >= 100 && first < 250 && first % 100 === 0, `${first} written in the round`);
    assert.equal(recorder.backlog, 250 - first);
    assert.equal(await recorder.flush(), 250 - first);
    const rows = (await exportUsers(store(), org.organization.id)).filter((u) => u.email.startsWith("round"));
    assert.equal(rows.filter((u) => u.lastActiveAt).length, 250);
  });
});

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
    const recorder = new ActivityRecorder(store(), 60_000);
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
  });
});

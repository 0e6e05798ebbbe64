import assert from "node:assert/strict";
import { test } from "node:test";
import { createResource, inviteUser, removeGroupMembers, setRules } from "../../src/commands/index.ts";
import { activeAdministrators, readChanges } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { assertLogMatchesStore } from "../support/consistency.ts";
import { newOrg } from "../support/org.ts";

describeBackends("concurrency", (store) => {
  test("twenty concurrent removals from an Administrators group of two leave exactly one member", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const second = (await inviteUser(ctx, { email: "second@example.com", role: "admin" })).value.user;
    const admins = org.groups.administrators!.id;
    const members = [org.admin.id, second.id];
    const attempts = Array.from({ length: 20 }, (_, i) =>
      removeGroupMembers(ctx, admins, { userIds: [members[i % 2]!] }),
    );
    const results = await Promise.allSettled(attempts);
    const succeeded = results.filter((r) => r.status === "fulfilled" && r.value.changed);
    const refused = results.filter((r) => r.status === "rejected");
    assert.equal(succeeded.length, 1, "exactly one removal changes something");
    for (const r of refused)
      assert.equal((r as PromiseRejectedResult).reason.code, "admin.last_administrator");
    assert.equal((await activeAdministrators(store().db, org.organization.id)).length, 1);
    await assertLogMatchesStore(store(), org);
  });

  test("concurrent commands on one organization get distinct, gapless revisions", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const start = await org.revision();
    const outcomes = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        createResource(ctx, { type: "app", key: `app-${i}`, name: `App ${i}` }),
      ),
    );
    const revisions = outcomes.map((o) => o.revision).sort((a, b) => a - b);
    assert.deepEqual(
      revisions,
      Array.from({ length: 15 }, (_, i) => start + i + 1),
    );
    const log = await readChanges(store().db, org.organization.id, start);
    assert.equal(log.length, 15);
    await assertLogMatchesStore(store(), org);
  });

  test("the same rule set twice at once is created once", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const app = (await createResource(ctx, { type: "app", key: "a", name: "A" })).value.resource;
    const user = (await inviteUser(ctx, { email: "race@example.com" })).value.user;
    const input = {
      subject: { kind: "user", id: user.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: app.id },
    } as const;
    const [a, b] = await Promise.all([setRules(ctx, input), setRules(ctx, input)]);
    assert.deepEqual([a.value.rules[0]!.status, b.value.rules[0]!.status].sort(), ["created", "unchanged"]);
    assert.equal(a.value.rules[0]!.rule.id, b.value.rules[0]!.rule.id);
  });
});

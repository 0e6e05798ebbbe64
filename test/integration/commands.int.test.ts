import assert from "node:assert/strict";
import { test } from "node:test";
import { eq } from "drizzle-orm";
import {
  addGroupMembers,
  createGroup,
  createResource,
  deleteGroup,
  inviteUser,
  removeUser,
  setRules,
  updateGroup,
} from "../../src/commands/index.ts";
import { effectiveAccess, explain, orgRole } from "../../src/domain/index.ts";
import { listMessages, loadSnapshot, tables } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { assertLogMatchesStore } from "../support/consistency.ts";
import { newOrg } from "../support/org.ts";

describeBackends("commands", (store) => {
  test("a user joins the organization, then groups; rules on a group reach its nested members", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const alice = (await inviteUser(ctx, { email: "Alice@Example.com", firstName: "Alice" })).value.user;
    const finance = (await createResource(ctx, { type: "app", key: "finance", name: "Finance" })).value
      .resource;
    const emea = (await createGroup(ctx, { name: "EMEA team" })).value.group;
    const analysts = (await createGroup(ctx, { name: "Analysts", userIds: [alice.id] })).value.group;
    await addGroupMembers(ctx, emea.id, { groupIds: [analysts.id] });
    const outcome = await setRules(ctx, {
      subject: { kind: "group", id: emea.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: finance.id },
    });
    assert.equal(outcome.value.rules[0]?.status, "created");
    assert.equal(outcome.revision, await org.revision());

    const { state } = await loadSnapshot(store(), org.organization.id);
    assert.equal(effectiveAccess(state, alice.id, finance.id).role, "Writer");
    const why = explain(state, alice.id, finance.id);
    assert.deepEqual(
      why.contributions.map((c) => c.path.map((g) => state.groups.get(g)?.name)),
      [["Analysts", "EMEA team"]],
    );
    await assertLogMatchesStore(store(), org);
  });

  test("the same rule again changes nothing and moves no revision; another role replaces it", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const app = (await createResource(ctx, { type: "app", key: "a", name: "A" })).value.resource;
    const bob = (await inviteUser(ctx, { email: "bob@example.com" })).value.user;
    const rule = {
      subject: { kind: "user", id: bob.id },
      scope: { kind: "resource", resourceId: app.id },
    } as const;
    await setRules(ctx, { ...rule, role: { role: "Reader" } });
    const before = await org.revision();
    const again = await setRules(ctx, { ...rule, role: { role: "reader" } });
    assert.equal(again.changed, false);
    assert.equal(again.value.rules[0]?.status, "unchanged");
    assert.equal(await org.revision(), before);
    const replaced = await setRules(ctx, { ...rule, role: { role: "Manager" } });
    assert.equal(replaced.value.rules[0]?.status, "replaced");
    const { state } = await loadSnapshot(store(), org.organization.id);
    assert.equal([...state.rules.values()].filter((r) => r.subject.id === bob.id).length, 1);
    assert.equal(effectiveAccess(state, bob.id, app.id).role, "Manager");
  });

  test("a custom role equal to a named one says so; one beyond every role is kept as custom", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const site = (await createResource(ctx, { type: "site", key: "s", name: "S" })).value.resource;
    const user = (await inviteUser(ctx, { email: "c@example.com" })).value.user;
    const analyst = await setRules(ctx, {
      subject: { kind: "user", id: user.id },
      role: { capabilities: ["handle_data"] },
      closeDependencies: true,
      scope: { kind: "resource", resourceId: site.id },
    });
    assert.equal(analyst.value.equals, "Analyst");
    assert.equal(analyst.value.roleCreated, false);
    const custom = await setRules(ctx, {
      subject: { kind: "user", id: user.id },
      role: { capabilities: ["read_data", "setup_tagging"] },
      scope: { kind: "resource", resourceId: site.id },
    });
    assert.equal(custom.value.equals, null);
    assert.equal(custom.value.roleCreated, true);
    const { state } = await loadSnapshot(store(), org.organization.id);
    const access = effectiveAccess(state, user.id, site.id);
    assert.deepEqual(access.capabilities, ["read_data", "setup_tagging"]);
    assert.equal(access.role, "Document reader");
    assert.equal(access.custom, true);
    await assertLogMatchesStore(store(), org);
  });

  test("rules on all current and future apps cover apps registered later; all current does not", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const old = (await createResource(ctx, { type: "app", key: "old", name: "Old" })).value.resource;
    const u = (await inviteUser(ctx, { email: "u@example.com" })).value.user;
    const v = (await inviteUser(ctx, { email: "v@example.com" })).value.user;
    await setRules(ctx, {
      subject: { kind: "user", id: u.id },
      role: { role: "Reader" },
      scope: { kind: "all_current_and_future", type: "app" },
    });
    await setRules(ctx, {
      subject: { kind: "user", id: v.id },
      role: { role: "Reader" },
      scope: { kind: "all_current", type: "app" },
    });
    const later = (await createResource(ctx, { type: "app", key: "new", name: "New" })).value.resource;
    const { state } = await loadSnapshot(store(), org.organization.id);
    assert.deepEqual(
      [effectiveAccess(state, u.id, old.id).role, effectiveAccess(state, u.id, later.id).role],
      ["Reader", "Reader"],
    );
    assert.deepEqual(
      [effectiveAccess(state, v.id, old.id).role, effectiveAccess(state, v.id, later.id).role],
      ["Reader", null],
    );
  });

  test("notifications are stored in the outbox with the change, in words from the change", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const app = (await createResource(ctx, { type: "app", key: "fin", name: "Finance" })).value.resource;
    const group = (await createGroup(ctx, { name: "Finance team", notify: "email" })).value.group;
    await setRules(ctx, {
      subject: { kind: "group", id: group.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: app.id },
    });
    const dana = (await inviteUser(ctx, { email: "dana@example.com", firstName: "Dana" })).value.user;
    const added = await addGroupMembers(ctx, group.id, { userIds: [dana.id] });
    const messages = (await listMessages(store().db, org.organization.id)).filter(
      (m) => m.userId === dana.id,
    );
    assert.equal(messages.length, 1);
    assert.match(messages[0]!.body, /You were added to Finance team, which gives Writer on Finance\./);
    assert.equal(messages[0]!.revision, added.revision);
    await updateGroup(ctx, group.id, { privileges: false });
    const after = (await listMessages(store().db, org.organization.id)).filter((m) => m.userId === dana.id);
    assert.equal(after.length, 2);
    assert.match(after[1]!.body, /turned off: you no longer get Writer on Finance/);
  });

  test("deleting a group with members needs force, which removes them in the same change", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const u = (await inviteUser(ctx, { email: "m@example.com" })).value.user;
    const g = (await createGroup(ctx, { name: "Temp", userIds: [u.id] })).value.group;
    const before = await org.revision();
    await assert.rejects(deleteGroup(ctx, g.id), { code: "group.has_members" });
    assert.equal(await org.revision(), before);
    const deleted = await deleteGroup(ctx, g.id, { force: true });
    assert.equal(deleted.value.removedMembers.users, 1);
    const { state } = await loadSnapshot(store(), org.organization.id);
    assert.equal(state.groups.has(g.id), false);
    await assertLogMatchesStore(store(), org);
  });

  test("removing a user removes every membership and rule of theirs, and is audited", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const app = (await createResource(ctx, { type: "app", key: "x", name: "X" })).value.resource;
    const u = (await inviteUser(ctx, { email: "gone@example.com", role: "admin" })).value.user;
    await setRules(ctx, {
      subject: { kind: "user", id: u.id },
      role: { role: "Reader" },
      scope: { kind: "resource", resourceId: app.id },
    });
    let { state } = await loadSnapshot(store(), org.organization.id);
    assert.equal(orgRole(state, u.id), "admin");
    await removeUser(ctx, u.id);
    ({ state } = await loadSnapshot(store(), org.organization.id));
    assert.equal(state.users.has(u.id), false);
    assert.equal(
      [...state.rules.values()].some((r) => r.subject.id === u.id),
      false,
    );
    const audit = await store().db.select().from(tables.audit).where(eq(tables.audit.targetId, u.id));
    assert.deepEqual(audit.map((a) => a.action).sort(), ["user.create", "user.remove"]);
    const removal = audit.find((a) => a.action === "user.remove")!;
    assert.equal(removal.actorLabel, org.admin.email);
    assert.equal(removal.requestId, "test");
    const before = removal.before as { groups: { name: string }[]; rules: unknown[] };
    assert.deepEqual(
      before.groups.map((g) => g.name),
      ["Administrators"],
    );
    assert.equal(before.rules.length, 1);
    assert.equal(removal.after, null);
    await assertLogMatchesStore(store(), org);
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { count, eq } from "drizzle-orm";
import {
  addGroupMembers,
  type CommandContext,
  type CreateGroupInput,
  createDelegation,
  createGroup,
  createResource,
  deleteGroup,
  editUsersGroups,
  type InviteUserInput,
  inviteUser,
  removeDelegation,
  removeGroupMembers,
  removeRules,
  removeUser,
  setDataFilter,
  setRules,
  setUserRole,
  updateGroup,
  updateOrganization,
  updateUser,
} from "../../src/commands/index.ts";
import {
  activeAdministrators,
  dataFilter,
  type ErrorCode,
  effectiveAccess,
  type Group,
  orgRole,
  type Resource,
  type User,
  usersOfGroup,
} from "../../src/domain/index.ts";
import { type Actor, loadSnapshot, type Store, tables } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { assertLogMatchesStore } from "../support/consistency.ts";
import { newOrg, type TestOrg } from "../support/org.ts";

// ---- helpers ----------------------------------------------------------------

/** Everything a refused command could have written: the state, the revision, the audit log and the outbox. */
async function footprint(org: TestOrg) {
  const orgId = org.organization.id;
  const { state, revision } = await loadSnapshot(org.store, orgId);
  const [audit] = await org.store.db
    .select({ n: count() })
    .from(tables.audit)
    .where(eq(tables.audit.orgId, orgId));
  const [outbox] = await org.store.db
    .select({ n: count() })
    .from(tables.outbox)
    .where(eq(tables.outbox.orgId, orgId));
  return { state, revision, audit: audit?.n, outbox: outbox?.n };
}

/** The attempt fails with this stable code, and writes nothing: no revision, no state, no audit, no message. */
async function assertRefused(org: TestOrg, code: ErrorCode, attempt: () => Promise<unknown>): Promise<void> {
  const before = await footprint(org);
  const revision = await org.revision();
  await assert.rejects(attempt(), { name: "RosterError", code });
  assert.equal(await org.revision(), revision, `${code}: the revision must not move`);
  assert.deepEqual(await footprint(org), before, `${code}: nothing may be written`);
}

async function state(org: TestOrg) {
  return (await loadSnapshot(org.store, org.organization.id)).state;
}

function actor(user: User): Actor {
  return { kind: "user", id: user.id, label: user.email };
}

async function invite(org: TestOrg, email: string, input: Partial<InviteUserInput> = {}): Promise<User> {
  return (await inviteUser(org.ctx(), { email, ...input })).value.user;
}

async function group(org: TestOrg, name: string, input: Partial<CreateGroupInput> = {}): Promise<Group> {
  return (await createGroup(org.ctx(), { name, ...input })).value.group;
}

async function resource(org: TestOrg, type: string, key: string): Promise<Resource> {
  return (await createResource(org.ctx(), { type, key, name: key })).value.resource;
}

function administrators(org: TestOrg): Group {
  return org.groups.administrators!;
}

/**
 * An organization whose only administrator, Ursula, is one through "Admin team",
 * nested in Administrators (the owner was removed once she was).
 */
async function onlyAdminThroughGroup(store: Store) {
  const org = await newOrg(store);
  const ursula = await invite(org, "ursula@example.com");
  const team = await group(org, "Admin team", { userIds: [ursula.id] });
  await addGroupMembers(org.ctx(), administrators(org).id, { groupIds: [team.id] });
  await removeUser(org.ctx(), org.admin.id);
  const ctx = org.ctx({ kind: "admin" }, actor(ursula));
  assert.deepEqual(activeAdministrators(await state(org)), [ursula.id]);
  return { org, ursula, team, ctx };
}

/** Dana is delegated the "inside" app; "outside" (an app) and "web" (a site) are not hers. */
async function delegated(store: Store) {
  const org = await newOrg(store);
  const inside = await resource(org, "app", "inside");
  const outside = await resource(org, "app", "outside");
  const web = await resource(org, "site", "web");
  const dana = await invite(org, "dana@example.com");
  const { delegation } = (
    await createDelegation(org.ctx(), { userId: dana.id, scope: { kind: "resource", resourceId: inside.id } })
  ).value;
  const dctx = org.ctx({ kind: "delegate", delegationId: delegation.id }, actor(dana));
  return { org, inside, outside, web, dana, delegation, dctx };
}

function managerCtx(org: TestOrg, user: User, manageUsers: boolean, manageGroups: boolean): CommandContext {
  return org.ctx({ kind: "manager", manageUsers, manageGroups }, actor(user));
}

// ---- rules --------------------------------------------------------------------

describeBackends("invariants", (store) => {
  test("the last active administrator cannot be removed from Administrators; once another admin exists, they can", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const admins = administrators(org).id;
    await assertRefused(org, "admin.last_administrator", () =>
      removeGroupMembers(ctx, admins, { userIds: [org.admin.id] }),
    );
    // A deactivated administrator does not count.
    await invite(org, "dormant@example.com", { role: "admin", active: false });
    await assertRefused(org, "admin.last_administrator", () =>
      removeGroupMembers(ctx, admins, { userIds: [org.admin.id] }),
    );
    await assertRefused(org, "admin.last_administrator", () =>
      editUsersGroups(ctx, { userIds: [org.admin.id], remove: [admins] }),
    );

    const second = await invite(org, "second@example.com", { role: "admin" });
    const removed = await removeGroupMembers(ctx, admins, { userIds: [org.admin.id] });
    assert.equal(removed.changed, true);
    const s = await state(org);
    assert.equal(orgRole(s, org.admin.id), "member");
    assert.deepEqual(activeAdministrators(s), [second.id]);
  });

  test("the last active administrator cannot be deactivated; once another admin exists, they can", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    await assertRefused(org, "admin.last_administrator", () =>
      updateUser(ctx, org.admin.id, { status: "deactivated" }),
    );
    const second = await invite(org, "second@example.com", { role: "admin" });
    await updateUser(ctx, org.admin.id, { status: "deactivated" });
    const s = await state(org);
    assert.equal(s.users.get(org.admin.id)?.status, "deactivated");
    assert.deepEqual(activeAdministrators(s), [second.id]);
    // And now the second is the last one.
    await assertRefused(org, "admin.last_administrator", () =>
      updateUser(org.ctx({ kind: "admin" }, actor(second)), second.id, { status: "deactivated" }),
    );
  });

  test("the last active administrator cannot be demoted; once another admin exists, they can", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    await assertRefused(org, "admin.last_administrator", () => setUserRole(ctx, org.admin.id, "member"));
    // The owner mark is set in the same command: it must not survive the refusal either.
    assert.equal((await state(org)).users.get(org.admin.id)?.owner, true);
    await invite(org, "second@example.com", { role: "admin" });
    await setUserRole(ctx, org.admin.id, "member");
    const s = await state(org);
    assert.equal(orgRole(s, org.admin.id), "member");
    assert.equal(s.users.get(org.admin.id)?.owner, false);
  });

  test("the last active administrator cannot be deleted; once another admin exists, they can", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    await assertRefused(org, "admin.last_administrator", () => removeUser(ctx, org.admin.id));
    await invite(org, "second@example.com", { role: "admin" });
    await removeUser(ctx, org.admin.id);
    assert.equal((await state(org)).users.has(org.admin.id), false);
    await assertLogMatchesStore(store(), org);
  });

  test("the only administrator, admin through a group nested in Administrators, cannot be deactivated", async () => {
    const { org, ursula, ctx } = await onlyAdminThroughGroup(store());
    await assertRefused(org, "admin.last_administrator", () =>
      updateUser(ctx, ursula.id, { status: "deactivated" }),
    );
    await invite(org, "second@example.com", { role: "admin" });
    await updateUser(ctx, ursula.id, { status: "deactivated" });
    assert.equal((await state(org)).users.get(ursula.id)?.status, "deactivated");
  });

  test("the only administrator, admin through a nested group, cannot be removed from the organization or from that group", async () => {
    const { org, ursula, team, ctx } = await onlyAdminThroughGroup(store());
    await assertRefused(org, "admin.last_administrator", () => removeUser(ctx, ursula.id));
    await assertRefused(org, "admin.last_administrator", () =>
      removeGroupMembers(ctx, team.id, { userIds: [ursula.id] }),
    );
    await assertRefused(org, "admin.last_administrator", () =>
      removeGroupMembers(ctx, administrators(org).id, { groupIds: [team.id] }),
    );
    await invite(org, "second@example.com", { role: "admin" });
    await removeGroupMembers(ctx, team.id, { userIds: [ursula.id] });
    assert.equal(orgRole(await state(org), ursula.id), "member");
  });

  test("two levels down in Administrators' tree the last administrator is still guarded; outside it she leaves freely", async () => {
    const { org, ursula, team, ctx } = await onlyAdminThroughGroup(store());
    const inner = await group(org, "Inner admins");
    await addGroupMembers(ctx, team.id, { groupIds: [inner.id] });
    await addGroupMembers(ctx, inner.id, { userIds: [ursula.id] });
    await removeGroupMembers(ctx, team.id, { userIds: [ursula.id] });
    const elsewhere = await group(org, "Book club", { userIds: [ursula.id] });
    await assertRefused(org, "admin.last_administrator", () =>
      removeGroupMembers(ctx, inner.id, { userIds: [ursula.id] }),
    );
    await assertRefused(org, "admin.last_administrator", () =>
      removeGroupMembers(ctx, team.id, { groupIds: [inner.id] }),
    );
    await assertRefused(org, "admin.last_administrator", () => deleteGroup(ctx, inner.id, { force: true }));
    await removeGroupMembers(ctx, elsewhere.id, { userIds: [ursula.id] });
    await deleteGroup(ctx, elsewhere.id, { force: true });
    assert.deepEqual(activeAdministrators(await state(org)), [ursula.id]);
  });

  test("force-deleting the group that nests the only administrator into Administrators is refused", async () => {
    const { org, team, ctx } = await onlyAdminThroughGroup(store());
    await assertRefused(org, "admin.last_administrator", () => deleteGroup(ctx, team.id, { force: true }));
    await invite(org, "second@example.com", { role: "admin" });
    const deleted = await deleteGroup(ctx, team.id, { force: true });
    assert.equal(deleted.value.removedMembers.users, 1);
    assert.equal((await state(org)).groups.has(team.id), false);
  });

  test("a group cannot be nested in itself (group.cycle)", async () => {
    const org = await newOrg(store());
    const a = await group(org, "A");
    await assertRefused(org, "group.cycle", () => addGroupMembers(org.ctx(), a.id, { groupIds: [a.id] }));
  });

  test("nesting A in B when B is in A is refused (group.cycle)", async () => {
    const org = await newOrg(store());
    const b = await group(org, "B");
    const a = await group(org, "A", { groupIds: [b.id] });
    await assertRefused(org, "group.cycle", () => addGroupMembers(org.ctx(), b.id, { groupIds: [a.id] }));
    assert.equal((await state(org)).groupMembers.get(b.id)?.size ?? 0, 0);
  });

  test("a three-group cycle is refused (group.cycle), even when sent with other members", async () => {
    const org = await newOrg(store());
    const c = await group(org, "C");
    const b = await group(org, "B", { groupIds: [c.id] });
    const a = await group(org, "A", { groupIds: [b.id] });
    const other = await group(org, "Other");
    const u = await invite(org, "u@example.com");
    await assertRefused(org, "group.cycle", () =>
      addGroupMembers(org.ctx(), c.id, { userIds: [u.id], groupIds: [other.id, a.id] }),
    );
    // The same edges without the cycle are fine: nesting is not refused as such.
    await addGroupMembers(org.ctx(), other.id, { groupIds: [a.id] });
    assert.equal((await state(org)).groupMembers.get(other.id)?.has(a.id), true);
  });

  test("only an owner may change an owner: an administrator cannot re-address or deactivate one", async () => {
    const org = await newOrg(store());
    const admin = { kind: "admin" } as const;
    await assertRefused(org, "admin.owner_required", () =>
      updateUser(org.ctx(admin), org.admin.id, { email: "taken-over@example.com" }),
    );
    await assertRefused(org, "admin.owner_required", () =>
      updateUser(org.ctx(admin), org.admin.id, { status: "deactivated" }),
    );
  });

  test("Everyone or an all-users group cannot end up inside Administrators, directly or through another group", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const admins = administrators(org).id;
    await assertRefused(org, "group.all_users", () =>
      addGroupMembers(ctx, admins, { groupIds: [org.groups.everyone!.id] }),
    );
    const wrapper = await group(org, "Wrapper");
    await addGroupMembers(ctx, wrapper.id, { groupIds: [org.groups.everyone!.id] });
    await assertRefused(org, "group.all_users", () =>
      addGroupMembers(ctx, admins, { groupIds: [wrapper.id] }),
    );
    const staff = await group(org, "Staff");
    await addGroupMembers(ctx, admins, { groupIds: [staff.id] });
    await assertRefused(org, "group.all_users", () => updateGroup(ctx, staff.id, { allUsers: true }));
  });

  test("Everyone's members cannot be added or removed (group.everyone_members)", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const everyone = org.groups.everyone!.id;
    const u = await invite(org, "u@example.com");
    const g = await group(org, "Nested");
    await assertRefused(org, "group.everyone_members", () =>
      addGroupMembers(ctx, everyone, { userIds: [u.id] }),
    );
    await assertRefused(org, "group.everyone_members", () =>
      removeGroupMembers(ctx, everyone, { userIds: [u.id] }),
    );
    await assertRefused(org, "group.everyone_members", () =>
      addGroupMembers(ctx, everyone, { groupIds: [g.id] }),
    );
    await assertRefused(org, "group.everyone_members", () =>
      editUsersGroups(ctx, { userIds: [u.id], remove: [everyone] }),
    );
    await assertRefused(org, "group.everyone_members", () =>
      inviteUser(ctx, { email: "new@example.com", groupIds: [everyone] }),
    );
    // Yet every user, u and the owner alike, is in Everyone.
    const s = await state(org);
    assert.deepEqual([...usersOfGroup(s, everyone)].sort(), [org.admin.id, u.id].sort());
  });

  test("single users cannot be removed from an all-current-and-future-users group, which takes users invited later", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const app = await resource(org, "app", "finance");
    const early = await invite(org, "early@example.com");
    const all = await group(org, "All staff", { allUsers: true });
    const once = await group(org, "Staff at creation", { allCurrentUsers: true });
    for (const g of [all, once]) {
      await setRules(ctx, {
        subject: { kind: "group", id: g.id },
        role: { role: g.id === all.id ? "Reader" : "Writer" },
        scope: { kind: "resource", resourceId: app.id },
      });
    }
    await assertRefused(org, "group.all_users", () =>
      removeGroupMembers(ctx, all.id, { userIds: [early.id] }),
    );
    await assertRefused(org, "group.all_users", () =>
      editUsersGroups(ctx, { userIds: [early.id], remove: [all.id] }),
    );

    const later = await invite(org, "later@example.com");
    const s = await state(org);
    assert.equal(usersOfGroup(s, all.id).has(later.id), true, "the flag takes users invited later");
    assert.equal(usersOfGroup(s, once.id).has(later.id), false, "all current users is taken once");
    assert.equal(usersOfGroup(s, once.id).has(early.id), true);
    assert.equal(effectiveAccess(s, later.id, app.id).role, "Reader");
    assert.equal(effectiveAccess(s, early.id, app.id).role, "Writer");
    // The members of "all current users" are ordinary members: they can leave.
    await removeGroupMembers(ctx, once.id, { userIds: [early.id] });
  });

  test("system groups cannot be deleted or renamed (group.system)", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const system = Object.values(org.groups);
    assert.equal(system.length, 7);
    for (const g of system) {
      await assertRefused(org, "group.system", () => deleteGroup(ctx, g.id, { force: true }));
      await assertRefused(org, "group.system", () => updateGroup(ctx, g.id, { name: `${g.name} 2` }));
    }
    // A custom group can be renamed and deleted: the refusal is about system groups.
    const custom = await group(org, "Custom");
    await updateGroup(ctx, custom.id, { name: "Custom 2" });
    await deleteGroup(ctx, custom.id);
  });

  test("locked system rules cannot be changed or removed (rule.locked)", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const s = await state(org);
    const locked = [...s.rules.values()].filter((r) => r.locked);
    assert.equal(locked.length, 5);
    for (const rule of locked) {
      assert.equal(rule.subject.kind, "group");
      await assertRefused(org, "rule.locked", () => removeRules(ctx, [rule.id]));
      const scope = { kind: "all_current_and_future", type: "workspace" } as const;
      const current = s.roles.get(rule.roleId)!.name;
      const other = current === "Power user" ? "Report consumer" : "Power user";
      await assertRefused(org, "rule.locked", () =>
        setRules(ctx, { subject: rule.subject, role: { role: other }, scope }),
      );
      // A custom set would create a role first: that must be rolled back too.
      await assertRefused(org, "rule.locked", () =>
        setRules(ctx, {
          subject: rule.subject,
          role: { capabilities: ["read_reports", "manage_databases"] },
          scope,
        }),
      );
      const same = await setRules(ctx, { subject: rule.subject, role: { role: current }, scope });
      assert.equal(same.changed, false);
    }
  });

  test("custom groups need the enterprise plan on free and team organizations, for every caller", async () => {
    for (const plan of ["free", "team"] as const) {
      const org = await newOrg(store(), plan);
      const app = await resource(org, "app", "a");
      const manager = await invite(org, "manager@example.com");
      const dana = await invite(org, "dana@example.com");
      const { delegation } = (
        await createDelegation(org.ctx(), {
          userId: dana.id,
          scope: { kind: "resource", resourceId: app.id },
        })
      ).value;
      const callers = [
        org.ctx(),
        org.ctx({ kind: "admin" }),
        managerCtx(org, manager, false, true),
        org.ctx({ kind: "delegate", delegationId: delegation.id }, actor(dana)),
      ];
      for (const ctx of callers) {
        await assertRefused(org, "plan.enterprise_required", () => createGroup(ctx, { name: "Analysts" }));
        await assertRefused(org, "plan.enterprise_required", () =>
          createGroup(ctx, { name: "Everybody", allUsers: true }),
        );
      }
      await updateOrganization(org.ctx(), { plan: "enterprise" });
      for (const [i, ctx] of callers.entries()) await createGroup(ctx, { name: `Analysts ${i}` });
    }
  });

  test("a delegate creates groups that carry the delegation, adds members, and sets rules inside the scope", async () => {
    const { org, inside, dctx, delegation } = await delegated(store());
    const u = await invite(org, "u@example.com");
    const v = await invite(org, "v@example.com");
    const team = (await createGroup(dctx, { name: "Dana's team", userIds: [u.id] })).value.group;
    assert.equal(team.delegationId, delegation.id);
    const sub = (await createGroup(dctx, { name: "Dana's sub-team", userIds: [v.id] })).value.group;
    await addGroupMembers(dctx, team.id, { groupIds: [sub.id] });
    const set = await setRules(dctx, {
      subject: { kind: "group", id: team.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: inside.id },
    });
    assert.equal(set.value.rules[0]?.status, "created");
    const s = await state(org);
    assert.equal(s.groups.get(team.id)?.delegationId, delegation.id);
    assert.equal(effectiveAccess(s, u.id, inside.id).role, "Writer");
    assert.equal(effectiveAccess(s, v.id, inside.id).role, "Writer");
    await assertLogMatchesStore(store(), org);
  });

  test("a delegate sets rules only on resources inside the scope (delegation.out_of_scope)", async () => {
    const { org, inside, outside, web, dctx } = await delegated(store());
    const team = (await createGroup(dctx, { name: "Dana's team" })).value.group;
    const subject = { kind: "group", id: team.id } as const;
    const writer = { role: "Writer" } as const;
    const attempts = [
      () => setRules(dctx, { subject, role: writer, scope: { kind: "resource", resourceId: outside.id } }),
      () =>
        setRules(dctx, {
          subject,
          role: writer,
          scope: { kind: "resources", resourceIds: [inside.id, outside.id] },
        }),
      () => setRules(dctx, { subject, role: writer, scope: { kind: "all_current", type: "app" } }),
      () => setRules(dctx, { subject, role: writer, scope: { kind: "all_current_and_future", type: "app" } }),
      () =>
        setRules(dctx, {
          subject,
          role: { role: "Analyst" },
          scope: { kind: "resource", resourceId: web.id },
        }),
      // Rules for users are not a delegate's, even inside the scope.
      () =>
        setRules(dctx, {
          subject: { kind: "user", id: org.admin.id },
          role: writer,
          scope: { kind: "resource", resourceId: inside.id },
        }),
    ];
    for (const attempt of attempts) await assertRefused(org, "delegation.out_of_scope", attempt);
    // A rule an admin gave the delegate's group outside the scope is not the delegate's to remove.
    const outsideRule = (
      await setRules(org.ctx(), {
        subject,
        role: writer,
        scope: { kind: "resource", resourceId: outside.id },
      })
    ).value.rules[0]!.rule;
    await assertRefused(org, "delegation.out_of_scope", () => removeRules(dctx, [outsideRule.id]));
  });

  test("a delegate manages only groups created under that delegation (delegation.out_of_scope)", async () => {
    const { org, inside, dctx } = await delegated(store());
    const u = await invite(org, "u@example.com");
    const finance = await group(org, "Finance");
    const own = (await createGroup(dctx, { name: "Dana's team" })).value.group;
    const erin = await invite(org, "erin@example.com");
    const other = (
      await createDelegation(org.ctx(), {
        userId: erin.id,
        scope: { kind: "resource", resourceId: inside.id },
      })
    ).value.delegation;
    const erins = (
      await createGroup(org.ctx({ kind: "delegate", delegationId: other.id }, actor(erin)), {
        name: "Erin's team",
      })
    ).value.group;
    const everyone = org.groups.everyone!;
    for (const foreign of [finance, erins, administrators(org), everyone]) {
      await assertRefused(org, "delegation.out_of_scope", () =>
        addGroupMembers(dctx, foreign.id, { userIds: [u.id] }),
      );
      await assertRefused(org, "delegation.out_of_scope", () =>
        addGroupMembers(dctx, foreign.id, { groupIds: [own.id] }),
      );
      await assertRefused(org, "delegation.out_of_scope", () =>
        addGroupMembers(dctx, own.id, { groupIds: [foreign.id] }),
      );
      await assertRefused(org, "delegation.out_of_scope", () =>
        createGroup(dctx, { name: "Wrapper", groupIds: [foreign.id] }),
      );
    }
    // (Rules on Administrators are refused for everyone, with rule.invalid.)
    for (const foreign of [finance, erins, everyone]) {
      await assertRefused(org, "delegation.out_of_scope", () =>
        setRules(dctx, {
          subject: { kind: "group", id: foreign.id },
          role: { role: "Reader" },
          scope: { kind: "resource", resourceId: inside.id },
        }),
      );
    }
    for (const foreign of [finance, erins]) {
      await assertRefused(org, "delegation.out_of_scope", () =>
        updateGroup(dctx, foreign.id, { name: `${foreign.name} renamed` }),
      );
      await assertRefused(org, "delegation.out_of_scope", () =>
        deleteGroup(dctx, foreign.id, { force: true }),
      );
    }
    await assertRefused(org, "delegation.out_of_scope", () =>
      editUsersGroups(dctx, { userIds: [u.id], add: [own.id, finance.id] }),
    );
  });

  test("a delegation removed, or its delegate deactivated, no longer authorizes anything: the command re-checks", async () => {
    const { org, inside, dana, dctx, delegation } = await delegated(store());
    const u = await invite(org, "u@example.com");
    const team = (await createGroup(dctx, { name: "Dana's team" })).value.group;
    const rule = {
      subject: { kind: "group", id: team.id },
      role: { role: "Reader" },
      scope: { kind: "resource", resourceId: inside.id },
    } as const;
    // Someone else presenting Dana's delegation gets nothing.
    const mallory = await invite(org, "mallory@example.com");
    const stolen = org.ctx({ kind: "delegate", delegationId: delegation.id }, actor(mallory));
    await assertRefused(org, "delegation.out_of_scope", () => createGroup(stolen, { name: "Stolen" }));
    await assertRefused(org, "delegation.out_of_scope", () => setRules(stolen, rule));

    await updateUser(org.ctx(), dana.id, { status: "deactivated" });
    await assertRefused(org, "delegation.out_of_scope", () => createGroup(dctx, { name: "While away" }));
    await assertRefused(org, "delegation.out_of_scope", () =>
      addGroupMembers(dctx, team.id, { userIds: [u.id] }),
    );
    await updateUser(org.ctx(), dana.id, { status: "active" });
    await setRules(dctx, rule);

    await removeDelegation(org.ctx(), delegation.id);
    // The context still names the delegation: only the check inside the transaction can refuse.
    await assertRefused(org, "delegation.out_of_scope", () => createGroup(dctx, { name: "Afterwards" }));
    await assertRefused(org, "delegation.out_of_scope", () =>
      addGroupMembers(dctx, team.id, { userIds: [u.id] }),
    );
    await assertRefused(org, "delegation.out_of_scope", () =>
      setRules(dctx, { ...rule, role: { role: "Writer" } }),
    );
    await assertRefused(org, "delegation.out_of_scope", () => deleteGroup(dctx, team.id, { force: true }));
    const s = await state(org);
    assert.equal(s.groups.get(team.id)?.delegationId, null, "the groups stay, without the mark");
    await assertLogMatchesStore(store(), org);
  });

  test("a user manager (manage_users) manages users only (auth.forbidden)", async () => {
    const org = await newOrg(store());
    const app = await resource(org, "app", "a");
    const ula = await invite(org, "ula@example.com");
    const team = await group(org, "Team");
    const ctx = managerCtx(org, ula, true, false);
    const u = (await inviteUser(ctx, { email: "new@example.com", firstName: "New" })).value.user;
    await updateUser(ctx, u.id, { lastName: "Comer" });
    await assertRefused(org, "auth.forbidden", () => createGroup(ctx, { name: "Mine" }));
    await assertRefused(org, "auth.forbidden", () => addGroupMembers(ctx, team.id, { userIds: [u.id] }));
    await assertRefused(org, "auth.forbidden", () => removeGroupMembers(ctx, team.id, { userIds: [u.id] }));
    await assertRefused(org, "auth.forbidden", () => updateGroup(ctx, team.id, { name: "Renamed" }));
    await assertRefused(org, "auth.forbidden", () => deleteGroup(ctx, team.id));
    await assertRefused(org, "auth.forbidden", () =>
      inviteUser(ctx, { email: "x@example.com", role: "admin" }),
    );
    await assertRefused(org, "auth.forbidden", () =>
      inviteUser(ctx, { email: "y@example.com", groupIds: [team.id] }),
    );
    await assertRefused(org, "auth.forbidden", () => setUserRole(ctx, u.id, "admin"));
    await assertRefused(org, "auth.forbidden", () =>
      createResource(ctx, { type: "app", key: "b", name: "B" }),
    );
    await assertRefused(org, "auth.forbidden", () =>
      setRules(ctx, {
        subject: { kind: "user", id: u.id },
        role: { role: "Reader" },
        scope: { kind: "resource", resourceId: app.id },
      }),
    );
  });

  test("a group manager (manage_groups) manages groups only, and cannot change Administrators' members", async () => {
    const org = await newOrg(store());
    const app = await resource(org, "app", "a");
    const gil = await invite(org, "gil@example.com");
    const u = await invite(org, "u@example.com");
    const ctx = managerCtx(org, gil, false, true);
    const team = (await createGroup(ctx, { name: "Team", userIds: [u.id] })).value.group;
    await updateGroup(ctx, team.id, { description: "Managed by Gil" });
    await removeGroupMembers(ctx, team.id, { userIds: [u.id] });
    await assertRefused(org, "auth.forbidden", () => inviteUser(ctx, { email: "x@example.com" }));
    await assertRefused(org, "auth.forbidden", () => updateUser(ctx, u.id, { firstName: "Changed" }));
    await assertRefused(org, "auth.forbidden", () => removeUser(ctx, u.id));
    await assertRefused(org, "auth.forbidden", () => setUserRole(ctx, u.id, "admin"));
    const admins = administrators(org).id;
    await assertRefused(org, "auth.forbidden", () => addGroupMembers(ctx, admins, { userIds: [gil.id] }));
    await assertRefused(org, "auth.forbidden", () => addGroupMembers(ctx, admins, { groupIds: [team.id] }));
    await assertRefused(org, "auth.forbidden", () =>
      removeGroupMembers(ctx, admins, { userIds: [org.admin.id] }),
    );
    await assertRefused(org, "auth.forbidden", () =>
      editUsersGroups(ctx, { userIds: [gil.id], add: [admins] }),
    );
    await assertRefused(org, "auth.forbidden", () =>
      setRules(ctx, {
        subject: { kind: "group", id: team.id },
        role: { role: "Reader" },
        scope: { kind: "resource", resourceId: app.id },
      }),
    );
    assert.equal(orgRole(await state(org), gil.id), "member");
  });

  test("a group manager cannot make administrators through a group nested in Administrators", async () => {
    const org = await newOrg(store());
    const gil = await invite(org, "gil@example.com");
    const team = await group(org, "Admin team");
    await addGroupMembers(org.ctx(), administrators(org).id, { groupIds: [team.id] });
    const ctx = managerCtx(org, gil, false, true);
    await assertRefused(org, "auth.forbidden", () => addGroupMembers(ctx, team.id, { userIds: [gil.id] }));
    await assertRefused(org, "auth.forbidden", () => updateGroup(ctx, team.id, { allUsers: true }));
  });

  test("a manager cannot make an administrator by inviting a user into Administrators", async () => {
    const org = await newOrg(store());
    const mia = await invite(org, "mia@example.com");
    const ctx = managerCtx(org, mia, true, true);
    await assertRefused(org, "auth.forbidden", () =>
      inviteUser(ctx, { email: "crony@example.com", groupIds: [administrators(org).id] }),
    );
  });

  test("a user manager cannot deactivate, re-address or remove an administrator", async () => {
    const org = await newOrg(store());
    const ula = await invite(org, "ula@example.com");
    const admin = await invite(org, "admin@example.com", { role: "admin" });
    const ctx = managerCtx(org, ula, true, false);
    for (const target of [admin, org.admin]) {
      for (const attempt of [
        () => updateUser(ctx, target.id, { status: "deactivated" }),
        () => updateUser(ctx, target.id, { email: `taken-over-${target.id}@example.com` }),
        () => removeUser(ctx, target.id),
      ]) {
        const revision = await org.revision();
        await assert.rejects(attempt(), (e: { kind?: string }) => e.kind === "forbidden");
        assert.equal(await org.revision(), revision);
      }
    }
  });

  test("setUserRole(member) on a user who is admin only through a nested group gives user.role_inherited", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const ian = await invite(org, "ian@example.com");
    const team = await group(org, "Admin team", { userIds: [ian.id] });
    const outer = await group(org, "Outer", { groupIds: [team.id] });
    await addGroupMembers(ctx, administrators(org).id, { groupIds: [outer.id] });
    assert.equal(orgRole(await state(org), ian.id), "admin");
    await assertRefused(org, "user.role_inherited", () => setUserRole(ctx, ian.id, "member"));
    // Also a direct member: the direct membership removed on the way must be put back.
    await addGroupMembers(ctx, administrators(org).id, { userIds: [ian.id] });
    await assertRefused(org, "user.role_inherited", () => setUserRole(ctx, ian.id, "member"));
    assert.equal((await state(org)).userMembers.get(administrators(org).id)?.has(ian.id), true);
    // Out of the nested group, the demotion goes through.
    await removeGroupMembers(ctx, team.id, { userIds: [ian.id] });
    await setUserRole(ctx, ian.id, "member");
    assert.equal(orgRole(await state(org), ian.id), "member");
  });

  test("deleting a custom group that has members needs force (group.has_members)", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const u = await invite(org, "u@example.com");
    const inner = await group(org, "Inner");
    const withUser = await group(org, "With user", { userIds: [u.id] });
    const withGroup = await group(org, "With group", { groupIds: [inner.id] });
    const withAll = await group(org, "With all users", { allUsers: true });
    for (const g of [withUser, withGroup, withAll]) {
      await assertRefused(org, "group.has_members", () => deleteGroup(ctx, g.id));
      await assertRefused(org, "group.has_members", () => deleteGroup(ctx, g.id, { force: false }));
    }
    await deleteGroup(ctx, inner.id);
    const empty = await group(org, "Empty");
    await deleteGroup(ctx, empty.id);
    for (const g of [withUser, withGroup, withAll]) await deleteGroup(ctx, g.id, { force: true });
    const s = await state(org);
    for (const g of [inner, empty, withUser, withGroup, withAll]) assert.equal(s.groups.has(g.id), false);
    assert.equal(s.users.has(u.id), true, "force removes memberships, not users");
    await assertLogMatchesStore(store(), org);
  });

  test("a deactivated user keeps their memberships but has no access", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const app = await resource(org, "app", "finance");
    const data = await resource(org, "dataset", "sales");
    const u = await invite(org, "u@example.com");
    const admin = await invite(org, "admin@example.com", { role: "admin" });
    const team = await group(org, "Finance team", { userIds: [u.id] });
    await setRules(ctx, {
      subject: { kind: "group", id: team.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: app.id },
    });
    await setRules(ctx, {
      subject: { kind: "user", id: u.id },
      role: { role: "Viewer" },
      scope: { kind: "resource", resourceId: data.id },
    });
    for (const who of [u, admin]) await updateUser(ctx, who.id, { status: "deactivated" });
    let s = await state(org);
    assert.equal(s.userMembers.get(team.id)?.has(u.id), true);
    assert.equal(s.userMembers.get(administrators(org).id)?.has(admin.id), true);
    assert.equal(s.users.get(u.id)?.status, "deactivated");
    for (const who of [u, admin]) {
      assert.deepEqual(effectiveAccess(s, who.id, app.id), {
        mask: 0,
        capabilities: [],
        role: null,
        custom: false,
      });
      assert.deepEqual(dataFilter(s, who.id, data.id), { access: "none" });
    }
    await updateUser(ctx, u.id, { status: "active" });
    s = await state(org);
    assert.equal(effectiveAccess(s, u.id, app.id).role, "Writer");
    assert.deepEqual(dataFilter(s, u.id, data.id), { access: "unfiltered" });
  });

  test("removing a user removes their memberships, rules, filters and delegations", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const app = await resource(org, "app", "finance");
    const data = await resource(org, "dataset", "sales");
    const u = await invite(org, "u@example.com");
    const stay = await invite(org, "stay@example.com");
    const team = await group(org, "Finance team", { userIds: [u.id, stay.id] });
    const other = await group(org, "Other", { userIds: [u.id] });
    await setRules(ctx, {
      subject: { kind: "user", id: u.id },
      role: { role: "Reader" },
      scope: { kind: "all_current_and_future", type: "app" },
    });
    await setRules(ctx, {
      subject: { kind: "user", id: u.id },
      role: { role: "Viewer" },
      scope: { kind: "resource", resourceId: data.id },
    });
    await setDataFilter(ctx, {
      subject: { kind: "user", id: u.id },
      resourceId: data.id,
      predicate: { op: "eq", column: "country", value: "France" },
    });
    await createDelegation(ctx, { userId: u.id, scope: { kind: "resource", resourceId: app.id } });
    await removeUser(ctx, u.id);
    const s = await state(org);
    assert.equal(s.users.has(u.id), false);
    for (const [, members] of s.userMembers) assert.equal(members.has(u.id), false);
    assert.deepEqual([...(s.userMembers.get(team.id) ?? [])], [stay.id]);
    assert.equal(s.groups.has(other.id), true, "the groups stay");
    assert.equal(
      [...s.rules.values()].some((r) => r.subject.id === u.id),
      false,
    );
    assert.equal(
      [...s.filters.values()].some((f) => f.subject.id === u.id),
      false,
    );
    assert.equal(
      [...s.delegations.values()].some((d) => d.userId === u.id),
      false,
    );
  });

  test("after members leave (removed, un-nested, deleted), the change log still folds to the stored state", async () => {
    const org = await newOrg(store());
    const ctx = org.ctx();
    const u = await invite(org, "u@example.com");
    const v = await invite(org, "v@example.com");
    const inner = await group(org, "Inner");
    const left = await group(org, "Left", { userIds: [u.id], groupIds: [inner.id] });
    const gone = await group(org, "Gone", { userIds: [v.id] });
    await removeGroupMembers(ctx, left.id, { userIds: [u.id], groupIds: [inner.id] });
    await removeUser(ctx, v.id);
    await deleteGroup(ctx, inner.id);
    assert.equal((await state(org)).groups.has(gone.id), true);
    await assertLogMatchesStore(store(), org);
  });

  test("removing a delegate clears the delegation mark of their groups in the change log as in the store", async () => {
    const { org, dana, dctx } = await delegated(store());
    const team = (await createGroup(dctx, { name: "Dana's team" })).value.group;
    await removeUser(org.ctx(), dana.id);
    assert.equal((await state(org)).groups.get(team.id)?.delegationId, null);
    await assertLogMatchesStore(store(), org);
  });
});

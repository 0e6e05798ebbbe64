import assert from "node:assert/strict";
import { test } from "node:test";
import { count, eq } from "drizzle-orm";
import {
  addGroupMembers,
  type CreateGroupInput,
  createDelegation,
  createGroup,
  createOrganization,
  createResource,
  createRole,
  deleteGroup,
  deleteResource,
  deleteRole,
  editUsersGroups,
  type InviteUserInput,
  inviteUser,
  removeDataFilter,
  removeDelegation,
  removeGroupMembers,
  removeRules,
  removeUser,
  SYSTEM_ACTOR,
  setDataFilter,
  setRules,
  setUserRole,
  updateGroup,
  updateOrganization,
  updateResource,
  updateRole,
  updateUser,
} from "../../src/commands/index.ts";
import {
  type DelegationId,
  type ErrorCode,
  type FilterId,
  type Group,
  type GroupId,
  type IdKind,
  isRosterError,
  newId,
  type Resource,
  type ResourceId,
  type RoleId,
  type RosterError,
  type RuleId,
  type User,
  type UserId,
} from "../../src/domain/index.ts";
import { type Actor, findOrganization, loadSnapshot, type Store, tables } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
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

/**
 * The attempt fails with a RosterError of this stable code (not a database
 * error), and writes nothing: no revision, no state, no audit, no message.
 */
async function assertRefused(
  org: TestOrg,
  code: ErrorCode,
  attempt: () => Promise<unknown>,
  check?: (e: RosterError) => void,
): Promise<void> {
  const before = await footprint(org);
  const revision = await org.revision();
  await assert.rejects(attempt(), (e: unknown) => {
    assert.ok(isRosterError(e), `expected a RosterError with code ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 0, "the error says what is wrong");
    check?.(e);
    return true;
  });
  assert.equal(await org.revision(), revision, `${code}: the revision must not move`);
  assert.deepEqual(await footprint(org), before, `${code}: nothing may be written`);
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

async function roleId(org: TestOrg, type: string, name: string): Promise<RoleId> {
  const { state } = await loadSnapshot(org.store, org.organization.id);
  const role = [...state.roles.values()].find((r) => r.type === type && r.name === name);
  assert.ok(role, `${type} has a role ${name}`);
  return role.id;
}

/** Ids that name nothing: well formed ones, and garbage. */
function unknownIds<T extends string>(kind: IdKind): T[] {
  return [newId<T>(kind), "" as T, "nope" as T, "'; drop table users; --" as T];
}

/** A small organization: two users, a group, an app, a site, a dataset. */
async function populated(store: Store) {
  const org = await newOrg(store);
  const alice = await invite(org, "alice@example.com");
  const bob = await invite(org, "bob@example.com");
  const team = await group(org, "Team", { userIds: [alice.id] });
  const app = await resource(org, "app", "finance");
  const site = await resource(org, "site", "web");
  const dataset = await resource(org, "dataset", "sales");
  return { org, ctx: org.ctx(), alice, bob, team, app, site, dataset };
}

// ---- tests --------------------------------------------------------------------

describeBackends("bad input", (store) => {
  test("unknown user ids are refused with user.not_found", async () => {
    const { org, ctx, team, app, dataset } = await populated(store());
    for (const id of unknownIds<UserId>("user")) {
      await assertRefused(org, "user.not_found", () => updateUser(ctx, id, { firstName: "X" }));
      await assertRefused(org, "user.not_found", () => removeUser(ctx, id));
      await assertRefused(org, "user.not_found", () => setUserRole(ctx, id, "admin"));
      await assertRefused(org, "user.not_found", () => addGroupMembers(ctx, team.id, { userIds: [id] }));
      await assertRefused(org, "user.not_found", () => removeGroupMembers(ctx, team.id, { userIds: [id] }));
      await assertRefused(org, "user.not_found", () =>
        editUsersGroups(ctx, { userIds: [id], add: [team.id] }),
      );
      await assertRefused(org, "user.not_found", () =>
        setRules(ctx, {
          subject: { kind: "user", id },
          role: { role: "Reader" },
          scope: { kind: "resource", resourceId: app.id },
        }),
      );
      await assertRefused(org, "user.not_found", () =>
        setDataFilter(ctx, {
          subject: { kind: "user", id },
          resourceId: dataset.id,
          predicate: { op: "eq", column: "country", value: "France" },
        }),
      );
      await assertRefused(org, "user.not_found", () =>
        createDelegation(ctx, { userId: id, scope: { kind: "resource", resourceId: app.id } }),
      );
    }
  });

  test("unknown group ids are refused with group.not_found", async () => {
    const { org, ctx, alice, team, app, dataset } = await populated(store());
    for (const id of unknownIds<GroupId>("group")) {
      await assertRefused(org, "group.not_found", () => updateGroup(ctx, id, { name: "X" }));
      await assertRefused(org, "group.not_found", () => deleteGroup(ctx, id, { force: true }));
      await assertRefused(org, "group.not_found", () => addGroupMembers(ctx, id, { userIds: [alice.id] }));
      await assertRefused(org, "group.not_found", () => removeGroupMembers(ctx, id, { userIds: [alice.id] }));
      await assertRefused(org, "group.not_found", () => addGroupMembers(ctx, team.id, { groupIds: [id] }));
      await assertRefused(org, "group.not_found", () =>
        createGroup(ctx, { name: "Wrapper", groupIds: [id] }),
      );
      await assertRefused(org, "group.not_found", () =>
        inviteUser(ctx, { email: "new@example.com", groupIds: [id] }),
      );
      await assertRefused(org, "group.not_found", () =>
        editUsersGroups(ctx, { userIds: [alice.id], add: [id] }),
      );
      await assertRefused(org, "group.not_found", () =>
        editUsersGroups(ctx, { userIds: [alice.id], remove: [id] }),
      );
      await assertRefused(org, "group.not_found", () =>
        setRules(ctx, {
          subject: { kind: "group", id },
          role: { role: "Reader" },
          scope: { kind: "resource", resourceId: app.id },
        }),
      );
      await assertRefused(org, "group.not_found", () =>
        setDataFilter(ctx, {
          subject: { kind: "group", id },
          resourceId: dataset.id,
          predicate: { op: "eq", column: "country", value: "France" },
        }),
      );
    }
  });

  test("unknown resource ids are refused with resource.not_found; unknown types with resource_type.not_found", async () => {
    const { org, ctx, alice, app } = await populated(store());
    const subject = { kind: "user", id: alice.id } as const;
    for (const id of unknownIds<ResourceId>("resource")) {
      await assertRefused(org, "resource.not_found", () => updateResource(ctx, id, { name: "X" }));
      await assertRefused(org, "resource.not_found", () => deleteResource(ctx, id));
      await assertRefused(org, "resource.not_found", () =>
        setRules(ctx, { subject, role: { role: "Reader" }, scope: { kind: "resource", resourceId: id } }),
      );
      await assertRefused(org, "resource.not_found", () =>
        setRules(ctx, {
          subject,
          role: { role: "Reader" },
          scope: { kind: "resources", resourceIds: [app.id, id] },
        }),
      );
      await assertRefused(org, "resource.not_found", () =>
        setDataFilter(ctx, { subject, resourceId: id, predicate: { op: "eq", column: "c", value: 1 } }),
      );
      await assertRefused(org, "resource.not_found", () =>
        createDelegation(ctx, { userId: alice.id, scope: { kind: "resource", resourceId: id } }),
      );
    }
    for (const type of ["nope", "", "App"]) {
      await assertRefused(org, "resource_type.not_found", () =>
        createResource(ctx, { type, key: "k", name: "K" }),
      );
      await assertRefused(org, "resource_type.not_found", () =>
        setRules(ctx, { subject, role: { role: "Reader" }, scope: { kind: "all_current", type } }),
      );
      await assertRefused(org, "resource_type.not_found", () =>
        setRules(ctx, { subject, role: { role: "Reader" }, scope: { kind: "all_current_and_future", type } }),
      );
      await assertRefused(org, "resource_type.not_found", () =>
        createRole(ctx, { type, name: "R", capabilities: ["view"] }),
      );
    }
  });

  test("unknown role ids are refused with role.not_found", async () => {
    const { org, ctx, alice, app } = await populated(store());
    for (const id of unknownIds<RoleId>("role")) {
      await assertRefused(org, "role.not_found", () =>
        setRules(ctx, {
          subject: { kind: "user", id: alice.id },
          role: { roleId: id },
          scope: { kind: "resource", resourceId: app.id },
        }),
      );
      await assertRefused(org, "role.not_found", () => updateRole(ctx, id, { name: "X" }));
      await assertRefused(org, "role.not_found", () => deleteRole(ctx, id));
    }
  });

  test("unknown rule ids are refused with rule.not_found", async () => {
    const { org, ctx } = await populated(store());
    for (const id of unknownIds<RuleId>("rule")) {
      await assertRefused(org, "rule.not_found", () => removeRules(ctx, [id]));
    }
  });

  test("unknown filter ids are refused with filter.not_found", async () => {
    const { org, ctx } = await populated(store());
    for (const id of unknownIds<FilterId>("filter")) {
      await assertRefused(org, "filter.not_found", () => removeDataFilter(ctx, id));
    }
  });

  test("unknown delegation ids are refused with delegation.not_found", async () => {
    const { org, ctx } = await populated(store());
    for (const id of unknownIds<DelegationId>("delegation")) {
      await assertRefused(org, "delegation.not_found", () => removeDelegation(ctx, id));
    }
  });

  test("ids of another organization are not found, and the other organization is never touched", async () => {
    const a = await populated(store());
    const b = await populated(store());
    const ctx = a.ctx;
    const custom = (
      await createRole(b.ctx, { type: "app", name: "Viewer plus", capabilities: ["view", "manage"] })
    ).value.role;
    const ruleB = (
      await setRules(b.ctx, {
        subject: { kind: "group", id: b.team.id },
        role: { role: "Writer" },
        scope: { kind: "resource", resourceId: b.app.id },
      })
    ).value.rules[0]!.rule;
    const filterB = (
      await setDataFilter(b.ctx, {
        subject: { kind: "user", id: b.alice.id },
        resourceId: b.dataset.id,
        predicate: { op: "eq", column: "country", value: "France" },
      })
    ).value.filter;
    const delegationB = (
      await createDelegation(b.ctx, { userId: b.alice.id, scope: { kind: "resource", resourceId: b.app.id } })
    ).value.delegation;
    const readerB = await roleId(b.org, "app", "Reader");
    const bBefore = await footprint(b.org);

    const aliceA = { kind: "user", id: a.alice.id } as const;
    const onAppA = { kind: "resource", resourceId: a.app.id } as const;
    const attempts: [ErrorCode, () => Promise<unknown>][] = [
      ["user.not_found", () => updateUser(ctx, b.alice.id, { status: "deactivated" })],
      ["user.not_found", () => updateUser(ctx, b.org.admin.id, { email: "mine@example.com" })],
      ["user.not_found", () => removeUser(ctx, b.alice.id)],
      ["user.not_found", () => setUserRole(ctx, b.alice.id, "admin")],
      ["user.not_found", () => addGroupMembers(ctx, a.team.id, { userIds: [b.alice.id] })],
      ["user.not_found", () => createGroup(ctx, { name: "Mixed", userIds: [a.bob.id, b.bob.id] })],
      ["user.not_found", () => editUsersGroups(ctx, { userIds: [b.bob.id], add: [a.team.id] })],
      ["group.not_found", () => addGroupMembers(ctx, b.team.id, { userIds: [a.bob.id] })],
      ["group.not_found", () => removeGroupMembers(ctx, b.team.id, { userIds: [b.alice.id] })],
      ["group.not_found", () => addGroupMembers(ctx, a.team.id, { groupIds: [b.team.id] })],
      ["group.not_found", () => addGroupMembers(ctx, b.team.id, { groupIds: [a.team.id] })],
      ["group.not_found", () => updateGroup(ctx, b.team.id, { name: "Taken over" })],
      ["group.not_found", () => deleteGroup(ctx, b.team.id, { force: true })],
      ["group.not_found", () => deleteGroup(ctx, b.org.groups.administrators!.id, { force: true })],
      ["group.not_found", () => inviteUser(ctx, { email: "new@example.com", groupIds: [b.team.id] })],
      ["group.not_found", () => editUsersGroups(ctx, { userIds: [a.bob.id], add: [b.team.id] })],
      [
        "user.not_found",
        () =>
          setRules(ctx, {
            subject: { kind: "user", id: b.alice.id },
            role: { role: "Reader" },
            scope: onAppA,
          }),
      ],
      [
        "group.not_found",
        () =>
          setRules(ctx, {
            subject: { kind: "group", id: b.team.id },
            role: { role: "Reader" },
            scope: onAppA,
          }),
      ],
      [
        "resource.not_found",
        () =>
          setRules(ctx, {
            subject: aliceA,
            role: { role: "Reader" },
            scope: { kind: "resource", resourceId: b.app.id },
          }),
      ],
      [
        "resource.not_found",
        () =>
          setRules(ctx, {
            subject: aliceA,
            role: { role: "Reader" },
            scope: { kind: "resources", resourceIds: [a.app.id, b.app.id] },
          }),
      ],
      ["role.not_found", () => setRules(ctx, { subject: aliceA, role: { roleId: readerB }, scope: onAppA })],
      [
        "role.not_found",
        () => setRules(ctx, { subject: aliceA, role: { roleId: custom.id }, scope: onAppA }),
      ],
      ["role.not_found", () => updateRole(ctx, custom.id, { name: "Renamed" })],
      ["role.not_found", () => deleteRole(ctx, custom.id)],
      ["resource.not_found", () => updateResource(ctx, b.app.id, { name: "Renamed" })],
      ["resource.not_found", () => deleteResource(ctx, b.app.id)],
      [
        "resource.not_found",
        () =>
          setDataFilter(ctx, {
            subject: aliceA,
            resourceId: b.dataset.id,
            predicate: { op: "eq", column: "c", value: 1 },
          }),
      ],
      [
        "user.not_found",
        () =>
          setDataFilter(ctx, {
            subject: { kind: "user", id: b.alice.id },
            resourceId: a.dataset.id,
            predicate: { op: "eq", column: "c", value: 1 },
          }),
      ],
      ["rule.not_found", () => removeRules(ctx, [ruleB.id])],
      ["filter.not_found", () => removeDataFilter(ctx, filterB.id)],
      ["delegation.not_found", () => removeDelegation(ctx, delegationB.id)],
      ["user.not_found", () => createDelegation(ctx, { userId: b.alice.id, scope: onAppA })],
      [
        "resource.not_found",
        () =>
          createDelegation(ctx, { userId: a.alice.id, scope: { kind: "resource", resourceId: b.app.id } }),
      ],
      // B's delegation presented to A: not A's, whoever presents it.
      [
        "delegation.out_of_scope",
        () =>
          createGroup(a.org.ctx({ kind: "delegate", delegationId: delegationB.id }, actor(b.alice)), {
            name: "Smuggled",
          }),
      ],
    ];
    for (const [code, attempt] of attempts) await assertRefused(a.org, code, attempt);
    assert.deepEqual(await footprint(b.org), bBefore, "the other organization is untouched");
  });

  test("an email already used in the organization, in any case, is taken (user.email_taken); another organization's is free", async () => {
    const { org, ctx, alice, bob } = await populated(store());
    for (const email of ["alice@example.com", "ALICE@Example.COM", "  Alice@example.com  "]) {
      await assertRefused(org, "user.email_taken", () => inviteUser(ctx, { email }));
      await assertRefused(org, "user.email_taken", () => updateUser(ctx, bob.id, { email }));
    }
    // The same address in another organization is another user of the same person.
    const other = await newOrg(store());
    await inviteUser(other.ctx(), { email: "Alice@Example.com" });
    // A user may change the case of their own address.
    await updateUser(ctx, alice.id, { email: "Alice@Example.com" });
    // The externalId from the identity provider is unique too.
    await invite(org, "carol@example.com", { externalId: "idp-1" });
    await assertRefused(org, "user.invalid", () =>
      inviteUser(ctx, { email: "dave@example.com", externalId: "idp-1" }),
    );
  });

  test("a group name already used, in any case, is taken (group.name_taken), system groups' names included", async () => {
    const { org, ctx } = await populated(store());
    const other = await group(org, "Other");
    for (const name of ["Team", "TEAM", "  team ", "everyone", "ADMINISTRATORS", "power users"]) {
      await assertRefused(org, "group.name_taken", () => createGroup(ctx, { name }));
      await assertRefused(org, "group.name_taken", () => updateGroup(ctx, other.id, { name }));
    }
  });

  test("a resource key already used for its type is taken (resource.key_taken)", async () => {
    const { org, ctx, app } = await populated(store());
    const second = await resource(org, "app", "second");
    await assertRefused(org, "resource.key_taken", () =>
      createResource(ctx, { type: "app", key: "finance", name: "F" }),
    );
    await assertRefused(org, "resource.key_taken", () =>
      createResource(ctx, { type: "app", key: " finance ", name: "F" }),
    );
    await assertRefused(org, "resource.key_taken", () => updateResource(ctx, second.id, { key: app.key }));
    // Keys are unique per type only.
    await createResource(ctx, { type: "site", key: "finance", name: "Finance site" });
  });

  test("malformed emails are refused (user.invalid)", async () => {
    const { org, ctx, alice } = await populated(store());
    const bad = [
      "",
      "   ",
      "plain",
      "no-domain@",
      "@example.com",
      "a@b",
      "two@@example.com",
      "spa ce@example.com",
      "a@exa mple.com",
      "<a@example.com>",
      "a@example.com,b@example.com",
      "a;b@example.com",
      '"quoted"@example.com',
      "tab\t@example.com",
      "a\u0000b@example.com",
      "a\u0001b@example.com",
      "a@example.com\u007f",
      `${"x".repeat(250)}@example.com`,
    ];
    for (const email of bad) {
      await assertRefused(
        org,
        "user.invalid",
        () => inviteUser(ctx, { email }),
        (e) => {
          assert.equal(e.details?.field, "email");
        },
      );
      await assertRefused(org, "user.invalid", () => updateUser(ctx, alice.id, { email }));
    }
    const slug = `bad-admin-${newId("org").slice(4, 16)}`;
    await assert.rejects(
      createOrganization(store(), { name: "X", slug, plan: "team", admin: { email: "plain" } }, SYSTEM_ACTOR),
      { name: "RosterError", code: "user.invalid" },
    );
    assert.equal(await findOrganization(store().db, slug), null);
  });

  test("empty, oversized or control-character names are refused (user, group, resource, role, organization .invalid)", async () => {
    const { org, ctx, alice, team, app } = await populated(store());
    const control = ["a\u0000b", "a\u0007b", "line\nbreak", "tab\tin", "esc\u001b[31m", "del\u007f"];
    for (const name of ["", "   ", "x".repeat(101), ...control]) {
      await assertRefused(
        org,
        "group.invalid",
        () => createGroup(ctx, { name }),
        (e) => {
          assert.equal(e.details?.field, "name");
        },
      );
      await assertRefused(org, "group.invalid", () => updateGroup(ctx, team.id, { name }));
    }
    for (const name of ["x".repeat(101), ...control]) {
      await assertRefused(org, "user.invalid", () =>
        inviteUser(ctx, { email: "new@example.com", firstName: name }),
      );
      await assertRefused(org, "user.invalid", () =>
        inviteUser(ctx, { email: "new@example.com", lastName: name }),
      );
      await assertRefused(org, "user.invalid", () => updateUser(ctx, alice.id, { firstName: name }));
    }
    for (const text of ["", "   ", "x".repeat(201), ...control]) {
      await assertRefused(org, "resource.invalid", () =>
        createResource(ctx, { type: "app", key: text, name: "N" }),
      );
      await assertRefused(org, "resource.invalid", () =>
        createResource(ctx, { type: "app", key: "k", name: text }),
      );
      await assertRefused(org, "resource.invalid", () => updateResource(ctx, app.id, { name: text }));
      await assertRefused(org, "resource.invalid", () => updateResource(ctx, app.id, { key: text }));
    }
    for (const name of ["", "x".repeat(81), ...control]) {
      await assertRefused(org, "role.invalid", () =>
        createRole(ctx, { type: "app", name, capabilities: ["view"] }),
      );
    }
    for (const name of ["", "x".repeat(121), ...control]) {
      await assertRefused(org, "organization.invalid", () => updateOrganization(ctx, { name }));
    }
    await assertRefused(org, "group.invalid", () =>
      createGroup(ctx, { name: "Long", description: "x".repeat(1001) }),
    );
    await assertRefused(org, "user.invalid", () =>
      inviteUser(ctx, { email: "new@example.com", externalId: "x".repeat(256) }),
    );
    // The limits are inclusive, and surrounding blanks are trimmed.
    const long = (await createGroup(ctx, { name: ` ${"x".repeat(100)} ` })).value.group;
    assert.equal(long.name, "x".repeat(100));
  });

  test("names with C1 control characters are refused", async () => {
    const { org, ctx } = await populated(store());
    await assertRefused(org, "group.invalid", () => createGroup(ctx, { name: "csi\u009b31m" }));
    await assertRefused(org, "user.invalid", () =>
      inviteUser(ctx, { email: "n@example.com", firstName: "nel\u0085" }),
    );
  });

  test("bad attribute shapes are refused (user.invalid)", async () => {
    const { org, ctx, alice } = await populated(store());
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, ["v"]]));
    const bad: unknown[] = [
      [],
      [["region", "EMEA"]],
      "region=EMEA",
      42,
      { "bad key": ["x"] },
      { "1starts_with_digit": ["x"] },
      { "": ["x"] },
      { ["x".repeat(65)]: ["x"] },
      { region: [1] },
      { region: [null] },
      { region: [true] },
      { region: [["nested"]] },
      { region: { nested: "x" } },
      { region: Array.from({ length: 101 }, (_, i) => `v${i}`) },
      { region: ["x".repeat(201)] },
      tooMany,
    ];
    for (const attributes of bad) {
      await assertRefused(
        org,
        "user.invalid",
        () => inviteUser(ctx, { email: "new@example.com", attributes: attributes as never }),
        (e) => assert.equal(e.details?.field, "attributes"),
      );
      await assertRefused(org, "user.invalid", () =>
        updateUser(ctx, alice.id, { attributes: attributes as never }),
      );
    }
    // On an invitation, null means none; on an edit, it is not a set of attributes.
    await assertRefused(org, "user.invalid", () => updateUser(ctx, alice.id, { attributes: null as never }));
    // A single value is taken as a list of one.
    const u = await invite(org, "single@example.com", { attributes: { region: "EMEA" } as never });
    assert.deepEqual(u.attributes, { region: ["EMEA"] });
  });

  test("attribute values and filter values with NUL are refused with a stable code, not a database error", async () => {
    const { org, ctx, alice, dataset } = await populated(store());
    await assertRefused(org, "user.invalid", () =>
      updateUser(ctx, alice.id, { attributes: { region: ["EU\u0000"] } }),
    );
    await assertRefused(org, "filter.invalid", () =>
      setDataFilter(ctx, {
        subject: { kind: "user", id: alice.id },
        resourceId: dataset.id,
        predicate: { op: "eq", column: "country", value: "Fr\u0000ance" },
      }),
    );
  });

  test("unknown capabilities are refused (capability.unknown)", async () => {
    const { org, ctx, alice, app, site } = await populated(store());
    const subject = { kind: "user", id: alice.id } as const;
    const cases: [Resource, string[]][] = [
      [app, ["fly"]],
      [app, ["view", "fly"]],
      [app, ["View"]],
      [site, ["view"]], // an app capability, not a site's
      [app, ["read_data"]],
    ];
    for (const [on, capabilities] of cases) {
      await assertRefused(
        org,
        "capability.unknown",
        () =>
          setRules(ctx, { subject, role: { capabilities }, scope: { kind: "resource", resourceId: on.id } }),
        (e) => assert.equal(e.details?.type, on.type),
      );
      await assertRefused(org, "capability.unknown", () =>
        setRules(ctx, {
          subject,
          role: { capabilities },
          closeDependencies: true,
          scope: { kind: "resource", resourceId: on.id },
        }),
      );
      await assertRefused(org, "capability.unknown", () =>
        createRole(ctx, { type: on.type, name: "R", capabilities }),
      );
    }
    const custom = (await createRole(ctx, { type: "app", name: "Custom", capabilities: ["view", "manage"] }))
      .value.role;
    await assertRefused(org, "capability.unknown", () =>
      updateRole(ctx, custom.id, { capabilities: ["fly"] }),
    );
    await assertRefused(org, "role.invalid", () =>
      setRules(ctx, { subject, role: { capabilities: [] }, scope: { kind: "resource", resourceId: app.id } }),
    );
  });

  test("a capability without its dependency is refused, naming it (capability.missing_dependency)", async () => {
    const { org, ctx, alice, site } = await populated(store());
    const workspace = await resource(org, "workspace", "ws");
    const subject = { kind: "user", id: alice.id } as const;
    const cases: [Resource, string[], string[]][] = [
      [site, ["explore_data"], ["read_data"]],
      [site, ["handle_data"], ["read_data", "explore_data"]],
      [site, ["handle_data", "read_data"], ["explore_data"]],
      [workspace, ["write_reports"], ["read_reports"]],
      [workspace, ["edit_schemas", "read_data"], ["manage_databases"]],
    ];
    for (const [on, capabilities, missing] of cases) {
      const named = (e: RosterError) => {
        assert.deepEqual(e.details?.missing, missing);
        for (const m of missing) assert.match(e.message, new RegExp(m));
      };
      await assertRefused(
        org,
        "capability.missing_dependency",
        () =>
          setRules(ctx, { subject, role: { capabilities }, scope: { kind: "resource", resourceId: on.id } }),
        named,
      );
      await assertRefused(
        org,
        "capability.missing_dependency",
        () => createRole(ctx, { type: on.type, name: "Incomplete", capabilities }),
        named,
      );
    }
    // Asking for the closure is the way to get it.
    const closed = await setRules(ctx, {
      subject,
      role: { capabilities: ["explore_data"] },
      closeDependencies: true,
      scope: { kind: "resource", resourceId: site.id },
    });
    assert.equal(closed.value.equals, "Business user");
  });

  test("an unknown role name is refused (role.not_found); a role of another type is a type mismatch", async () => {
    const { org, ctx, alice, app } = await populated(store());
    const subject = { kind: "user", id: alice.id } as const;
    const scope = { kind: "resource", resourceId: app.id } as const;
    for (const role of ["Emperor", "", "Analyst", "Report consumer", "Reader plus"]) {
      await assertRefused(
        org,
        "role.not_found",
        () => setRules(ctx, { subject, role: { role }, scope }),
        (e) => {
          assert.deepEqual(e.details?.roles, ["Reader", "Writer", "Manager"]);
        },
      );
    }
    const analyst = await roleId(org, "site", "Analyst");
    await assertRefused(org, "resource.type_mismatch", () =>
      setRules(ctx, { subject, role: { roleId: analyst }, scope }),
    );
    await assertRefused(org, "resource.type_mismatch", () =>
      setRules(ctx, {
        subject,
        role: { roleId: analyst },
        scope: { kind: "all_current_and_future", type: "app" },
      }),
    );
  });

  test("the resources of one rule must be of one type (resource.type_mismatch)", async () => {
    const { org, ctx, alice, app, site, dataset } = await populated(store());
    for (const resourceIds of [
      [app.id, site.id],
      [app.id, app.id, dataset.id],
      [site.id, dataset.id],
    ]) {
      await assertRefused(org, "resource.type_mismatch", () =>
        setRules(ctx, {
          subject: { kind: "user", id: alice.id },
          role: { role: "Reader" },
          scope: { kind: "resources", resourceIds },
        }),
      );
      await assertRefused(org, "resource.type_mismatch", () =>
        createDelegation(ctx, { userId: alice.id, scope: { kind: "resources", resourceIds } }),
      );
    }
  });

  test("a data filter on anything but a dataset is a type mismatch (resource.type_mismatch)", async () => {
    const { org, ctx, alice, team, app, site } = await populated(store());
    const { state } = await loadSnapshot(store(), org.organization.id);
    const orgResource = [...state.resources.values()].find((r) => r.type === "organization")!;
    const workspace = await resource(org, "workspace", "ws");
    for (const on of [app, site, workspace, orgResource]) {
      for (const subject of [
        { kind: "user", id: alice.id } as const,
        { kind: "group", id: team.id } as const,
      ]) {
        await assertRefused(org, "resource.type_mismatch", () =>
          setDataFilter(ctx, {
            subject,
            resourceId: on.id,
            predicate: { op: "eq", column: "country", value: "France" },
          }),
        );
      }
    }
  });

  test("malformed filter predicates are refused (filter.invalid)", async () => {
    const { org, ctx, alice, dataset } = await populated(store());
    let deep: unknown = { op: "eq", column: "c", value: 1 };
    for (let i = 0; i < 16; i++) deep = { op: "and", args: [deep] };
    const bad: unknown[] = [
      null,
      undefined,
      "country = 'France'",
      42,
      [],
      {},
      { op: "like", column: "c", value: "x%" },
      { op: "EQ", column: "c", value: "x" },
      { op: "eq", column: "c" },
      { op: "eq", value: "x" },
      { op: "eq", column: "1bad", value: "x" },
      { op: "eq", column: "a.b.c.d", value: "x" },
      { op: "eq", column: 'c"; drop table users; --', value: "x" },
      { op: "eq", column: "c", value: null },
      { op: "eq", column: "c", value: Number.NaN },
      { op: "eq", column: "c", value: Number.POSITIVE_INFINITY },
      { op: "eq", column: "c", value: ["a", "b"] },
      { op: "eq", column: "c", value: { attr: "bad name" } },
      { op: "eq", column: "c", value: { attr: "region", extra: 1 } },
      { op: "eq", column: "c", value: "x", extra: true },
      { op: "in", column: "c", values: [] },
      { op: "in", column: "c", values: "France" },
      { op: "in", column: "c", values: ["ok", {}] },
      { op: "not_in", column: "c", value: "x" },
      { op: "and", args: [] },
      { op: "or", args: { op: "eq", column: "c", value: 1 } },
      { op: "or", args: [{ op: "eq", column: "c", value: 1 }, { op: "eq" }] },
      deep,
      { op: "in", column: "c", values: Array.from({ length: 1001 }, (_, i) => i) },
    ];
    for (const predicate of bad) {
      await assertRefused(org, "filter.invalid", () =>
        setDataFilter(ctx, { subject: { kind: "user", id: alice.id }, resourceId: dataset.id, predicate }),
      );
    }
    // Sixteen levels of nesting is the limit, and fine.
    await setDataFilter(ctx, {
      subject: { kind: "user", id: alice.id },
      resourceId: dataset.id,
      predicate: (deep as { args: unknown[] }).args[0],
    });
  });

  test("an unknown plan or a bad slug is refused (organization.invalid), and no organization appears", async () => {
    const admin = { email: "owner@example.com" };
    const slug = `ok-${newId("org").slice(4, 16)}`;
    for (const plan of ["gold", "", "Enterprise", "FREE"]) {
      await assert.rejects(
        createOrganization(store(), { name: "Acme", slug, plan: plan as never, admin }, SYSTEM_ACTOR),
        { name: "RosterError", code: "organization.invalid" },
      );
      assert.equal(await findOrganization(store().db, slug), null);
    }
    const badSlugs = [
      "",
      "Upper",
      "has space",
      "-lead",
      "trail-",
      "under_score",
      "dot.ted",
      "ünï",
      `a${"b".repeat(63)}`,
    ];
    for (const bad of badSlugs) {
      await assert.rejects(
        createOrganization(store(), { name: "Acme", slug: bad, plan: "team", admin }, SYSTEM_ACTOR),
        {
          name: "RosterError",
          code: "organization.invalid",
        },
      );
      assert.equal(await findOrganization(store().db, bad), null);
    }
    for (const name of ["", "x".repeat(121), "a\u0000b"]) {
      await assert.rejects(createOrganization(store(), { name, slug, plan: "team", admin }, SYSTEM_ACTOR), {
        name: "RosterError",
        code: "organization.invalid",
      });
      assert.equal(await findOrganization(store().db, slug), null);
    }

    const org = await newOrg(store(), "team");
    const other = await newOrg(store());
    for (const plan of ["gold", ""]) {
      await assertRefused(org, "organization.invalid", () =>
        updateOrganization(org.ctx(), { plan: plan as never }),
      );
    }
    for (const bad of badSlugs.filter((s) => s !== "")) {
      await assertRefused(org, "organization.invalid", () => updateOrganization(org.ctx(), { slug: bad }));
    }
    await assertRefused(org, "organization.slug_taken", () =>
      updateOrganization(org.ctx(), { slug: other.organization.slug }),
    );
    await assert.rejects(
      createOrganization(
        store(),
        { name: "Acme", slug: org.organization.slug, plan: "team", admin },
        SYSTEM_ACTOR,
      ),
      { name: "RosterError", code: "organization.slug_taken" },
    );
  });

  test("a batch where one of several ids is unknown writes none of it", async () => {
    const { org, ctx, alice, bob, team, app } = await populated(store());
    const carol = await invite(org, "carol@example.com");
    const empty = await group(org, "Empty");
    const missingUser = newId<UserId>("user");
    const missingGroup = newId<GroupId>("group");
    await assertRefused(
      org,
      "user.not_found",
      () => addGroupMembers(ctx, empty.id, { userIds: [bob.id, missingUser, carol.id] }),
      (e) => assert.deepEqual(e.details?.ids, [missingUser]),
    );
    await assertRefused(org, "group.not_found", () =>
      addGroupMembers(ctx, empty.id, { userIds: [bob.id, carol.id], groupIds: [team.id, missingGroup] }),
    );
    await assertRefused(org, "user.not_found", () =>
      removeGroupMembers(ctx, team.id, { userIds: [alice.id, missingUser] }),
    );
    // The first group is written before the second is found missing: the transaction must undo it.
    await assertRefused(org, "group.not_found", () =>
      editUsersGroups(ctx, { userIds: [bob.id, carol.id], add: [empty.id, missingGroup] }),
    );
    await assertRefused(org, "group.not_found", () =>
      editUsersGroups(ctx, { userIds: [alice.id], add: [empty.id], remove: [team.id, missingGroup] }),
    );
    await assertRefused(org, "user.not_found", () =>
      editUsersGroups(ctx, { userIds: [bob.id, missingUser], add: [empty.id] }),
    );
    // Creations: the group, or the user, must not appear.
    await assertRefused(org, "user.not_found", () =>
      createGroup(ctx, { name: "Half", userIds: [bob.id, missingUser] }),
    );
    await assertRefused(org, "group.not_found", () =>
      inviteUser(ctx, { email: "half@example.com", groupIds: [empty.id, missingGroup] }),
    );
    await assertRefused(org, "resource.not_found", () =>
      setRules(ctx, {
        subject: { kind: "user", id: bob.id },
        role: { role: "Reader" },
        scope: { kind: "resources", resourceIds: [app.id, newId<ResourceId>("resource")] },
      }),
    );
    const rule = (
      await setRules(ctx, {
        subject: { kind: "user", id: bob.id },
        role: { role: "Reader" },
        scope: { kind: "resource", resourceId: app.id },
      })
    ).value.rules[0]!.rule;
    await assertRefused(org, "rule.not_found", () => removeRules(ctx, [rule.id, newId<RuleId>("rule")]));
    const { state } = await loadSnapshot(store(), org.organization.id);
    assert.equal(state.rules.has(rule.id), true);
    assert.equal(state.userMembers.get(empty.id)?.size ?? 0, 0);
  });

  test("rules on Administrators are refused (rule.invalid), as are empty and unknown scopes", async () => {
    const { org, ctx, alice, app } = await populated(store());
    const administrators = { kind: "group", id: org.groups.administrators!.id } as const;
    const scopes = [
      { kind: "resource", resourceId: app.id },
      { kind: "resources", resourceIds: [app.id] },
      { kind: "all_current", type: "app" },
      { kind: "all_current_and_future", type: "app" },
    ] as const;
    for (const scope of scopes) {
      await assertRefused(org, "rule.invalid", () =>
        setRules(ctx, { subject: administrators, role: { role: "Reader" }, scope }),
      );
    }
    const subject = { kind: "user", id: alice.id } as const;
    await assertRefused(org, "rule.invalid", () =>
      setRules(ctx, { subject, role: { role: "Reader" }, scope: { kind: "resources", resourceIds: [] } }),
    );
    await assertRefused(org, "rule.invalid", () =>
      setRules(ctx, { subject, role: { role: "Reader" }, scope: { kind: "everything" } as never }),
    );
  });

  test("other unknown values are refused: organization role, status, notification setting, conflicting options", async () => {
    const { org, ctx, alice, team, app } = await populated(store());
    await assertRefused(org, "user.invalid", () =>
      inviteUser(ctx, { email: "new@example.com", role: "superuser" as never }),
    );
    await assertRefused(org, "user.invalid", () => setUserRole(ctx, alice.id, "root" as never));
    await assertRefused(org, "user.invalid", () =>
      updateUser(ctx, alice.id, { status: "suspended" as never }),
    );
    await assertRefused(org, "group.invalid", () =>
      createGroup(ctx, { name: "Loud", notify: "sms" as never }),
    );
    await assertRefused(org, "group.invalid", () => updateGroup(ctx, team.id, { notify: "sms" as never }));
    await assertRefused(org, "group.invalid", () =>
      createGroup(ctx, { name: "Both", allUsers: true, allCurrentUsers: true }),
    );
    await assertRefused(org, "request.invalid", () =>
      editUsersGroups(ctx, { userIds: [alice.id], add: [team.id], remove: [team.id] }),
    );
    await assertRefused(org, "resource.system", () =>
      createResource(ctx, { type: "organization", key: "second", name: "Second" }),
    );
    await assertRefused(org, "delegation.invalid", () =>
      createDelegation(ctx, { userId: alice.id, scope: { kind: "all_current", type: "workspace" } }),
    );
    await updateUser(ctx, alice.id, { status: "deactivated" });
    await assertRefused(org, "user.deactivated", () =>
      createDelegation(ctx, { userId: alice.id, scope: { kind: "resource", resourceId: app.id } }),
    );
  });
});

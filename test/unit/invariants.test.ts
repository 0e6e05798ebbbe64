import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  activeAdministrators,
  assertAdministratorsRemain,
  assertCustomGroupsAllowed,
  assertDelegateGroup,
  assertDelegateScope,
  assertMembersEditable,
  assertNotSystemGroup,
  checkAttributes,
  checkEmail,
  checkSlug,
  checkText,
  type Delegation,
  delegationCovers,
  type ErrorKind,
  type GroupId,
  type OrgState,
  PLANS,
  RosterError,
  type RuleScope,
  SYSTEM_GROUPS,
  wouldCreateCycle,
} from "../../src/domain/index.ts";
import { buildOrg, type OrgBuilder } from "../support/state-builder.ts";

/** Asserts a RosterError with this code and kind. */
function assertFails(run: () => unknown, code: string, kind: ErrorKind): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof RosterError, `expected a RosterError, got ${e}`);
    assert.equal(e.code, code);
    assert.equal(e.kind, kind);
    return true;
  });
}

describe("plans", () => {
  test("custom groups need the enterprise plan", () => {
    for (const plan of ["free", "team"] as const) {
      const { organization } = buildOrg({ plan }).state();
      assertFails(() => assertCustomGroupsAllowed(organization), "plan.enterprise_required", "plan");
    }
    assert.doesNotThrow(() =>
      assertCustomGroupsAllowed(buildOrg({ plan: "enterprise" }).state().organization),
    );
  });

  test("the plans are free, team and enterprise", () => {
    assert.deepEqual([...PLANS], ["free", "team", "enterprise"]);
  });
});

describe("group nesting", () => {
  const nestedIn = (state: OrgState) => (g: GroupId) => state.groupMembers.get(g) ?? [];

  /** Engineering contains Backend, which contains Databases. */
  function tree(): OrgBuilder {
    const org = buildOrg();
    org.group("Engineering");
    org.group("Backend");
    org.group("Databases");
    org.group("Sales");
    org.add("Engineering", "Backend");
    org.add("Backend", "Databases");
    return org;
  }

  test("nesting that would close a cycle is refused", () => {
    const org = tree();
    const state = org.state();
    const cycle = (child: string, parent: string) =>
      wouldCreateCycle(nestedIn(state), org.groupId(parent), org.groupId(child));
    // Engineering into Databases: Databases is already (indirectly) inside Engineering.
    assert.equal(cycle("Engineering", "Databases"), true);
    assert.equal(cycle("Backend", "Databases"), true);
    assert.equal(cycle("Engineering", "Backend"), true);
  });

  test("a group cannot be nested into itself", () => {
    const org = tree();
    const state = org.state();
    assert.equal(wouldCreateCycle(nestedIn(state), org.groupId("Sales"), org.groupId("Sales")), true);
  });

  test("nesting that closes no cycle is allowed, even when the group is already reachable another way", () => {
    const org = tree();
    const state = org.state();
    const cycle = (child: string, parent: string) =>
      wouldCreateCycle(nestedIn(state), org.groupId(parent), org.groupId(child));
    assert.equal(cycle("Databases", "Engineering"), false);
    assert.equal(cycle("Sales", "Databases"), false);
    assert.equal(cycle("Databases", "Sales"), false);
  });
});

describe("the last administrator", () => {
  /** alice is an administrator; `change` is applied and the active administrators compared around it. */
  function around(setup: (org: OrgBuilder) => void, change: (org: OrgBuilder) => void) {
    const org = buildOrg();
    org.user("alice", { owner: true });
    org.add("Administrators", "alice");
    setup(org);
    const before = activeAdministrators(org.state());
    change(org);
    const after = activeAdministrators(org.state());
    return () => assertAdministratorsRemain(before, after);
  }

  const removing = (org: OrgBuilder) => org.remove("Administrators", "alice");
  const lastAdmin = (run: () => void) => assertFails(run, "admin.last_administrator", "invariant");

  test("the last active administrator cannot be removed from Administrators", () => {
    lastAdmin(around(() => {}, removing));
  });

  test("the last active administrator cannot be deactivated", () => {
    lastAdmin(
      around(
        () => {},
        (org) => org.deactivate("alice"),
      ),
    );
  });

  test("the last active administrator cannot be deleted", () => {
    lastAdmin(
      around(
        () => {},
        (org) => org.deleteUser("alice"),
      ),
    );
  });

  test("the last administrators cannot be demoted by taking their group out of Administrators", () => {
    const run = around(
      (org) => {
        org.user("bob");
        org.group("IT");
        org.add("IT", "bob");
        org.add("Administrators", "IT");
        org.remove("Administrators", "alice");
      },
      (org) => org.remove("Administrators", "IT"),
    );
    lastAdmin(run);
  });

  test("a deactivated administrator does not count as one that remains", () => {
    const run = around((org) => {
      org.user("bob");
      org.add("Administrators", "bob");
      org.deactivate("bob");
    }, removing);
    lastAdmin(run);
  });

  test("an administrator can be removed once another active one exists, directly or through a group", () => {
    assert.doesNotThrow(
      around((org) => {
        org.user("bob");
        org.add("Administrators", "bob");
      }, removing),
    );
    assert.doesNotThrow(
      around((org) => {
        org.user("carol");
        org.group("IT");
        org.add("IT", "carol");
        org.add("Administrators", "IT");
      }, removing),
    );
  });
});

describe("membership edits", () => {
  const state = buildOrg().state();
  const systemGroup = (key: string) => [...state.groups.values()].find((g) => g.system === key)!;

  test("Everyone's members cannot be added or removed", () => {
    const everyone = systemGroup("everyone");
    for (const users of [true, false]) {
      for (const removal of [true, false]) {
        assertFails(
          () => assertMembersEditable(everyone, { users, removal }),
          "group.everyone_members",
          "invariant",
        );
      }
    }
  });

  test("single users cannot be removed from an all-users group", () => {
    const org = buildOrg();
    org.group("Staff", { allUsers: true });
    const staff = org.state().groups.get(org.groupId("Staff"))!;
    assertFails(
      () => assertMembersEditable(staff, { users: true, removal: true }),
      "group.all_users",
      "invariant",
    );
    // Nested groups may still be removed, and users added.
    assert.doesNotThrow(() => assertMembersEditable(staff, { users: false, removal: true }));
    assert.doesNotThrow(() => assertMembersEditable(staff, { users: true, removal: false }));
  });

  test("once the all-users flag is off, single users can be removed again", () => {
    const org = buildOrg();
    org.group("Staff", { allUsers: true });
    org.updateGroup("Staff", { allUsers: false });
    const staff = org.state().groups.get(org.groupId("Staff"))!;
    assert.doesNotThrow(() => assertMembersEditable(staff, { users: true, removal: true }));
  });

  test("members of Administrators and of the workspace system groups can be added and removed", () => {
    for (const def of SYSTEM_GROUPS.filter((g) => g.key !== "everyone")) {
      for (const removal of [true, false]) {
        assert.doesNotThrow(
          () => assertMembersEditable(systemGroup(def.key), { users: true, removal }),
          def.name,
        );
      }
    }
  });

  test("system groups cannot be deleted or renamed", () => {
    for (const def of SYSTEM_GROUPS) {
      assertFails(() => assertNotSystemGroup(systemGroup(def.key), "deleted"), "group.system", "invariant");
    }
    const org = buildOrg();
    org.group("Analysts");
    assert.doesNotThrow(() =>
      assertNotSystemGroup(org.state().groups.get(org.groupId("Analysts"))!, "deleted"),
    );
  });
});

describe("delegation", () => {
  /** dan is delegated the Finance and Budget apps; erin all sites; Sales is an app outside dan's scope. */
  function delegated() {
    const org = buildOrg();
    org.user("dan");
    org.user("erin");
    org.resource("app", "Finance");
    org.resource("app", "Budget");
    org.resource("app", "Sales");
    org.resource("site", "Shop");
    org.delegate("Finance apps", "dan", "app", ["Finance", "Budget"]);
    org.delegate("All sites", "erin", "site", "all");
    const state = org.state();
    const delegation = (name: string): Delegation => state.delegations.get(org.delegationId(name))!;
    const resource = (name: string) => state.resources.get(org.resourceId(name))!;
    return { org, state, delegation, resource };
  }

  const outOfScope = (run: () => void) => assertFails(run, "delegation.out_of_scope", "forbidden");

  test("a delegate sets rules only inside the delegated scope", () => {
    const { org, delegation, resource } = delegated();
    const dan = delegation("Finance apps");
    const on = (...names: string[]): [RuleScope, ReturnType<typeof resource>[]] => [
      { kind: "resources", resourceIds: names.map((n) => org.resourceId(n)) },
      names.map(resource),
    ];
    assert.doesNotThrow(() => assertDelegateScope(dan, ...on("Finance")));
    assert.doesNotThrow(() => assertDelegateScope(dan, ...on("Finance", "Budget")));
    outOfScope(() => assertDelegateScope(dan, ...on("Sales")));
    outOfScope(() => assertDelegateScope(dan, ...on("Finance", "Sales")));
    outOfScope(() => assertDelegateScope(dan, ...on("Shop")));
    const single: RuleScope = { kind: "resource", resourceId: org.resourceId("Sales") };
    outOfScope(() => assertDelegateScope(dan, single, [resource("Sales")]));
  });

  test("the refusal names the resources outside the delegation", () => {
    const { org, delegation, resource } = delegated();
    const scope: RuleScope = { kind: "all_current", type: "app" };
    assert.throws(
      () =>
        assertDelegateScope(delegation("Finance apps"), scope, ["Finance", "Budget", "Sales"].map(resource)),
      (e: unknown) => {
        assert.ok(e instanceof RosterError);
        assert.deepEqual(e.details, { resources: [org.resourceId("Sales")] });
        return true;
      },
    );
  });

  test("only a delegation of every resource of a type allows rules on all current and future resources of it", () => {
    const { delegation } = delegated();
    const future = (type: string): RuleScope => ({ kind: "all_current_and_future", type });
    outOfScope(() => assertDelegateScope(delegation("Finance apps"), future("app"), []));
    assert.doesNotThrow(() => assertDelegateScope(delegation("All sites"), future("site"), []));
    outOfScope(() => assertDelegateScope(delegation("All sites"), future("app"), []));
  });

  test("a delegation of all resources of a type covers resources created later, and no other type", () => {
    const { org, delegation } = delegated();
    org.resource("site", "Created later");
    const state = org.state();
    const later = state.resources.get(org.resourceId("Created later"))!;
    assert.equal(delegationCovers(delegation("All sites"), later), true);
    assert.equal(
      delegationCovers(delegation("All sites"), state.resources.get(org.resourceId("Finance"))!),
      false,
    );
    assert.equal(
      delegationCovers(delegation("Finance apps"), state.resources.get(org.resourceId("Sales"))!),
      false,
    );
  });

  test("a delegate manages only groups created under that delegation", () => {
    const { org } = delegated();
    org.group("Finance readers", { delegation: "Finance apps" });
    org.group("Site readers", { delegation: "All sites" });
    org.group("Analysts");
    const state = org.state();
    const group = (name: string) => state.groups.get(org.groupId(name))!;
    const dan = org.delegationId("Finance apps");
    assert.doesNotThrow(() => assertDelegateGroup(dan, group("Finance readers")));
    outOfScope(() => assertDelegateGroup(dan, group("Site readers")));
    outOfScope(() => assertDelegateGroup(dan, group("Analysts")));
    outOfScope(() => assertDelegateGroup(dan, group("Everyone")));
  });
});

describe("input validation", () => {
  const invalid = (run: () => unknown, code = "user.invalid") => assertFails(run, code, "validation");

  test("an email is trimmed and kept as entered", () => {
    assert.equal(checkEmail("  Alice.Martin@Example.COM "), "Alice.Martin@Example.COM");
    assert.equal(checkEmail("a+tag@sub.example.org"), "a+tag@sub.example.org");
  });

  test("something that is not an email address is refused", () => {
    for (const bad of [
      "",
      "alice",
      "alice@",
      "@example.com",
      "alice@example",
      "al ice@example.com",
      "a@b@c.d",
    ]) {
      invalid(() => checkEmail(bad));
    }
    invalid(() => checkEmail("<alice@example.com>"));
    invalid(() => checkEmail("alice@example.com, bob@example.com"));
  });

  test("an email longer than 254 characters is refused", () => {
    const local = "a".repeat(64);
    const domain = `${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(63)}.com`;
    const long = `${local}@${domain}`;
    assert.ok(long.length > 254);
    invalid(() => checkEmail(long));
    assert.doesNotThrow(() => checkEmail(`${local}@${"d".repeat(60)}.com`));
  });

  test("an email refusal carries the caller's code", () => {
    invalid(() => checkEmail("nope", "request.invalid"), "request.invalid");
  });

  test("an email with control characters is refused", () => {
    invalid(() => checkEmail("al\u0000ice@example.com"));
    invalid(() => checkEmail("al\u0007ice@example.com"));
  });

  test("a text is trimmed, non-empty unless allowed, bounded in length and free of control characters", () => {
    assert.equal(checkText("group.invalid", "name", "  Analysts  ", 10), "Analysts");
    assert.equal(checkText("group.invalid", "description", "   ", 10, true), "");
    invalid(() => checkText("group.invalid", "name", "   ", 10), "group.invalid");
    invalid(() => checkText("group.invalid", "name", "x".repeat(11), 10), "group.invalid");
    assert.equal(checkText("group.invalid", "name", "x".repeat(10), 10), "x".repeat(10));
    invalid(() => checkText("group.invalid", "name", "Ana\nlysts", 80), "group.invalid");
    invalid(() => checkText("group.invalid", "name", "Ana\u0000lysts", 80), "group.invalid");
    invalid(() => checkText("group.invalid", "name", "Ana\u007flysts", 80), "group.invalid");
  });

  test("a text refusal names the field", () => {
    assert.throws(
      () => checkText("group.invalid", "name", "", 10),
      (e: unknown) => e instanceof RosterError && e.details?.field === "name",
    );
  });

  test("a slug is lower-case letters, digits and inner dashes, at most 63 characters", () => {
    for (const ok of ["acme", "acme-corp", "a", "42", "x".repeat(63)]) assert.equal(checkSlug(ok), ok);
    for (const bad of ["", "Acme", "-acme", "acme-", "acme corp", "acme_corp", "x".repeat(64)]) {
      invalid(() => checkSlug(bad), "organization.invalid");
    }
  });

  test("attributes are an object of key to list of strings; a single string becomes a list; duplicates go", () => {
    assert.deepEqual(checkAttributes({ region: ["EMEA", "APAC", "EMEA"], team: "Finance" }), {
      region: ["EMEA", "APAC"],
      team: ["Finance"],
    });
    assert.deepEqual(checkAttributes({}), {});
  });

  test("attributes that are not an object of lists of strings are refused", () => {
    for (const bad of [null, "region=EMEA", ["EMEA"], 42]) invalid(() => checkAttributes(bad));
    invalid(() => checkAttributes({ region: [1] }));
    invalid(() => checkAttributes({ region: null }));
    invalid(() => checkAttributes({ region: [["EMEA"]] }));
  });

  test("attribute names are identifiers", () => {
    for (const ok of ["region", "_x", "cost.center", "org-unit", "A1"]) {
      assert.doesNotThrow(() => checkAttributes({ [ok]: ["v"] }), ok);
    }
    for (const bad of ["", "1region", "re gion", "région", "x".repeat(65)])
      invalid(() => checkAttributes({ [bad]: ["v"] }));
  });

  test("a user has at most 50 attributes, each at most 100 values of at most 200 characters", () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, ["v"]]));
    assert.doesNotThrow(() => checkAttributes(keys(50)));
    invalid(() => checkAttributes(keys(51)));
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    assert.doesNotThrow(() => checkAttributes({ region: values(100) }));
    invalid(() => checkAttributes({ region: values(101) }));
    assert.doesNotThrow(() => checkAttributes({ region: ["x".repeat(200)] }));
    invalid(() => checkAttributes({ region: ["x".repeat(201)] }));
  });

  test("an attribute named __proto__ is refused or kept, never silently dropped", () => {
    let out: unknown;
    try {
      out = checkAttributes(JSON.parse('{"__proto__": ["EMEA"], "team": ["Finance"]}'));
    } catch (e) {
      assert.ok(e instanceof RosterError && e.code === "user.invalid", `unexpected error ${e}`);
      return;
    }
    const attributes = out as Record<string, unknown>;
    assert.ok(!Array.isArray(Object.getPrototypeOf(attributes)), "the values became the result's prototype");
    assert.deepEqual(Object.keys(attributes).sort(), ["__proto__", "team"]);
    assert.deepEqual(Object.getOwnPropertyDescriptor(attributes, "__proto__")?.value, ["EMEA"]);
  });
});

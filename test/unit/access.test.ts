import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  activeAdministrators,
  administrationOf,
  type ChangeEvent,
  type Contribution,
  check,
  DEFAULT_CATALOG,
  dataFilter,
  type EffectiveFilter,
  EXPLAIN_LIMIT,
  effectiveAccess,
  explain,
  foldLog,
  groupsOfUser,
  type OrgState,
  orgRole,
  type ResolvedPredicate,
  RosterError,
  resourcesOfUser,
  SYSTEM_GROUPS,
  toSql,
  usersOfGroup,
  usersOfResource,
} from "../../src/domain/index.ts";
import { buildOrg, type OrgBuilder } from "../support/state-builder.ts";

/** What a user sees of a resource: capabilities, highest named role, custom or not. */
function accessOf(org: OrgBuilder, user: string, resource: string, state: OrgState = org.state()) {
  const { capabilities, role, custom } = effectiveAccess(state, org.userId(user), org.resourceId(resource));
  return { capabilities, role, custom };
}

const NO_ACCESS = { capabilities: [], role: null, custom: false };

/** An explanation as readable lines: "alice -> Analysts -> EMEA team: Writer on Finance". */
function explainLines(org: OrgBuilder, user: string, resource: string, limit?: number): string[] {
  const state = org.state();
  const e = explain(state, org.userId(user), org.resourceId(resource), limit);
  return e.contributions.map((c) => line(org, state, user, c));
}

function line(org: OrgBuilder, state: OrgState, user: string, c: Contribution): string {
  const path = [user, ...c.path.map((g) => org.groupName(g))].join(" -> ");
  if (c.kind === "organization_role") return `${path}: ${c.role}`;
  const on = c.rule.resourceId === null ? `all ${c.rule.type}` : state.resources.get(c.rule.resourceId)!.name;
  return `${path}: ${c.role.name} on ${on}`;
}

function groupNamesOf(org: OrgBuilder, user: string, state = org.state()): string[] {
  return [...groupsOfUser(state, org.userId(user)).keys()].map((g) => org.groupName(g)).sort();
}

function filterOf(org: OrgBuilder, user: string, dataset: string): EffectiveFilter {
  return dataFilter(org.state(), org.userId(user), org.resourceId(dataset));
}

/** An OR's arguments in a stable order, so tests do not depend on the order paths are visited. */
function sortedOr(p: ResolvedPredicate): ResolvedPredicate {
  if (p.op !== "or") return p;
  return { op: "or", args: [...p.args].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) };
}

const eq = (column: string, value: string) => ({ op: "eq", column, value }) as const;

describe("organization role", () => {
  test("a user is an admin exactly when they belong to Administrators, directly or through a nested group", () => {
    const org = buildOrg();
    org.user("alice");
    org.user("bob");
    org.user("carol");
    org.group("IT");
    org.add("Administrators", "alice");
    org.add("IT", "bob");
    org.add("Administrators", "IT");
    const state = org.state();
    assert.equal(orgRole(state, org.userId("alice")), "admin");
    assert.equal(orgRole(state, org.userId("bob")), "admin");
    assert.equal(orgRole(state, org.userId("carol")), "member");
  });

  test("owner is a mark on top of admin: an owner in Administrators is owner, the mark alone gives nothing", () => {
    const org = buildOrg();
    org.user("olivia", { owner: true });
    org.user("oscar", { owner: true });
    org.add("Administrators", "olivia");
    org.resource("app", "Finance");
    const state = org.state();
    assert.equal(orgRole(state, org.userId("olivia")), "owner");
    assert.equal(orgRole(state, org.userId("oscar")), "member");
    assert.deepEqual(accessOf(org, "oscar", "Finance", state), NO_ACCESS);
  });

  test("owners and admins hold every capability on every resource whatever their groups say", () => {
    const org = buildOrg();
    org.user("alice");
    org.user("olivia", { owner: true });
    org.group("Readers");
    org.add("Readers", "alice", "olivia");
    org.add("Administrators", "alice", "olivia");
    org.resource("app", "Finance");
    org.resource("site", "Shop");
    org.resource("workspace", "Sales");
    org.resource("dataset", "Orders");
    org.grant("Readers", "Reader", "Finance");
    const state = org.state();
    for (const user of ["alice", "olivia"]) {
      for (const [resource, type] of [
        ["Finance", "app"],
        ["Shop", "site"],
        ["Sales", "workspace"],
        ["Orders", "dataset"],
        ["Acme", "organization"],
      ] as const) {
        const all = state.types.get(type)!.def.capabilities.map((c) => c.key);
        assert.deepEqual(accessOf(org, user, resource, state).capabilities, all, `${user} on ${resource}`);
      }
    }
    assert.equal(accessOf(org, "alice", "Finance", state).role, "Manager");
  });

  test("nesting a group into Administrators makes its members admins; taking it out makes them members again", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("IT");
    org.add("IT", "alice");
    org.resource("app", "Finance");
    assert.deepEqual(accessOf(org, "alice", "Finance"), NO_ACCESS);
    org.add("Administrators", "IT");
    assert.equal(orgRole(org.state(), org.userId("alice")), "admin");
    assert.equal(accessOf(org, "alice", "Finance").role, "Manager");
    org.remove("Administrators", "IT");
    assert.equal(orgRole(org.state(), org.userId("alice")), "member");
    assert.deepEqual(accessOf(org, "alice", "Finance"), NO_ACCESS);
  });

  test("holders of manage_users or manage_groups on the organization administer that part without being admins", () => {
    const org = buildOrg();
    org.user("uma");
    org.user("gus");
    org.user("ada");
    org.user("max");
    org.grant("uma", "User manager", "Acme");
    org.group("Group managers");
    org.add("Group managers", "gus");
    org.grant("Group managers", "Group manager", "Acme");
    org.add("Administrators", "ada");
    const state = org.state();
    const admin = (user: string) => {
      const { role, manageUsers, manageGroups } = administrationOf(state, org.userId(user));
      return { role, manageUsers, manageGroups };
    };
    assert.deepEqual(admin("uma"), { role: "member", manageUsers: true, manageGroups: false });
    assert.deepEqual(admin("gus"), { role: "member", manageUsers: false, manageGroups: true });
    assert.deepEqual(admin("ada"), { role: "admin", manageUsers: true, manageGroups: true });
    assert.deepEqual(admin("max"), { role: "member", manageUsers: false, manageGroups: false });
  });

  test("a delegate's delegations are part of what they administer", () => {
    const org = buildOrg();
    org.user("dan");
    org.resource("app", "Finance");
    const id = org.delegate("Finance apps", "dan", "app", ["Finance"]);
    const { delegations, role } = administrationOf(org.state(), org.userId("dan"));
    assert.equal(role, "member");
    assert.deepEqual(
      delegations.map((d) => d.id),
      [id],
    );
  });
});

describe("membership", () => {
  test("Everyone holds every user, including users created later", () => {
    const org = buildOrg();
    org.user("alice");
    org.resource("app", "Handbook");
    org.grant("Everyone", "Reader", "Handbook");
    org.user("bob");
    const state = org.state();
    const everyone = org.groupId("Everyone");
    assert.deepEqual(
      [...usersOfGroup(state, everyone)].sort(),
      [org.userId("alice"), org.userId("bob")].sort(),
    );
    assert.ok(groupNamesOf(org, "bob", state).includes("Everyone"));
    assert.equal(accessOf(org, "bob", "Handbook", state).role, "Reader");
  });

  test("an all current and future users group includes users created later", () => {
    const org = buildOrg();
    org.group("Staff", { allUsers: true });
    org.resource("app", "Intranet");
    org.grant("Staff", "Reader", "Intranet");
    org.user("zoe");
    const state = org.state();
    assert.ok(usersOfGroup(state, org.groupId("Staff")).has(org.userId("zoe")));
    assert.ok(groupNamesOf(org, "zoe", state).includes("Staff"));
    assert.equal(accessOf(org, "zoe", "Intranet", state).role, "Reader");
  });

  test("all current users are added once, like any others: users created later are not members", () => {
    const org = buildOrg();
    org.user("alice");
    org.user("bob");
    org.group("Launch team");
    org.add("Launch team", "alice", "bob");
    org.user("zoe");
    const state = org.state();
    assert.deepEqual(
      [...usersOfGroup(state, org.groupId("Launch team"))].sort(),
      [org.userId("alice"), org.userId("bob")].sort(),
    );
    assert.ok(!groupNamesOf(org, "zoe", state).includes("Launch team"));
  });

  test("groups nest: members of a nested group are members of every group above it", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("Analysts");
    org.group("EMEA team");
    org.group("Company");
    org.add("Analysts", "alice");
    org.add("EMEA team", "Analysts");
    org.add("Company", "EMEA team");
    const state = org.state();
    assert.deepEqual(groupNamesOf(org, "alice", state), ["Analysts", "Company", "EMEA team", "Everyone"]);
    assert.ok(usersOfGroup(state, org.groupId("Company")).has(org.userId("alice")));
  });

  test("a deactivated user keeps memberships but has no access", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("Analysts");
    org.add("Analysts", "alice");
    org.resource("app", "Finance");
    org.resource("workspace", "Sales");
    org.grant("alice", "Manager", "Finance");
    org.grant("Analysts", "Writer", "Finance");
    org.add("Power Users", "alice");
    org.deactivate("alice");
    const state = org.state();
    const alice = org.userId("alice");
    assert.equal(state.users.get(alice)?.status, "deactivated");
    assert.deepEqual(groupNamesOf(org, "alice", state), ["Analysts", "Everyone", "Power Users"]);
    assert.deepEqual(accessOf(org, "alice", "Finance", state), NO_ACCESS);
    assert.deepEqual(accessOf(org, "alice", "Sales", state), NO_ACCESS);
    assert.equal(check(state, alice, org.resourceId("Finance"), "view"), false);
    assert.deepEqual(explain(state, alice, org.resourceId("Finance")).contributions, []);
    assert.deepEqual(resourcesOfUser(state, alice, "app"), []);
  });

  test("a deactivated admin stays in Administrators but has no access and is not an active administrator", () => {
    const org = buildOrg();
    org.user("alice");
    org.user("bob");
    org.add("Administrators", "alice", "bob");
    org.resource("app", "Finance");
    org.deactivate("alice");
    const state = org.state();
    assert.equal(orgRole(state, org.userId("alice")), "admin");
    assert.deepEqual(accessOf(org, "alice", "Finance", state), NO_ACCESS);
    assert.deepEqual(activeAdministrators(state), [org.userId("bob")]);
    const { manageUsers, manageGroups } = administrationOf(state, org.userId("alice"));
    assert.deepEqual({ manageUsers, manageGroups }, { manageUsers: false, manageGroups: false });
  });
});

describe("effective access", () => {
  test("with no path there is no access", () => {
    const org = buildOrg();
    org.user("alice");
    org.user("bob");
    org.resource("app", "Finance");
    org.grant("bob", "Manager", "Finance");
    assert.deepEqual(accessOf(org, "alice", "Finance"), NO_ACCESS);
    assert.equal(check(org.state(), org.userId("alice"), org.resourceId("Finance"), "view"), false);
  });

  test("effective access is the union of every path; the most permissive wins", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("Analysts");
    org.group("Finance team");
    org.add("Analysts", "alice");
    org.add("Finance team", "alice");
    org.resource("app", "Finance");
    org.grant("alice", "Reader", "Finance");
    org.grant("Analysts", "Manager", "Finance");
    org.grant("Finance team", "Writer", "Finance");
    assert.deepEqual(accessOf(org, "alice", "Finance"), {
      capabilities: ["view", "edit", "manage"],
      role: "Manager",
      custom: false,
    });
  });

  test("capabilities from different paths add up, reported with the highest named role they contain", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("Editors");
    org.group("Taggers");
    org.add("Editors", "alice");
    org.add("Taggers", "alice");
    org.resource("app", "Finance");
    org.resource("site", "Shop");
    org.grant("alice", "Reader", "Finance");
    org.grantCustom("Editors", ["edit"], "Finance");
    org.grant("Editors", "Analyst", "Shop");
    org.grantCustom("Taggers", ["setup_tagging"], "Shop");
    const state = org.state();
    // view (own rule) + edit (group) is exactly Writer.
    assert.deepEqual(accessOf(org, "alice", "Finance", state), {
      capabilities: ["view", "edit"],
      role: "Writer",
      custom: false,
    });
    // Analyst + setup_tagging exceeds Analyst: custom, with Analyst as its highest role.
    assert.deepEqual(accessOf(org, "alice", "Shop", state), {
      capabilities: ["read_data", "explore_data", "handle_data", "setup_tagging"],
      role: "Analyst",
      custom: true,
    });
  });

  test("the rules of every group a user belongs to through nesting apply", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("Analysts");
    org.group("EMEA team");
    org.add("Analysts", "alice");
    org.add("EMEA team", "Analysts");
    org.resource("app", "Finance");
    org.grant("EMEA team", "Writer", "Finance");
    assert.equal(accessOf(org, "alice", "Finance").role, "Writer");
  });

  test("turning a group's privileges off stops only its own rules; its members still count as members of the groups it is nested in", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("Analysts");
    org.group("EMEA team");
    org.add("Analysts", "alice");
    org.add("EMEA team", "Analysts");
    org.resource("app", "Finance");
    org.resource("app", "Forecasts");
    org.grant("Analysts", "Manager", "Finance");
    org.grant("Analysts", "Reader", "Forecasts");
    org.grant("EMEA team", "Reader", "Finance");
    assert.equal(accessOf(org, "alice", "Finance").role, "Manager");
    org.privileges("Analysts", false);
    const state = org.state();
    assert.equal(accessOf(org, "alice", "Finance", state).role, "Reader");
    assert.deepEqual(accessOf(org, "alice", "Forecasts", state), NO_ACCESS);
    assert.ok(groupNamesOf(org, "alice", state).includes("EMEA team"));
    // The rules are kept, only not applied: turning privileges back on restores them.
    org.privileges("Analysts", true);
    assert.equal(accessOf(org, "alice", "Forecasts").role, "Reader");
  });

  test("turning a group's privileges off sends its members back to their individual rules, or no access", () => {
    const org = buildOrg();
    org.user("alice");
    org.user("bob");
    org.group("Analysts");
    org.add("Analysts", "alice", "bob");
    org.resource("app", "Finance");
    org.grant("Analysts", "Manager", "Finance");
    org.grant("alice", "Reader", "Finance");
    org.privileges("Analysts", false);
    const state = org.state();
    assert.equal(accessOf(org, "alice", "Finance", state).role, "Reader");
    assert.deepEqual(accessOf(org, "bob", "Finance", state), NO_ACCESS);
  });

  test("a group nested in Administrators makes its members admins even with its privileges off", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("IT");
    org.add("IT", "alice");
    org.add("Administrators", "IT");
    org.privileges("IT", false);
    org.resource("app", "Finance");
    const state = org.state();
    assert.equal(orgRole(state, org.userId("alice")), "admin");
    assert.equal(accessOf(org, "alice", "Finance", state).role, "Manager");
  });

  test("a rule on one resource covers that resource only", () => {
    const org = buildOrg();
    org.user("alice");
    org.resource("app", "Finance");
    org.resource("app", "Sales");
    org.grant("alice", "Writer", "Finance");
    const state = org.state();
    assert.equal(accessOf(org, "alice", "Finance", state).role, "Writer");
    assert.deepEqual(accessOf(org, "alice", "Sales", state), NO_ACCESS);
  });

  test("a rule on all current and future resources of a type covers resources created later", () => {
    const org = buildOrg();
    org.user("alice");
    org.resource("app", "Finance");
    org.grant("alice", "Writer", { all: "app" });
    org.resource("app", "Created later");
    org.resource("site", "Shop");
    const state = org.state();
    assert.equal(accessOf(org, "alice", "Finance", state).role, "Writer");
    assert.equal(accessOf(org, "alice", "Created later", state).role, "Writer");
    assert.deepEqual(accessOf(org, "alice", "Shop", state), NO_ACCESS, "other types are not covered");
  });

  test("the five workspace system groups carry their workspace role on every workspace, including later ones", () => {
    const org = buildOrg();
    org.resource("workspace", "Sales");
    const carried = SYSTEM_GROUPS.filter((g) => g.workspaceRole !== null);
    assert.deepEqual(
      carried.map((g) => g.name),
      ["Power Users", "Database Managers", "Report Builders", "Dataset Designers", "Report Consumers"],
    );
    for (const [i, g] of carried.entries()) {
      org.user(`member${i}`);
      org.add(g.name, `member${i}`);
    }
    org.resource("workspace", "Created later");
    org.resource("app", "Finance");
    const state = org.state();
    for (const [i, g] of carried.entries()) {
      for (const workspace of ["Sales", "Created later"]) {
        const seen = accessOf(org, `member${i}`, workspace, state);
        assert.deepEqual(
          { role: seen.role, custom: seen.custom },
          { role: g.workspaceRole, custom: false },
          g.name,
        );
      }
      assert.deepEqual(accessOf(org, `member${i}`, "Finance", state), NO_ACCESS, `${g.name} on an app`);
    }
  });

  test("the workspace system groups' rules are locked system rules on all workspaces", () => {
    const state = buildOrg().state();
    const locked = [...state.rules.values()].filter((r) => r.locked);
    assert.equal(locked.length, 5);
    for (const r of locked) {
      assert.equal(r.type, "workspace");
      assert.equal(r.resourceId, null);
    }
  });

  test("check tells whether the user may use one capability on the resource", () => {
    const org = buildOrg();
    org.user("alice");
    org.resource("site", "Shop");
    org.grant("alice", "Business user", "Shop");
    const state = org.state();
    const can = (capability: string) => check(state, org.userId("alice"), org.resourceId("Shop"), capability);
    assert.equal(can("read_data"), true);
    assert.equal(can("explore_data"), true);
    assert.equal(can("handle_data"), false);
    assert.throws(() => can("fly"), RosterError);
  });

  test("the resources a user can use and the users who can use a resource follow effective access", () => {
    const org = buildOrg();
    org.user("alice");
    org.user("bob");
    org.user("ada");
    org.add("Administrators", "ada");
    org.resource("app", "Finance");
    org.resource("app", "Sales");
    org.grant("alice", "Reader", "Finance");
    org.grant("bob", "Writer", "Sales");
    const state = org.state();
    assert.deepEqual(resourcesOfUser(state, org.userId("alice"), "app"), [org.resourceId("Finance")]);
    assert.deepEqual(resourcesOfUser(state, org.userId("bob"), "app", "view"), [org.resourceId("Sales")]);
    assert.deepEqual(resourcesOfUser(state, org.userId("alice"), "app", "edit"), []);
    assert.deepEqual(
      usersOfResource(state, org.resourceId("Sales"), "edit").sort(),
      [org.userId("bob"), org.userId("ada")].sort(),
    );
  });
});

describe("explain", () => {
  test("explain gives one shortest path per contributing rule, e.g. alice -> Analysts -> EMEA team", () => {
    const org = buildOrg();
    org.user("alice");
    // A longer path to the same rule, made first so that the first path found is not the answer.
    org.group("Interns");
    org.group("Temps");
    org.group("EMEA team");
    org.add("Interns", "alice");
    org.add("Temps", "Interns");
    org.add("EMEA team", "Temps");
    org.group("Analysts");
    org.add("Analysts", "alice");
    org.add("EMEA team", "Analysts");
    org.resource("app", "Finance");
    org.grant("EMEA team", "Writer", "Finance");
    assert.deepEqual(explainLines(org, "alice", "Finance"), [
      "alice -> Analysts -> EMEA team: Writer on Finance",
    ]);
  });

  test("explain lists every contributing rule: the user's own, through groups, and the admin role with its path", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("Analysts");
    org.group("IT");
    org.add("Analysts", "alice");
    org.add("IT", "alice");
    org.add("Administrators", "IT");
    org.resource("app", "Finance");
    org.grant("alice", "Reader", "Finance");
    org.grant("Analysts", "Writer", { all: "app" });
    assert.deepEqual(explainLines(org, "alice", "Finance").sort(), [
      "alice -> Analysts: Writer on all app",
      "alice -> IT -> Administrators: admin",
      "alice: Reader on Finance",
    ]);
  });

  test("explain leaves out rules that do not reach the user or the resource, or whose group has privileges off", () => {
    const org = buildOrg();
    org.user("alice");
    org.user("bob");
    org.group("Analysts");
    org.group("Dormant");
    org.add("Analysts", "alice");
    org.add("Dormant", "alice");
    org.privileges("Dormant", false);
    org.resource("app", "Finance");
    org.resource("app", "Sales");
    org.grant("Analysts", "Reader", "Finance");
    org.grant("Analysts", "Manager", "Sales");
    org.grant("bob", "Manager", "Finance");
    org.grant("Dormant", "Manager", "Finance");
    org.grant("Analysts", "Analyst", { all: "site" });
    assert.deepEqual(explainLines(org, "alice", "Finance"), ["alice -> Analysts: Reader on Finance"]);
  });

  test("explain is bounded so diamond nesting cannot explode", () => {
    // 30 layers of two groups, each nested in both groups of the next layer: 2^30 paths to the top.
    const org = buildOrg();
    org.user("alice");
    const layers = 30;
    for (let i = 0; i <= layers; i++) {
      org.group(`L${i}a`);
      org.group(`L${i}b`);
      if (i === 0) {
        org.add("L0a", "alice");
        org.add("L0b", "alice");
      } else {
        org.add(`L${i}a`, `L${i - 1}a`, `L${i - 1}b`);
        org.add(`L${i}b`, `L${i - 1}a`, `L${i - 1}b`);
      }
    }
    org.resource("app", "Finance");
    org.grant(`L${layers}a`, "Writer", "Finance");
    const state = org.state();
    const e = explain(state, org.userId("alice"), org.resourceId("Finance"));
    assert.equal(e.contributions.length, 1);
    assert.equal(e.truncated, false);
    const [only] = e.contributions;
    assert.ok(only?.kind === "rule");
    assert.equal(only.path.length, layers + 1, "one shortest path: one group per layer");
    assert.equal(org.groupName(only.path.at(-1)!), `L${layers}a`);
    assert.equal(accessOf(org, "alice", "Finance", state).role, "Writer");
  });

  test("explain lists at most its limit of rules and says it left some out; access still counts them all", () => {
    const org = buildOrg();
    org.user("alice");
    org.resource("app", "Finance");
    const groups = EXPLAIN_LIMIT + 10;
    for (let i = 0; i < groups; i++) {
      org.group(`G${i}`);
      org.add(`G${i}`, "alice");
      org.grant(`G${i}`, "Reader", "Finance");
    }
    org.group("Editors");
    org.add("Editors", "alice");
    org.grantCustom("Editors", ["edit"], "Finance");
    const state = org.state();
    const e = explain(state, org.userId("alice"), org.resourceId("Finance"));
    assert.equal(e.contributions.length, EXPLAIN_LIMIT);
    assert.equal(e.truncated, true);
    assert.equal(accessOf(org, "alice", "Finance", state).role, "Writer");
    const small = explain(state, org.userId("alice"), org.resourceId("Finance"), 3);
    assert.equal(small.contributions.length, 3);
    assert.equal(small.truncated, true);
  });
});

describe("data filters", () => {
  /** alice and bob, a dataset Orders, and two groups that query it. */
  function sales() {
    const org = buildOrg();
    org.user("alice", { attributes: { region: ["EMEA"] } });
    org.user("bob");
    org.resource("dataset", "Orders");
    org.group("France team");
    org.group("Spain team");
    org.grant("France team", "Viewer", "Orders");
    org.grant("Spain team", "Viewer", "Orders");
    org.filter("France team", "Orders", "country = France");
    org.filter("Spain team", "Orders", "country = Spain");
    return org;
  }

  test("no access is distinct from unfiltered access", () => {
    const org = sales();
    assert.deepEqual(filterOf(org, "bob", "Orders"), { access: "none" });
    org.grant("bob", "Viewer", "Orders");
    assert.deepEqual(filterOf(org, "bob", "Orders"), { access: "unfiltered" });
  });

  test("a path brings the filter of whoever holds its rule", () => {
    const org = sales();
    org.add("France team", "alice");
    assert.deepEqual(filterOf(org, "alice", "Orders"), {
      access: "filtered",
      predicate: eq("country", "France"),
    });
  });

  test("the effective filter is the OR of the filters of every path", () => {
    const org = sales();
    org.add("France team", "alice");
    org.add("Spain team", "alice");
    const f = filterOf(org, "alice", "Orders");
    assert.equal(f.access, "filtered");
    assert.ok(f.access === "filtered");
    assert.deepEqual(sortedOr(f.predicate), {
      op: "or",
      args: [eq("country", "France"), eq("country", "Spain")],
    });
    assert.deepEqual(toSql(sortedOr(f.predicate)), {
      sql: '("country" = $1 OR "country" = $2)',
      params: ["France", "Spain"],
    });
  });

  test("an unfiltered path wins over filtered ones", () => {
    const org = sales();
    org.add("France team", "alice");
    org.group("Auditors");
    org.add("Auditors", "alice");
    org.grant("Auditors", "Viewer", { all: "dataset" });
    assert.deepEqual(filterOf(org, "alice", "Orders"), { access: "unfiltered" });
  });

  test("admin means no filter", () => {
    const org = sales();
    org.add("France team", "alice");
    org.add("Administrators", "alice");
    assert.deepEqual(filterOf(org, "alice", "Orders"), { access: "unfiltered" });
  });

  test("only paths granting query count: the filter of a subject whose rule does not apply is ignored", () => {
    const org = sales();
    org.add("France team", "alice");
    // alice's own filter: she holds no rule on Orders herself, so it is not a path.
    org.filter("alice", "Orders", "country = Italy");
    // A group with a filter but no rule on Orders.
    org.group("Germany team");
    org.add("Germany team", "alice");
    org.filter("Germany team", "Orders", "country = Germany");
    // A group whose privileges are off: its rule and its filter stop.
    org.add("Spain team", "alice");
    org.privileges("Spain team", false);
    assert.deepEqual(filterOf(org, "alice", "Orders"), {
      access: "filtered",
      predicate: eq("country", "France"),
    });
  });

  test("only paths granting query count: a rule giving other dataset capabilities brings no filter and no access", () => {
    // An organization whose dataset type has a capability besides query.
    const catalog = DEFAULT_CATALOG.map((t) =>
      t.key === "dataset"
        ? {
            ...t,
            capabilities: [...t.capabilities, { key: "describe", label: "Describe", requires: [] }],
          }
        : t,
    );
    const org = buildOrg({ catalog });
    org.user("alice");
    org.user("bob");
    org.resource("dataset", "Orders");
    org.group("France team");
    org.group("Schema readers");
    org.add("France team", "alice");
    org.add("Schema readers", "alice", "bob");
    org.grant("France team", "Viewer", "Orders");
    org.filter("France team", "Orders", "country = France");
    org.grantCustom("Schema readers", ["describe"], "Orders");
    assert.deepEqual(filterOf(org, "alice", "Orders"), {
      access: "filtered",
      predicate: eq("country", "France"),
    });
    assert.deepEqual(filterOf(org, "bob", "Orders"), { access: "none" });
  });

  test("a group with privileges off gives no access to data, not unfiltered access", () => {
    const org = sales();
    org.add("France team", "bob");
    org.privileges("France team", false);
    assert.deepEqual(filterOf(org, "bob", "Orders"), { access: "none" });
  });

  test("user attributes fill the filter's placeholders", () => {
    const org = sales();
    org.group("Regional");
    org.add("Regional", "alice");
    org.grant("Regional", "Viewer", "Orders");
    org.filter("Regional", "Orders", "region = {{user.region}}");
    assert.deepEqual(filterOf(org, "alice", "Orders"), {
      access: "filtered",
      predicate: eq("region", "EMEA"),
    });
    org.updateUser("alice", { attributes: { region: ["EMEA", "APAC"] } });
    assert.deepEqual(filterOf(org, "alice", "Orders"), {
      access: "filtered",
      predicate: { op: "in", column: "region", values: ["EMEA", "APAC"] },
    });
  });

  test("a missing attribute makes that path match nothing", () => {
    const org = sales();
    org.group("Regional");
    org.add("Regional", "bob");
    org.grant("Regional", "Viewer", "Orders");
    org.filter("Regional", "Orders", "region = {{user.region}}");
    assert.deepEqual(filterOf(org, "bob", "Orders"), { access: "filtered", predicate: { op: "false" } });
    // Other paths still count.
    org.add("Spain team", "bob");
    assert.deepEqual(filterOf(org, "bob", "Orders"), {
      access: "filtered",
      predicate: eq("country", "Spain"),
    });
  });

  test("a rule on all datasets brings its holder's filter on each dataset", () => {
    const org = sales();
    org.resource("dataset", "Invoices");
    org.group("Finance");
    org.add("Finance", "bob");
    org.grant("Finance", "Viewer", { all: "dataset" });
    org.filter("Finance", "Invoices", "country = France");
    assert.deepEqual(filterOf(org, "bob", "Invoices"), {
      access: "filtered",
      predicate: eq("country", "France"),
    });
    assert.deepEqual(filterOf(org, "bob", "Orders"), { access: "unfiltered" });
  });

  test("a deactivated user has no access to data", () => {
    const org = sales();
    org.add("France team", "alice");
    org.deactivate("alice");
    assert.deepEqual(filterOf(org, "alice", "Orders"), { access: "none" });
  });

  test("data filters apply to datasets only", () => {
    const org = sales();
    org.resource("app", "Finance");
    assert.throws(
      () => filterOf(org, "alice", "Finance"),
      (e: unknown) => e instanceof RosterError && e.code === "resource.type_mismatch",
    );
  });
});

describe("the change log fold", () => {
  test("a log starts with organization.created", () => {
    const org = buildOrg();
    const [, ...rest] = org.events;
    assert.throws(
      () => foldLog(rest),
      (e: unknown) => e instanceof RosterError && e.code === "organization.invalid",
    );
    assert.throws(
      () => foldLog([] as ChangeEvent[]),
      (e: unknown) => e instanceof RosterError && e.code === "organization.not_found",
    );
  });

  test("a new organization has the catalog, the organization resource and the seven system groups", () => {
    const state = buildOrg().state();
    assert.deepEqual([...state.types.keys()], ["app", "site", "workspace", "dataset", "organization"]);
    assert.deepEqual(
      [...state.groups.values()].map((g) => [g.name, g.system]),
      SYSTEM_GROUPS.map((g) => [g.name, g.key]),
    );
    assert.deepEqual(
      [...state.resources.values()].map((r) => r.type),
      ["organization"],
    );
  });

  test("removing a user from the organization removes every membership and rule of that user", () => {
    const org = buildOrg();
    org.user("alice");
    org.user("bob");
    org.group("Analysts");
    org.add("Analysts", "alice", "bob");
    org.resource("dataset", "Orders");
    org.grant("alice", "Viewer", "Orders");
    org.filter("alice", "Orders", "country = France");
    org.delegate("Orders", "alice", "dataset", ["Orders"]);
    const alice = org.userId("alice");
    org.deleteUser("alice");
    const state = org.state();
    assert.equal(state.users.has(alice), false);
    assert.deepEqual([...usersOfGroup(state, org.groupId("Analysts"))], [org.userId("bob")]);
    const mentions = (s: { subject: { id: string } }) => s.subject.id === alice;
    assert.equal([...state.rules.values()].filter(mentions).length, 0);
    assert.equal([...state.filters.values()].filter(mentions).length, 0);
    assert.equal([...state.delegations.values()].filter((d) => d.userId === alice).length, 0);
  });

  test("deleting a group removes its memberships and rules; its members keep only what other paths give them", () => {
    const org = buildOrg();
    org.user("alice");
    org.group("Analysts");
    org.group("EMEA team");
    org.add("Analysts", "alice");
    org.add("EMEA team", "Analysts");
    org.resource("app", "Finance");
    org.grant("Analysts", "Manager", "Finance");
    org.grant("EMEA team", "Reader", "Finance");
    org.grant("alice", "Writer", "Finance");
    org.deleteGroup("Analysts");
    const state = org.state();
    assert.deepEqual(groupNamesOf(org, "alice", state), ["Everyone"]);
    assert.equal(accessOf(org, "alice", "Finance", state).role, "Writer");
    assert.equal(state.groupMembers.get(org.groupId("EMEA team"))?.size ?? 0, 0);
  });

  test("deleting a resource removes its rules, filters and delegation entries", () => {
    const org = buildOrg();
    org.user("alice");
    org.resource("dataset", "Orders");
    org.resource("dataset", "Invoices");
    org.grant("alice", "Viewer", "Orders");
    org.grant("alice", "Viewer", { all: "dataset" });
    org.filter("alice", "Orders", "country = France");
    const d = org.delegate("Data", "alice", "dataset", ["Orders", "Invoices"]);
    const orders = org.resourceId("Orders");
    org.deleteResource("Orders");
    const state = org.state();
    assert.deepEqual(
      [...state.rules.values()].filter((r) => !r.locked).map((r) => r.resourceId),
      [null],
    );
    assert.equal([...state.filters.values()].filter((f) => f.resourceId === orders).length, 0);
    assert.deepEqual(state.delegations.get(d)?.resourceIds, [org.resourceId("Invoices")]);
  });

  test("removing a delegation unmarks the groups created under it", () => {
    const org = buildOrg();
    org.user("dan");
    org.resource("app", "Finance");
    org.delegate("Finance apps", "dan", "app", ["Finance"]);
    org.group("Finance readers", { delegation: "Finance apps" });
    assert.equal(
      org.state().groups.get(org.groupId("Finance readers"))?.delegationId,
      org.delegationId("Finance apps"),
    );
    org.removeDelegation("Finance apps");
    assert.equal(org.state().groups.get(org.groupId("Finance readers"))?.delegationId, null);
  });
});

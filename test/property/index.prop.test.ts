import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { OrgIndex } from "../../src/access/index.ts";
import {
  administrationOf,
  applyEvent,
  type ChangeEvent,
  dataFilter,
  explain,
  foldLog,
  type GroupId,
  maskOf,
  type OrgState,
  orgRole,
  type Predicate,
  type Rule,
  resourcesOfUser,
  type Subject,
  usersOfResource,
  wouldCreateCycle,
} from "../../src/domain/index.ts";
import { buildOrg } from "../support/state-builder.ts";

/**
 * Random operation sequences (users, nested groups, privileges toggles, rules
 * of every scope, all-users groups, organization roles, deactivation,
 * filters), applied to the compact index and to the naive resolver's state;
 * after every step every check, list, explanation and filter must agree.
 */

const RUNS = Number(process.env.PROPERTY_RUNS ?? 500);
const TYPES = ["app", "site", "dataset", "workspace"] as const;
const REGIONS = ["EMEA", "APAC"];
const PREDICATES: Predicate[] = [
  { op: "eq", column: "region", value: { attr: "region" } },
  { op: "in", column: "country", values: ["France", "Spain"] },
  {
    op: "and",
    args: [
      { op: "ne", column: "status", value: "closed" },
      { op: "eq", column: "region", value: { attr: "region" } },
    ],
  },
];

type Op = { kind: number; a: number; b: number; c: number; d: number };
const opArb = fc.record({
  kind: fc.nat({ max: 17 }),
  a: fc.nat({ max: 1000 }),
  b: fc.nat({ max: 1000 }),
  c: fc.nat({ max: 1000 }),
  d: fc.nat({ max: 1000 }),
});

let counter = 0;
const id = <T extends string>(p: string) => `${p}_p${++counter}` as T;
const now = "2025-01-01T00:00:00.000Z";
const pick = <T>(list: readonly T[], n: number): T | undefined =>
  list.length === 0 ? undefined : list[n % list.length];

/** Turns a random op into a valid change event for the current state, or null when it does not apply. */
function toEvent(s: OrgState, op: Op): ChangeEvent | null {
  const users = [...s.users.values()];
  const groups = [...s.groups.values()];
  const custom = groups.filter((g) => g.system === null);
  const resources = [...s.resources.values()].filter((r) => r.type !== "organization");
  const rules = [...s.rules.values()].filter((r) => !r.locked);
  switch (op.kind) {
    case 0:
    case 1: {
      const region: Record<string, string[]> = op.b % 3 === 2 ? {} : { region: [REGIONS[op.b % 2]!] };
      return {
        type: "user.created",
        user: {
          id: id("usr"),
          email: `u${counter}@x.test`,
          firstName: "",
          lastName: "",
          status: "active",
          externalId: null,
          attributes: region,
          owner: false,
          createdAt: now,
        },
      };
    }
    case 2: {
      const u = pick(users, op.a);
      if (!u) return null;
      const change = op.b % 3;
      const next =
        change === 0
          ? { ...u, status: u.status === "active" ? ("deactivated" as const) : ("active" as const) }
          : change === 1
            ? { ...u, owner: !u.owner }
            : {
                ...u,
                attributes: op.c % 2 ? {} : { region: [REGIONS[op.c % 2]!, ...(op.d % 2 ? ["LATAM"] : [])] },
              };
      return { type: "user.updated", user: next };
    }
    case 3: {
      const u = pick(users, op.a);
      return u && op.b % 3 === 0 ? { type: "user.deleted", userId: u.id } : null;
    }
    case 4:
      return {
        type: "group.created",
        group: {
          id: id("grp"),
          name: `G${counter}`,
          description: "",
          system: null,
          privileges: op.a % 5 !== 0,
          notify: "none",
          allUsers: op.b % 11 === 0,
          delegationId: null,
          createdAt: now,
        },
      };
    case 5: {
      const g = pick(custom, op.a);
      if (!g) return null;
      return {
        type: "group.updated",
        group: op.b % 4 === 0 ? { ...g, allUsers: !g.allUsers } : { ...g, privileges: !g.privileges },
      };
    }
    case 6: {
      const g = pick(custom, op.a);
      return g && op.b % 3 === 0 ? { type: "group.deleted", groupId: g.id } : null;
    }
    case 7:
    case 8: {
      const g = pick(
        groups.filter((x) => x.system !== "everyone"),
        op.a,
      );
      const u = pick(users, op.b);
      if (!g || !u) return null;
      return {
        type: op.kind === 7 ? "members.added" : "members.removed",
        groupId: g.id,
        userIds: [u.id],
        groupIds: [],
      };
    }
    case 9: {
      const parent = pick(
        groups.filter((x) => x.system !== "everyone"),
        op.a,
      );
      const child = pick(groups, op.b);
      if (!parent || !child) return null;
      const edges = (g: GroupId) => s.groupMembers.get(g) ?? [];
      if (wouldCreateCycle(edges, parent.id, child.id)) return null;
      return { type: "members.added", groupId: parent.id, userIds: [], groupIds: [child.id] };
    }
    case 10: {
      const parent = pick([...s.groupMembers.keys()], op.a);
      const child = parent && pick([...(s.groupMembers.get(parent) ?? [])], op.b);
      return parent && child
        ? { type: "members.removed", groupId: parent, userIds: [], groupIds: [child] }
        : null;
    }
    case 11: {
      const type = TYPES[op.a % TYPES.length]!;
      return {
        type: "resource.created",
        resource: { id: id("res"), type, key: `k${counter}`, name: `R${counter}`, createdAt: now },
      };
    }
    case 12: {
      const r = pick(resources, op.a);
      return r && op.b % 4 === 0 ? { type: "resource.deleted", resourceId: r.id } : null;
    }
    case 13:
    case 14: {
      const subjectUser = op.a % 3 === 0;
      const su = pick(users, op.b);
      const sg = pick(
        groups.filter((g) => g.system !== "administrators"),
        op.b,
      );
      const subject: Subject | null = subjectUser
        ? su
          ? { kind: "user", id: su.id }
          : null
        : sg
          ? { kind: "group", id: sg.id }
          : null;
      if (!subject) return null;
      const typeWide = op.c % 4 === 0;
      const resource = pick(resources, op.c);
      const type = typeWide ? TYPES[op.d % TYPES.length]! : resource?.type;
      if (!type) return null;
      const roles = [...s.roles.values()].filter((r) => r.type === type);
      const role = pick(roles, op.d)!;
      const resourceId = typeWide ? null : resource!.id;
      const existing = [...s.rules.values()].find(
        (r) =>
          r.subject.kind === subject.kind &&
          r.subject.id === subject.id &&
          r.type === type &&
          r.resourceId === resourceId,
      );
      if (existing?.locked) return null;
      const rule: Rule = existing
        ? { ...existing, roleId: role.id }
        : {
            id: id("rul"),
            subject,
            type,
            resourceId,
            roleId: role.id,
            locked: false,
            createdAt: now,
            updatedAt: now,
          };
      return { type: "rule.set", rule };
    }
    case 15: {
      const r = pick(rules, op.a);
      return r ? { type: "rule.removed", ruleId: r.id } : null;
    }
    case 16: {
      const dataset = pick(
        resources.filter((r) => r.type === "dataset"),
        op.a,
      );
      const subjectUser = op.b % 3 === 0;
      const su = pick(users, op.c);
      const sg = pick(groups, op.c);
      const subject: Subject | null = subjectUser
        ? su
          ? { kind: "user", id: su.id }
          : null
        : sg
          ? { kind: "group", id: sg.id }
          : null;
      if (!dataset || !subject) return null;
      const existing = [...s.filters.values()].find(
        (f) => f.resourceId === dataset.id && f.subject.kind === subject.kind && f.subject.id === subject.id,
      );
      return {
        type: "filter.set",
        filter: {
          id: existing?.id ?? id("flt"),
          subject,
          resourceId: dataset.id,
          predicate: PREDICATES[op.d % PREDICATES.length]!,
          updatedAt: now,
        },
      };
    }
    case 17: {
      const f = pick([...s.filters.values()], op.a);
      return f ? { type: "filter.removed", filterId: f.id } : null;
    }
  }
  return null;
}

const sortIds = <T extends string>(list: readonly T[]) => [...list].sort();

function compare(s: OrgState, index: OrgIndex): void {
  index.flush();
  for (const user of s.users.values()) {
    const u = index.userIndex(user.id)!;
    assert.equal(index.orgRole(u), orgRole(s, user.id), "organization role");
    const adminA = administrationOf(s, user.id);
    const adminB = index.administration(u);
    assert.deepEqual([adminB.manageUsers, adminB.manageGroups], [adminA.manageUsers, adminA.manageGroups]);
    for (const resource of s.resources.values()) {
      const r = index.resourceIndex(resource.id)!;
      const expected = explain(s, user.id, resource.id, Number.POSITIVE_INFINITY);
      const type = s.types.get(resource.type)!;
      assert.equal(index.mask(u, r), expected.mask, `mask of ${user.id} on ${resource.id}`);
      for (const cap of type.def.capabilities) {
        const bit = maskOf(type, [cap.key]);
        assert.equal(index.check(u, r, bit), (expected.mask & bit) !== 0, `check ${cap.key}`);
      }
      const got = index.explain(u, r, Number.POSITIVE_INFINITY);
      assert.equal(got.mask, expected.mask);
      const shape = (cs: typeof expected.contributions) =>
        cs
          .map((c) => (c.kind === "rule" ? `${c.rule.id}@${c.path.length}` : `${c.role}@${c.path.length}`))
          .sort();
      assert.deepEqual(shape(got.contributions), shape(expected.contributions), "explanation");
      if (resource.type === "dataset") {
        assert.deepEqual(index.dataFilter(u, r), dataFilter(s, user.id, resource.id), "data filter");
      }
    }
    for (const type of TYPES) {
      assert.deepEqual(
        sortIds(index.resourcesOf(u, type).map((r) => index.resource(r)!.id)),
        sortIds(resourcesOfUser(s, user.id, type)),
        `resources of ${user.id} (${type})`,
      );
    }
  }
  for (const resource of s.resources.values()) {
    const r = index.resourceIndex(resource.id)!;
    const type = s.types.get(resource.type)!;
    const cap = type.def.capabilities[0]!;
    assert.deepEqual(
      sortIds(index.usersOf(r).map((u) => index.userId(u))),
      sortIds(usersOfResource(s, resource.id).filter((u) => s.users.get(u)!.status === "active")),
      `users of ${resource.id}`,
    );
    assert.deepEqual(
      sortIds(index.usersOf(r, maskOf(type, [cap.key])).map((u) => index.userId(u))),
      sortIds(usersOfResource(s, resource.id, cap.key)),
      `users of ${resource.id} with ${cap.key}`,
    );
  }
  compareBatch(s, index);
}

/** A batch's look-ups and checks, made together, answer as the single ones (checked above against the resolver). */
function compareBatch(s: OrgState, index: OrgIndex): void {
  const keys = [...s.users.values()].flatMap((user) => [user.id, user.email, user.email.toUpperCase()]);
  keys.push("nobody@example.test", "usr_nobody");
  const found = new Int32Array(keys.length);
  index.userIndexes(keys, found);
  assert.deepEqual(
    [...found],
    keys.map((k) => index.userIndex(k) ?? -1),
    "users looked up together",
  );
  const us: number[] = [];
  const rs: number[] = [];
  const bits: number[] = [];
  for (const user of s.users.values()) {
    for (const resource of s.resources.values()) {
      for (const cap of s.types.get(resource.type)!.def.capabilities) {
        us.push(index.userIndex(user.id)!);
        rs.push(index.resourceIndex(resource.id)!);
        bits.push(maskOf(s.types.get(resource.type)!, [cap.key]));
      }
    }
  }
  const out = new Uint8Array(us.length);
  index.checkMany(Int32Array.from(us), Int32Array.from(rs), Int32Array.from(bits), us.length, out);
  assert.deepEqual(
    [...out],
    us.map((u, i) => (index.check(u, rs[i]!, bits[i]!) ? 1 : 0)),
    "checks made together",
  );
}

test(`the index agrees with the naive resolver after every step (${RUNS} random sequences)`, () => {
  let applied = 0;
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 5, maxLength: 40, size: "max" }), (ops) => {
      const org = buildOrg();
      org.user("alice", { attributes: { region: ["EMEA"] } });
      org.group("Analysts");
      org.add("Analysts", "alice");
      org.resource("app", "Finance");
      org.resource("dataset", "Sales");
      const state = foldLog(org.events);
      const index = OrgIndex.fromState(foldLog(org.events), org.events.length);
      compare(state, index);
      for (const op of ops) {
        const event = toEvent(state, op);
        if (!event) continue;
        applyEvent(state, event);
        index.apply(event);
        compare(state, index);
        applied++;
      }
    }),
    { numRuns: RUNS },
  );
  // The generator must actually exercise the index, not skip most operations.
  assert.ok(applied > RUNS * 10, `only ${applied} events applied`);
});

test("an index built from a folded snapshot equals one that followed the same log", () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 5, maxLength: 40, size: "max" }), (ops) => {
      const org = buildOrg();
      const state = foldLog(org.events);
      const followed = OrgIndex.fromState(foldLog(org.events), 0);
      for (const op of ops) {
        const event = toEvent(state, op);
        if (!event) continue;
        applyEvent(state, event);
        followed.apply(event);
      }
      compare(state, OrgIndex.fromState(state, 0));
      compare(state, followed);
    }),
    { numRuns: Math.max(50, RUNS / 5) },
  );
});

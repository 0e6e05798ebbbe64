import { OrgIndex } from "../src/access/index.ts";
import { foldLog, type GroupId, type RuleId } from "../src/domain/index.ts";
import {
  FULL,
  generateWorkload,
  privilegesOff,
  prng,
  transitiveMembers,
  type WorkloadSize,
} from "./workload.ts";

/**
 * `npm run bench`: the in-process access index on the seeded workload.
 * Prints a table, or with --json one JSON object. No test asserts these
 * figures; they are measured here and reported.
 */

const json = process.argv.includes("--json");
const small = process.argv.includes("--small");
const size: WorkloadSize = small ? { ...FULL, users: 10_000, groups: 1_000, apps: 200, rules: 2_000 } : FULL;
const gc = (globalThis as { gc?: () => void }).gc;

function memoryMB(): number {
  gc?.();
  const m = process.memoryUsage();
  // Typed-array buffers are not in heapUsed (STACK.md, pitfall 14).
  return (m.heapUsed + m.arrayBuffers) / 1024 / 1024;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const log = (...a: unknown[]) => {
  if (!json) console.error(...a);
};

log(
  `generating the workload (${size.users} users, ${size.groups} groups, ${size.apps} apps, ${size.rules} rules)...`,
);
const workload = generateWorkload(size);
const state = foldLog(workload.events);
workload.events.length = 0;

const before = memoryMB();
let t0 = performance.now();
const index = OrgIndex.fromState(state, 1);
const buildMs = performance.now() - t0;
const heapMB = memoryMB() - before;

// Resolve ids once: the hot path works on interned indexes, as the server does after parsing a request.
const rnd = prng(7);
const users = workload.userIds.map((u) => index.userIndex(u)!);
const apps = workload.appIds.map((a) => index.resourceIndex(a)!);
const bits = [
  index.capabilityBit(apps[0]!, "view"),
  index.capabilityBit(apps[0]!, "edit"),
  index.capabilityBit(apps[0]!, "manage"),
];
const N = 2_000_000;
const qu = new Int32Array(N);
const qr = new Int32Array(N);
const qb = new Int32Array(N);
for (let i = 0; i < N; i++) {
  qu[i] = users[Math.floor(rnd() * users.length)]!;
  qr[i] = apps[Math.floor(rnd() * apps.length)]!;
  qb[i] = bits[Math.floor(rnd() * 3)]!;
}

// Throughput: warm up, then the best of three passes.
let allowed = 0;
for (let i = 0; i < 200_000; i++) if (index.check(qu[i]!, qr[i]!, qb[i]!)) allowed++;
let bestMs = Number.POSITIVE_INFINITY;
for (let pass = 0; pass < 3; pass++) {
  t0 = performance.now();
  for (let i = 0; i < N; i++) if (index.check(qu[i]!, qr[i]!, qb[i]!)) allowed++;
  bestMs = Math.min(bestMs, performance.now() - t0);
}
const checksPerSec = N / (bestMs / 1000);

// Latency of single checks, each timed (the timer's own cost is included).
const L = 200_000;
const lat = new Float64Array(L);
for (let i = 0; i < L; i++) {
  const s = process.hrtime.bigint();
  index.check(qu[i]!, qr[i]!, qb[i]!);
  lat[i] = Number(process.hrtime.bigint() - s) / 1000;
}
lat.sort();
let timer = new Float64Array(L);
for (let i = 0; i < L; i++) {
  const s = process.hrtime.bigint();
  timer[i] = Number(process.hrtime.bigint() - s) / 1000;
}
timer = timer.sort();

const listLat = new Float64Array(10_000);
for (let i = 0; i < listLat.length; i++) {
  const s = process.hrtime.bigint();
  index.resourcesOf(qu[i]!, "app");
  listLat[i] = Number(process.hrtime.bigint() - s) / 1000;
}
listLat.sort();

const usersLat = new Float64Array(300);
let usersListed = 0;
for (let i = 0; i < usersLat.length; i++) {
  const s = process.hrtime.bigint();
  usersListed += index.usersOf(apps[i % apps.length]!).length;
  usersLat[i] = Number(process.hrtime.bigint() - s) / 1e6;
}
usersLat.sort();

// Single changes, applied and flushed as the server does for one revision.
let revision = 1;
const timeChange = (events: Parameters<OrgIndex["applyAll"]>[0]) => {
  const s = performance.now();
  index.applyAll(events, ++revision);
  return performance.now() - s;
};
const membership: number[] = [];
for (let i = 0; i < 50; i++) {
  const g = workload.groupIds[Math.floor(rnd() * workload.groupIds.length)]!;
  const u = workload.userIds[Math.floor(rnd() * workload.userIds.length)]!;
  membership.push(timeChange([{ type: "members.added", groupId: g, userIds: [u], groupIds: [] }]));
}
// The smallest group with at least 10,000 users, directly or through nesting (the largest if none has that many).
let big: GroupId = workload.groupIds[0]!;
let bigMembers = 0;
for (const g of workload.groupIds.slice(0, 2000)) {
  if (privilegesOff(Number(g.slice("grp_".length)))) continue;
  const n = transitiveMembers(workload, g);
  const better = bigMembers < 10_000 ? n > bigMembers : n >= 10_000 && n < bigMembers;
  if (better) {
    big = g;
    bigMembers = n;
  }
}
const now = "2025-01-02T00:00:00.000Z";
const groupRule = timeChange([
  {
    type: "rule.set",
    rule: {
      id: "rul_bench_group" as RuleId,
      subject: { kind: "group", id: big },
      type: "app",
      resourceId: workload.appIds[1]!,
      roleId: workload.appRoles[2]!,
      locked: false,
      createdAt: now,
      updatedAt: now,
    },
  },
]);
const everyoneRule = timeChange([
  {
    type: "rule.set",
    rule: {
      id: "rul_bench_everyone" as RuleId,
      subject: { kind: "group", id: workload.everyone },
      type: "app",
      resourceId: workload.appIds[2]!,
      roleId: workload.appRoles[0]!,
      locked: false,
      createdAt: now,
      updatedAt: now,
    },
  },
]);
// The rule just applied must reach the group's active members (about 1 in 97 users is deactivated).
const sanity = index.usersOf(apps[1]!, bits[2]!).length >= bigMembers * 0.95;

const result = {
  users: size.users,
  groups: size.groups,
  apps: size.apps,
  rules: size.rules,
  buildMs: Math.round(buildMs),
  heapMB: Math.round(heapMB * 10) / 10,
  checksPerSec: Math.round(checksPerSec),
  checkP50us: Math.round(percentile(lat, 0.5) * 1000) / 1000,
  checkP99us: Math.round(percentile(lat, 0.99) * 1000) / 1000,
  timerP50us: Math.round(percentile(timer, 0.5) * 1000) / 1000,
  listResourcesP99us: Math.round(percentile(listLat, 0.99) * 10) / 10,
  listUsersP99ms: Math.round(percentile(usersLat, 0.99) * 100) / 100,
  applyMembershipMs: Math.round(Math.max(...membership) * 1000) / 1000,
  applyGroupRuleMs: Math.round(groupRule * 1000) / 1000,
  groupRuleTransitiveUsers: bigMembers,
  applyEveryoneRuleMs: Math.round(everyoneRule * 1000) / 1000,
};

if (!sanity) throw new Error("a rule just applied is not visible: the benchmark would measure nothing");
if (json) {
  console.log(JSON.stringify(result));
} else {
  const rows: [string, string | number, string][] = [
    ["index build", `${result.buildMs} ms`, ""],
    ["index memory (heap + array buffers)", `${result.heapMB} MB`, "target <= 100 MB"],
    ["checks per second (one core)", result.checksPerSec.toLocaleString("en"), "target >= 2,000,000"],
    ["check p50", `${result.checkP50us} µs`, `timer alone ${result.timerP50us} µs`],
    ["check p99", `${result.checkP99us} µs`, "target <= 2 µs (timer included)"],
    ["resources of a user (apps), p99", `${result.listResourcesP99us} µs`, ""],
    [
      "users of an app, p99",
      `${result.listUsersP99ms} ms`,
      `${Math.round(usersListed / usersLat.length)} users on average`,
    ],
    ["apply a membership (worst of 50)", `${result.applyMembershipMs} ms`, "target <= 50 ms"],
    [
      "apply a rule on a group",
      `${result.applyGroupRuleMs} ms`,
      `${bigMembers} transitive users; target <= 50 ms`,
    ],
    ["apply a rule on Everyone", `${result.applyEveryoneRuleMs} ms`, "target <= 50 ms"],
  ];
  console.log(
    `\nRoster access index — ${size.users.toLocaleString("en")} users, ${size.groups.toLocaleString("en")} groups, ${size.apps.toLocaleString("en")} apps, ${size.rules.toLocaleString("en")} rules (${allowed > 0 ? "ok" : "no check allowed!"})\n`,
  );
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v, note] of rows) console.log(`  ${k.padEnd(w)}  ${String(v).padStart(12)}  ${note}`);
}

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createToken, SYSTEM_ACTOR } from "../src/commands/index.ts";
import { foldLog, type OrgId } from "../src/domain/index.ts";
import { checkThreadsFor } from "../src/main.ts";
import { openStore } from "../src/store/index.ts";
import { loadState } from "./load.ts";
import { FULL, generateWorkload, prng } from "./workload.ts";

/**
 * `npm run bench:http`: the bench workload loaded into a real `roster serve`
 * (its own process), driven with autocannon on loopback. Prints single
 * checks/s and p99, batch (100 per request) checks/s, and the check p99 under
 * a mixed load (each connection sends 19 checks, then a write), and for comparison what Node's HTTP
 * server alone answers with the same client; `--json` prints one JSON object.
 * PostgreSQL when DATABASE_URL is set, else PGlite.
 */

const args = process.argv.slice(2);
const json = args.includes("--json");
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const users = arg("--users", FULL.users);
const duration = arg("--duration", 10);
const connections = arg("--connections", 32);
// --workers N: the server runs as `roster serve --workers N` (PostgreSQL only).
const workers = arg("--workers", 1);
// --check-threads N: threads answering batches beside each server process (default auto, as `roster serve`).
const checkThreads = checkThreadsFor(
  args.includes("--check-threads") ? String(arg("--check-threads", 0)) : "auto",
  workers,
);
const log = (...a: unknown[]) => {
  if (!json) console.error(...a);
};
const backend = process.env.DATABASE_URL ? "postgres" : "pglite";
if (workers > 1 && backend !== "postgres") throw new Error("--workers needs DATABASE_URL (PostgreSQL).");
if (workers > 1 && args.includes("--prof"))
  throw new Error("--prof profiles one server process: drop --workers.");

const size =
  users === FULL.users
    ? FULL
    : {
        ...FULL,
        users,
        groups: Math.max(100, users / 10),
        apps: Math.max(50, users / 100),
        rules: users / 5,
      };
log(`loading the workload (${size.users} users) into ${backend}...`);
const prefix = `b${randomUUID().slice(0, 6)}_`;
const workload = generateWorkload(size, 42, prefix);
const state = foldLog(workload.events);
const slug = `bench-${randomUUID().slice(0, 8)}`;
state.organization = { ...state.organization, id: `org_${randomUUID().replaceAll("-", "")}` as OrgId, slug };
const dataDir = mkdtempSync(join(tmpdir(), "roster-bench-"));
const store = process.env.DATABASE_URL
  ? await openStore({ databaseUrl: process.env.DATABASE_URL })
  : await openStore({ dataDir });
const t0 = performance.now();
await loadState(store, state, (what) => log(`  ${what}...`));
const token = (
  await createToken(
    { store, orgId: state.organization.id, actor: SYSTEM_ACTOR, authority: { kind: "owner" } },
    { name: "bench", scopes: ["admin"] },
  )
).value.token;
await store.close();
log(`loaded in ${Math.round(performance.now() - t0)} ms; starting the server...`);

// --prof: the server writes a V8 CPU profile of each phase into bench/profiles/ (open it in Chrome's DevTools).
const profiles = args.includes("--prof") ? "bench/profiles" : null;
/** Starts a server process that prints "ready <url>"; its output collects in `out()`. */
async function startServer(script: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const url: string = await new Promise((resolve, reject) => {
    child.stdout.on("data", () => {
      const m = /ready (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`${script} exited (${code})`)));
  });
  const stop = async () => {
    child.kill("SIGTERM");
    if (child.exitCode === null) await new Promise((r) => child.on("exit", r));
  };
  return { child, url, out: () => out, stop };
}

const server = await startServer("bench/serve-child.ts", {
  ROSTER_DATA_DIR: dataDir,
  PORT: "0",
  ROSTER_WORKERS: String(workers),
  ROSTER_CHECK_THREADS: String(checkThreads),
});
const { child, url } = server;

/** Sends the server a command (see serve-child.ts) and waits for the line of its answer. */
async function ask(command: string, answer: RegExp): Promise<RegExpExecArray> {
  const seen = server.out().length;
  child.stdin.write(`${command}\n`);
  for (;;) {
    const m = answer.exec(server.out().slice(seen));
    if (m) return m;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The server process's CPU time so far, in microseconds. */
const serverCpu = async () => Number((await ask("cpu", /cpu (\d+)\n/))[1]);

/** Runs a load and returns autocannon's result with the server's CPU microseconds per request. */
async function measured(
  phase: string,
  opts: Partial<autocannon.Options> & { requests: autocannon.Request[] },
) {
  if (profiles) await ask("profile", /profiling\n/);
  const before = await serverCpu();
  const result = await run(opts);
  const cpu = (await serverCpu()) - before;
  if (profiles) {
    mkdirSync(profiles, { recursive: true });
    const file = join(profiles, `${backend}-${phase}.cpuprofile`);
    await ask(`save ${file}`, /saved\n/);
    log(`  profile: ${file}`);
  }
  return { result, cpuPerRequest: cpu / Math.max(1, result.requests.total) };
}

const rnd = prng(11);
const pick = (n: number) => Math.floor(rnd() * n);
const caps = ["view", "edit", "manage"];
const checkBody = () =>
  JSON.stringify({
    user: `user${pick(size.users)}@bench.test`,
    resource: `app-${pick(size.apps)}`,
    type: "app",
    capability: caps[pick(3)],
  });
const bodies = Array.from({ length: 10_000 }, checkBody);
const batches = Array.from({ length: 200 }, () =>
  JSON.stringify({ checks: Array.from({ length: 100 }, () => JSON.parse(checkBody())) }),
);
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

function rotating(path: string, list: string[], method = "POST") {
  let i = 0;
  return {
    method,
    path,
    headers,
    setupRequest(req: { body?: string }) {
      req.body = list[i++ % list.length];
      return req;
    },
  } as const;
}

/** Latencies of the mixed phase, per kind of request, in ms (rounded to 0.01), and refusals. */
const timings = { check: { ms: [] as number[], failed: 0 }, write: { ms: [] as number[], failed: 0 } };
const percentile = (ms: number[], p: number) =>
  ms.length ? Math.round(ms.sort((a, b) => a - b)[Math.floor((ms.length - 1) * p)]! * 100) / 100 : 0;

/**
 * The mixed phase's requests: `checks` checks, then a write. autocannon builds each request
 * (setupRequest) just before it writes it, and reports the answer (onResponse) before building
 * the next, so the time between the two is that request's latency.
 */
function mixRequests(group: string, checks: number) {
  let i = 0;
  let k = 0;
  type Context = { sentAt?: number };
  const timed = (kind: "check" | "write", next: () => { path: string; body: string }) => ({
    method: "POST",
    headers,
    setupRequest(req: { body?: string; path?: string }, context: Context) {
      Object.assign(req, next());
      context.sentAt = performance.now();
      return req;
    },
    onResponse(status: number, _body: string, context: Context) {
      if (context.sentAt === undefined) return;
      if (status >= 300) timings[kind].failed++;
      else timings[kind].ms.push(performance.now() - context.sentAt);
    },
  });
  const check = timed("check", () => ({ path: "/api/v1/access/check", body: bodies[i++ % bodies.length]! }));
  // Adds a user to the group, then removes them, and so on over 1,000 users.
  const write = timed("write", () => {
    const n = k++;
    return {
      path: `/api/v1/groups/${group}/members${n % 2 === 0 ? "" : "/remove"}`,
      body: JSON.stringify({ userIds: [`usr_${prefix}${Math.floor(n / 2) % 1000}`] }),
    };
  });
  return [...Array.from({ length: checks }, () => check), write] as never[];
}

async function run(opts: Partial<autocannon.Options> & { requests: autocannon.Request[] }, at = url) {
  return await autocannon({ url: at, connections, duration, ...opts } as autocannon.Options);
}

try {
  log("warming up...");
  await run({ duration: 3, requests: [rotating("/api/v1/access/check", bodies) as never] });
  log(`single checks (${duration} s, ${connections} connections)...`);
  const { result: single, cpuPerRequest: singleCpu } = await measured("single", {
    requests: [rotating("/api/v1/access/check", bodies) as never],
  });
  log("batches of 100...");
  const { result: batch, cpuPerRequest: batchCpu } = await measured("batch", {
    connections: 8,
    requests: [rotating("/api/v1/access/check/batch", batches) as never],
  });

  // Mixed: every connection sends 19 checks, then one write (adds or removes a member of one
  // group), and waits for each answer: 95% checks and 5% writes of what is answered, however
  // slow the writes. Each request is timed on its own (autocannon times them together).
  log("mixed: 19 checks then 1 write on every connection...");
  const mixed = await measured("mixed", {
    requests: mixRequests(workload.groupIds[5]!, 19),
  });
  const written = timings.write;
  // The ceiling: Node's HTTP server alone, answering the same check bodies from the same client.
  log("node:http alone, for comparison...");
  const floor = await startServer("bench/floor-child.ts");
  let bare: autocannon.Result;
  try {
    bare = await run({ requests: [rotating("/", bodies) as never] }, floor.url);
  } finally {
    await floor.stop();
  }
  const result = {
    backend,
    workers,
    checkThreads,
    users: size.users,
    singleChecksPerSec: Math.round(single.requests.average),
    singleP99ms: single.latency.p99,
    batchChecksPerSec: Math.round(batch.requests.average * 100),
    batchP99ms: batch.latency.p99,
    idleP99ms: single.latency.p99,
    mixedP99ms: percentile(timings.check.ms, 0.99),
    mixedChecksPerSec: Math.round(timings.check.ms.length / duration),
    writesPerSec: Math.round(written.ms.length / duration),
    writeP99ms: percentile(written.ms, 0.99),
    writeErrors: written.failed,
    // Refused answers, and requests that got none (errors include timeouts), in every phase.
    checkErrors:
      [single, batch].reduce((n, r) => n + r.non2xx + r.errors, 0) +
      timings.check.failed +
      mixed.result.errors,
    mixedChecksAnswered: timings.check.ms.length,
    serverCpuPerSingleCheckUs: Math.round(singleCpu),
    serverCpuPerBatchedCheckUs: Math.round((batchCpu / 100) * 10) / 10,
    nodeHttpRequestsPerSec: Math.round(bare.requests.average),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(
      `\nRoster over HTTP — ${backend}${workers > 1 ? ` with ${workers} workers` : ""}, ${checkThreads} check thread${checkThreads === 1 ? "" : "s"}${workers > 1 ? " each" : ""}, ${size.users.toLocaleString("en")} users, client and server on this machine\n`,
    );
    const rows: [string, string, string][] = [
      ["single checks per second", result.singleChecksPerSec.toLocaleString("en"), "target >= 15,000"],
      ["single check p99", `${result.singleP99ms} ms`, "target <= 10 ms"],
      [
        "checks per second in batches of 100",
        result.batchChecksPerSec.toLocaleString("en"),
        "target >= 300,000",
      ],
      [
        "check p99 under 95% checks / 5% writes",
        `${result.mixedP99ms} ms`,
        `idle ${result.idleP99ms} ms; target <= 2x idle (PostgreSQL)`,
      ],
      [
        "writes per second during the mix",
        String(result.writesPerSec),
        `p99 ${result.writeP99ms} ms, ${result.writeErrors} failed`,
      ],
      ["failed checks", String(result.checkErrors), "should be 0"],
      ["checks answered during the mix", result.mixedChecksAnswered.toLocaleString("en"), ""],
      [
        "server CPU per single check",
        `${result.serverCpuPerSingleCheckUs} µs`,
        "moves less than checks/s on a busy machine; 1e6 / it bounds one core's checks/s",
      ],
      ["server CPU per check in a batch", `${result.serverCpuPerBatchedCheckUs} µs`, ""],
      [
        "node:http alone, same client",
        result.nodeHttpRequestsPerSec.toLocaleString("en"),
        "requests/s of a bare server answering a fixed result: the ceiling of single checks here",
      ],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v, note] of rows) console.log(`  ${k.padEnd(width)}  ${v.padStart(10)}  ${note}`);
  }
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createToken, SYSTEM_ACTOR } from "../src/commands/index.ts";
import { foldLog, type OrgId } from "../src/domain/index.ts";
import { openStore } from "../src/store/index.ts";
import { loadState } from "./load.ts";
import { FULL, generateWorkload, prng } from "./workload.ts";

/**
 * `npm run bench:http`: the bench workload loaded into a real `roster serve`
 * (its own process), driven with autocannon on loopback. Prints single
 * checks/s and p99, batch (100 per request) checks/s, and the check p99 under
 * a mixed load (95% checks, 5% writes), and for comparison what Node's HTTP
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

  // Mixed: checks at full speed, and alongside them writes at 5% of the check rate, from another process.
  const writeRate = Math.max(1, Math.round((single.requests.average * 5) / 95));
  const group = workload.groupIds[5]!;
  log(`mixed: checks with writes at ${writeRate}/s...`);
  const writer = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/write-load.ts",
      url,
      token,
      group,
      String(writeRate),
      String(duration),
      prefix,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const writerOut: Promise<string> = new Promise((resolve) => {
    let out = "";
    writer.stdout.on("data", (d) => {
      out += d;
    });
    writer.on("exit", () => resolve(out));
  });
  const { result: mixed } = await measured("mixed", {
    connections: connections - 2,
    requests: [rotating("/api/v1/access/check", bodies) as never],
  });
  const written = JSON.parse((await writerOut).trim().split("\n").at(-1) ?? "{}") as {
    sent: number;
    failed: number;
    perSec: number;
    p99ms: number;
  };
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
    users: size.users,
    singleChecksPerSec: Math.round(single.requests.average),
    singleP99ms: single.latency.p99,
    batchChecksPerSec: Math.round(batch.requests.average * 100),
    batchP99ms: batch.latency.p99,
    idleP99ms: single.latency.p99,
    mixedP99ms: mixed.latency.p99,
    mixedChecksPerSec: Math.round(mixed.requests.average),
    writesPerSec: written.perSec,
    writeP99ms: written.p99ms,
    writeErrors: written.failed,
    // Refused answers, and requests that got none (errors include timeouts), in every phase.
    checkErrors: [single, batch, mixed].reduce((n, r) => n + r.non2xx + r.errors, 0),
    mixedChecksAnswered: mixed.requests.total,
    serverCpuPerSingleCheckUs: Math.round(singleCpu),
    serverCpuPerBatchedCheckUs: Math.round((batchCpu / 100) * 10) / 10,
    nodeHttpRequestsPerSec: Math.round(bare.requests.average),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(
      `\nRoster over HTTP — ${backend}${workers > 1 ? ` with ${workers} workers` : ""}, ${size.users.toLocaleString("en")} users, client and server on this machine\n`,
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
        "the same on a busy machine; 1e6 / it bounds one core's checks/s",
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

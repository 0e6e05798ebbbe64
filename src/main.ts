import cluster, { type Worker } from "node:cluster";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { AccessIndex } from "./access/index.ts";
import { createDemoOrganization, runCli } from "./cli/index.ts";
import {
  ActivityRecorder,
  createOrganization,
  createPasswordLink,
  createToken,
  inviteUser,
  SYSTEM_ACTOR,
} from "./commands/index.ts";
import { isRosterError, parseToken, RosterError } from "./domain/index.ts";
import { Authenticator, buildApp, CheckThreads } from "./http/index.ts";
import { OutboxDelivery, resolveSmtp } from "./notify/index.ts";
import { listAllOrganizations } from "./queries/index.ts";
import { openStore, type Store } from "./store/index.ts";

/**
 * The composition root of `roster serve`: the only place that wires the
 * store, the access index, delivery and the HTTP app together.
 */

export type ServeOptions = {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly operatorToken?: string;
  readonly bootstrapToken?: string;
  readonly adminEmail?: string;
  readonly publicUrl?: string;
  readonly logger?: boolean | { level: string };
  /** Create the demo organization on first start. */
  readonly demo?: boolean;
  /** Threads answering batch checks beside the main thread (default none; the CLI picks one when a core is spare). */
  readonly checkThreads?: number;
  /** Called with the first-run text instead of printing it (tests). */
  readonly print?: (text: string) => void;
};

export type RunningServer = { readonly url: string; readonly store: Store; close(): Promise<void> };

const version = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export function optionsFromEnv(env: NodeJS.ProcessEnv): ServeOptions {
  return {
    port: Number(env.PORT ?? 8080),
    host: env.HOST ?? "127.0.0.1",
    dataDir: env.ROSTER_DATA_DIR ?? "./roster-data",
    ...(env.DATABASE_URL && { databaseUrl: env.DATABASE_URL }),
    ...(env.ROSTER_OPERATOR_TOKEN && { operatorToken: env.ROSTER_OPERATOR_TOKEN }),
    ...(env.ROSTER_BOOTSTRAP_TOKEN && { bootstrapToken: env.ROSTER_BOOTSTRAP_TOKEN }),
    ...(env.ROSTER_ADMIN_EMAIL && { adminEmail: env.ROSTER_ADMIN_EMAIL }),
    ...(env.ROSTER_PUBLIC_URL && { publicUrl: env.ROSTER_PUBLIC_URL }),
  };
}

/**
 * The first start: an organization (enterprise) with its first administrator and a one-time
 * admin API token; with --demo, the demo organization too, with the same administrator as an
 * owner there (one sign-in, then a switch of organization in the console). Returns the
 * welcome text, or null when the database has an organization already.
 */
async function firstRun(store: Store, options: ServeOptions): Promise<string | null> {
  if ((await listAllOrganizations(store)).length > 0) {
    if (options.bootstrapToken) {
      process.stderr.write(
        "roster: ROSTER_BOOTSTRAP_TOKEN is read on the first start only; this database has an organization already, so it is not used.\n",
      );
    }
    return null;
  }
  const url = options.publicUrl ?? `http://${options.host}:${options.port}`;
  // What is printed below is shown once: refuse before creating anything what would stop the start.
  if (options.bootstrapToken !== undefined && !parseToken(options.bootstrapToken)) {
    throw new RosterError(
      "request.invalid",
      "ROSTER_BOOTSTRAP_TOKEN needs 16 to 200 characters and no spaces (nothing was created).",
    );
  }
  if (options.port !== 0) await assertPortFree(options.host, options.port);
  const email = options.adminEmail ?? "admin@example.com";
  let created: Awaited<ReturnType<typeof createOrganization>>;
  try {
    created = await createOrganization(
      store,
      { name: "My organization", slug: "default", plan: "enterprise", admin: { email, firstName: "Admin" } },
      SYSTEM_ACTOR,
    );
  } catch (e) {
    // Servers starting together on an empty PostgreSQL: one creates the organization and says so.
    if (isRosterError(e) && e.code === "organization.slug_taken") return null;
    throw e;
  }
  const ctx = {
    store,
    orgId: created.value.organization.id,
    actor: SYSTEM_ACTOR,
    authority: { kind: "owner" },
    requestId: "first-run",
  } as const;
  const link = await createPasswordLink(ctx, {
    userId: created.value.admin.id,
    purpose: "set_password",
    baseUrl: url,
    email: false,
  });
  const token = await createToken(
    {
      store,
      orgId: created.value.organization.id,
      actor: SYSTEM_ACTOR,
      authority: { kind: "owner" },
      requestId: "first-run",
    },
    {
      name: "first run",
      scopes: ["admin"],
      ...(options.bootstrapToken && { token: options.bootstrapToken }),
    },
  );
  const demo = options.demo ? await createDemoOrganization(store, { slug: "demo" }) : null;
  if (demo) {
    const inDemo = { ...ctx, orgId: demo.organization.id, requestId: "first-run-demo" };
    await inviteUser(inDemo, { email, firstName: "Admin", role: "owner" });
  }
  return [
    "",
    "Roster is running for the first time.",
    `  Organization:   ${created.value.organization.name} (enterprise)`,
    ...(demo
      ? [
          `  Demo:           ${demo.organization.name} (slug demo); ${email} is an owner there too: switch to it in the console, or add --org demo to the CLI`,
        ]
      : []),
    `  Administrator:  ${email}`,
    `  Console:        ${url}/`,
    `  Set the administrator's password (one-time link, 7 days): ${link.value.url}`,
    `  API docs:       ${url}/api/docs`,
    `  Admin API token (shown once): ${token.value.token}`,
    `  Try: curl -H "Authorization: Bearer ${token.value.token}" ${url}/api/v1/organization`,
    "",
  ].join("\n");
}

/** Fails when another process listens on the port, as `listen` would after the first start. */
function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `${host}:${port} is not free (${e.code ?? e.message}); nothing was created. Choose another PORT.`,
        ),
      ),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

const printWelcome = (options: ServeOptions, text: string) =>
  (options.print ?? ((t: string) => process.stdout.write(`${t}\n`)))(text);

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const store = options.databaseUrl
    ? await openStore({ databaseUrl: options.databaseUrl })
    : await openStore({ dataDir: options.dataDir, purpose: "roster serve" });
  const index = new AccessIndex(store);
  const activity = new ActivityRecorder(store);
  const delivery = new OutboxDelivery(store, { smtpFor: resolveSmtp(store, process.env) });
  let checks: CheckThreads | undefined;
  try {
    const welcome = await firstRun(store, options);
    // Before the index loads anything: the threads' replicas follow every load.
    if (options.checkThreads) checks = await CheckThreads.start(index, options.checkThreads);
    await index.start();
    delivery.start();
    const app = await buildApp(
      {
        store,
        index,
        activity,
        auth: new Authenticator(store, options.operatorToken),
        ...(checks && { checks }),
      },
      {
        logger: options.logger ?? false,
        version,
        ...(options.publicUrl && { publicUrl: options.publicUrl }),
      },
    );
    const address = await app.listen({ port: options.port, host: options.host });
    if (welcome) printWelcome(options, welcome);
    let closing: Promise<void> | null = null;
    return {
      url: address,
      store,
      close() {
        // Stop taking requests, let the ones in flight finish (their writes are committed or not), then stop.
        closing ??= (async () => {
          await app.close();
          await checks?.stop();
          await delivery.stop();
          await index.stop();
          await activity.flush().catch(() => {});
          await store.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    await checks?.stop().catch(() => {});
    await delivery.stop().catch(() => {});
    await index.stop().catch(() => {});
    await store.close();
    throw e;
  }
}

export type RunningWorkers = {
  readonly url: string;
  /** The worker processes' ids (they change when a worker is restarted). */
  pids(): number[];
  close(): Promise<void>;
};

/**
 * `roster serve --workers N`: N server processes sharing one port (node:cluster), so checks use
 * every core. Each worker is a whole server with its own access index following the change log,
 * as several servers on one PostgreSQL are; the embedded database belongs to one process, so it
 * needs DATABASE_URL. Call it in the primary, which prepares the first start, starts the workers
 * and restarts one that dies, and in every worker (it returns null there, serving until a signal).
 */
export async function serveWorkers(options: ServeOptions, workers: number): Promise<RunningWorkers | null> {
  if (!options.databaseUrl) {
    throw new Error(
      "--workers needs PostgreSQL (DATABASE_URL): the embedded database can be opened by one process only.",
    );
  }
  if (cluster.isWorker) {
    let server: RunningServer;
    try {
      server = await serve(options);
    } catch (e) {
      // The primary sees the exit and says so; left running, the worker would hold its IPC channel open.
      process.stderr.write(
        `roster: a worker could not start: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      process.exit(1);
    }
    const stop = () =>
      void server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    return null;
  }
  const store = await openStore({ databaseUrl: options.databaseUrl });
  let welcome: string | null;
  try {
    welcome = await firstRun(store, options);
  } finally {
    await store.close();
  }
  let started = false;
  let stopping = false;
  const running = new Set<Worker>();
  // A worker that dies is replaced after a pause that doubles with each death in the last minute
  // (1 s up to 1 min), so one that fails at once is not restarted in a tight loop. The timer keeps
  // the primary alive while no worker is.
  const deaths: number[] = [];
  let missing = 0;
  let restart: NodeJS.Timeout | null = null;
  const replace = () => {
    const now = Date.now();
    deaths.push(now);
    while (deaths[0]! < now - 60_000) deaths.shift();
    missing++;
    if (restart) return;
    restart = setTimeout(
      () => {
        restart = null;
        const count = missing;
        missing = 0;
        for (let i = 0; i < count && !stopping; i++) void start().catch(() => {});
      },
      Math.min(1000 * 2 ** (deaths.length - 1), 60_000),
    );
  };
  const start = () =>
    new Promise<string>((resolve, reject) => {
      const worker = cluster.fork();
      running.add(worker);
      worker.once("listening", (address) => resolve(`http://${options.host}:${address.port}`));
      worker.once("exit", (code, signal) => {
        running.delete(worker);
        reject(new Error(`a worker exited while starting (${signal ?? code})`));
        if (stopping || !started) return;
        process.stderr.write(
          `roster: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`,
        );
        replace();
      });
    });
  let urls: string[];
  try {
    urls = await Promise.all(Array.from({ length: workers }, start));
  } catch (e) {
    stopping = true;
    for (const worker of running) worker.kill("SIGTERM");
    throw e;
  }
  started = true;
  if (welcome) printWelcome(options, welcome);
  let closing: Promise<void> | null = null;
  return {
    url: urls[0]!,
    pids: () => [...running].map((w) => w.process.pid!),
    close() {
      // Each worker finishes its requests in flight and stops, as a single server does.
      stopping = true;
      if (restart) clearTimeout(restart);
      closing ??= Promise.all(
        [...running].map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.once("exit", () => resolve());
              worker.process.kill("SIGTERM");
            }),
        ),
      ).then(() => {});
      return closing;
    },
  };
}

/** At most this many check threads by default: each holds a copy of the index. */
const AUTO_CHECK_THREADS = 4;

/**
 * Check threads per server process, from `--check-threads` / ROSTER_CHECK_THREADS: a whole
 * number, or auto: as many as the process has cores (the machine's over the server
 * processes), up to 4, when that is more than one; else none.
 */
export function checkThreadsFor(value: string, workers: number): number {
  const cores = Math.floor(availableParallelism() / workers);
  const n = value === "auto" ? (cores > 1 ? Math.min(cores, AUTO_CHECK_THREADS) : 0) : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    throw new Error(`--check-threads takes auto or a whole number from 0 to 64, not ${value}.`);
  }
  return n;
}

const threads = (n: number) => `${n} check thread${n === 1 ? "" : "s"}`;

/** `roster serve`, added to the CLI here because only the composition root may wire the server. */
function addServe(program: Command): void {
  program
    .command("serve")
    .description("run the Roster server: the admin, check and SCIM APIs, their docs, and the web console")
    .option("--port <port>", "port to listen on (env PORT)", process.env.PORT ?? "8080")
    .option("--host <host>", "address to listen on (env HOST)", process.env.HOST ?? "127.0.0.1")
    .option(
      "--workers <n>",
      "server processes sharing the port, one per core at most; PostgreSQL only (env ROSTER_WORKERS)",
      process.env.ROSTER_WORKERS ?? "1",
    )
    .option(
      "--check-threads <n>",
      "threads answering batch checks beside each server process; auto: one per core of the process, up to 4, when it has two or more (env ROSTER_CHECK_THREADS)",
      process.env.ROSTER_CHECK_THREADS ?? "auto",
    )
    .option(
      "--demo",
      "also create the demo organization (slug demo) on first start, the first administrator an owner there too",
    )
    .addHelpText(
      "after",
      `
Environment:
  ROSTER_DATA_DIR         the embedded database's folder (default ./roster-data)
  DATABASE_URL            use a PostgreSQL server instead (several servers may share it)
  ROSTER_WORKERS          server processes on this machine (default 1; needs DATABASE_URL)
  ROSTER_CHECK_THREADS    threads answering batch checks in each process (default auto)
  ROSTER_OPERATOR_TOKEN   enables the operator API (create and list organizations)
  ROSTER_BOOTSTRAP_TOKEN  the first start's admin API token, instead of a random one
  ROSTER_ADMIN_EMAIL      the first administrator's email (default admin@example.com)
  ROSTER_SMTP_URL, ROSTER_SMTP_FROM   deliver notifications by SMTP (smtp://user:pass@host:587)

The first start creates an organization (enterprise plan) and its first administrator, and
prints the URLs and a one-time admin API token. SIGINT or SIGTERM stop it cleanly.

With --workers N, N processes share the port, each with its own access index following the
change log; a worker that dies is restarted. Checks then use every core.

Check threads hold a copy of the access index, following the same changes, and answer
batch checks (parsing, validation, the checks themselves) beside the thread that serves
HTTP; auto starts one per core of each server process (up to 4) when it has two or more.`,
    )
    .action(
      async (opts: { port: string; host: string; workers: string; checkThreads: string; demo?: boolean }) => {
        const globals = program.opts<{ dataDir: string; databaseUrl?: string }>();
        const workers = Number(opts.workers);
        if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
          throw new Error(`--workers takes a whole number from 1 to 64, not ${opts.workers}.`);
        }
        const checkThreads = checkThreadsFor(opts.checkThreads, workers);
        const options: ServeOptions = {
          ...optionsFromEnv(process.env),
          port: Number(opts.port),
          host: opts.host,
          dataDir: globals.dataDir,
          ...(globals.databaseUrl && { databaseUrl: globals.databaseUrl }),
          demo: opts.demo === true,
          checkThreads,
          logger: { level: process.env.LOG_LEVEL ?? "warn" },
        };
        let server: { readonly url: string; close(): Promise<void> };
        let what: string;
        if (workers > 1) {
          const running = await serveWorkers(options, workers);
          if (!running) return; // a worker: it serves until a signal
          server = running;
          what = `postgres, ${workers} workers, ${threads(checkThreads)} each`;
        } else {
          const single = await serve(options);
          server = single;
          what = `${single.store.kind}, ${threads(checkThreads)}`;
        }
        // The signals are heard before the line says the server is up: a SIGTERM sent on reading
        // it found none yet now and then, and ended the process without closing the store.
        const stopped = new Promise<void>((resolve) => {
          const stop = () => {
            process.stderr.write("stopping: finishing requests in flight...\n");
            void server.close().then(resolve);
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        process.stderr.write(`roster listening on ${server.url} (${what})\n`);
        await stopped;
      },
    );
}

/** The `roster` command (bin/roster.js). */
export function main(argv: string[]): Promise<void> {
  return runCli(argv, addServe);
}

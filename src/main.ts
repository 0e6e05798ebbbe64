import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { AccessIndex } from "./access/index.ts";
import { createDemoOrganization, runCli } from "./cli/index.ts";
import {
  ActivityRecorder,
  createOrganization,
  createPasswordLink,
  createToken,
  SYSTEM_ACTOR,
} from "./commands/index.ts";
import { Authenticator, buildApp } from "./http/index.ts";
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

/** The first start: an organization (enterprise) with its first administrator and a one-time admin API token. */
async function firstRun(store: Store, options: ServeOptions, url: string): Promise<string | null> {
  if ((await listAllOrganizations(store)).length > 0) return null;
  const email = options.adminEmail ?? "admin@example.com";
  const created = await createOrganization(
    store,
    { name: "My organization", slug: "default", plan: "enterprise", admin: { email, firstName: "Admin" } },
    SYSTEM_ACTOR,
  );
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
  return [
    "",
    "Roster is running for the first time.",
    `  Organization:   ${created.value.organization.name} (enterprise)`,
    `  Administrator:  ${email}`,
    `  Console:        ${url}/`,
    `  Set the administrator's password (one-time link, 7 days): ${link.value.url}`,
    `  API docs:       ${url}/api/docs`,
    `  Admin API token (shown once): ${token.value.token}`,
    `  Try: curl -H "Authorization: Bearer ${token.value.token}" ${url}/api/v1/organization`,
    "",
  ].join("\n");
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const store = options.databaseUrl
    ? await openStore({ databaseUrl: options.databaseUrl })
    : await openStore({ dataDir: options.dataDir, purpose: "roster serve" });
  const index = new AccessIndex(store);
  const activity = new ActivityRecorder(store);
  const delivery = new OutboxDelivery(store, { smtpFor: resolveSmtp(store, process.env) });
  try {
    const url = options.publicUrl ?? `http://${options.host}:${options.port}`;
    const welcome = await firstRun(store, options, url);
    if (welcome && options.demo) await createDemoOrganization(store, { slug: "demo" });
    await index.start();
    delivery.start();
    const app = await buildApp(
      { store, index, activity, auth: new Authenticator(store, options.operatorToken) },
      {
        logger: options.logger ?? false,
        version,
        ...(options.publicUrl && { publicUrl: options.publicUrl }),
      },
    );
    const address = await app.listen({ port: options.port, host: options.host });
    if (welcome) (options.print ?? ((t: string) => process.stdout.write(`${t}\n`)))(welcome);
    let closing: Promise<void> | null = null;
    return {
      url: address,
      store,
      close() {
        // Stop taking requests, let the ones in flight finish (their writes are committed or not), then stop.
        closing ??= (async () => {
          await app.close();
          await delivery.stop();
          await index.stop();
          await activity.flush().catch(() => {});
          await store.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    await delivery.stop().catch(() => {});
    await index.stop().catch(() => {});
    await store.close();
    throw e;
  }
}

/** `roster serve`, added to the CLI here because only the composition root may wire the server. */
function addServe(program: Command): void {
  program
    .command("serve")
    .description("run the Roster server: the admin and check APIs, the docs, and (soon) the console")
    .option("--port <port>", "port to listen on (env PORT)", process.env.PORT ?? "8080")
    .option("--host <host>", "address to listen on (env HOST)", process.env.HOST ?? "127.0.0.1")
    .option("--demo", "also create the demo organization on first start")
    .addHelpText(
      "after",
      `
Environment:
  ROSTER_DATA_DIR         the embedded database's folder (default ./roster-data)
  DATABASE_URL            use a PostgreSQL server instead (several servers may share it)
  ROSTER_OPERATOR_TOKEN   enables the operator API (create and list organizations)
  ROSTER_BOOTSTRAP_TOKEN  the first start's admin API token, instead of a random one
  ROSTER_ADMIN_EMAIL      the first administrator's email (default admin@example.com)
  ROSTER_SMTP_URL, ROSTER_SMTP_FROM   deliver notifications by SMTP (smtp://user:pass@host:587)

The first start creates an organization (enterprise plan) and its first administrator, and
prints the URLs and a one-time admin API token. SIGINT or SIGTERM stop it cleanly.`,
    )
    .action(async (opts: { port: string; host: string; demo?: boolean }) => {
      const globals = program.opts<{ dataDir: string; databaseUrl?: string }>();
      const server = await serve({
        ...optionsFromEnv(process.env),
        port: Number(opts.port),
        host: opts.host,
        dataDir: globals.dataDir,
        ...(globals.databaseUrl && { databaseUrl: globals.databaseUrl }),
        demo: opts.demo === true,
        logger: { level: process.env.LOG_LEVEL ?? "warn" },
      });
      process.stderr.write(`roster listening on ${server.url} (${server.store.kind})\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stderr.write("stopping: finishing requests in flight...\n");
          void server.close().then(resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}

/** The `roster` command (bin/roster.js). */
export function main(argv: string[]): Promise<void> {
  return runCli(argv, addServe);
}

import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { isRosterError } from "../domain/index.ts";
import { migrationState, organizationSummaries } from "../queries/index.ts";
import { listOrganizations } from "../store/index.ts";
import { registerAccessCommands } from "./access.ts";
import { createDemoOrganization } from "./demo.ts";
import { registerExport } from "./export.ts";
import { table } from "./format.ts";
import { registerImport } from "./import.ts";
import { CliError, describeBackend, globalsOf, openFrom, orgOpener } from "./open.ts";
import { registerRecovery } from "./recover.ts";

/**
 * The `roster` command line. Every subcommand opens the store itself: a
 * PGlite folder (locked while the command runs, so it refuses when a server
 * holds it) or, with a database URL, PostgreSQL. Exit status: 0 success,
 * 1 a denied check, 2 any error.
 */

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command("roster")
    .description("Roster: users, groups and permissions of an analytics platform, from the command line.")
    .version(pkg.version, "-V, --version", "print the version")
    .addOption(
      new Option("--data-dir <dir>", "the embedded database's folder (PGlite)")
        .env("ROSTER_DATA_DIR")
        .default("./roster-data"),
    )
    .addOption(
      new Option("--database-url <url>", "a PostgreSQL server to use instead of the data folder").env(
        "DATABASE_URL",
      ),
    )
    .option("--org <id-or-slug>", "the organization (default: the only one there is)")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .addHelpText(
      "after",
      `
Storage: the embedded database lives in --data-dir (default ./roster-data, or ROSTER_DATA_DIR);
with --database-url (or DATABASE_URL) a PostgreSQL server is used instead. Only one process may
open a data folder: while a server runs on it, commands here refuse with "store.locked".

Exit status: 0 on success, 1 when "check" is denied, 2 on any error.

Examples:
  roster demo
  roster check camille.durand@acme.example sales-dashboard view --type app
  roster explain camille.durand@acme.example sales-dashboard --type app
  roster export groups --format csv --out groups.csv
  DATABASE_URL=postgres://roster@localhost/roster roster orgs`,
    );

  program
    .command("migrate")
    .description("create or upgrade the database schema, then print the migration state")
    .addHelpText(
      "after",
      `
Opening the store applies every pending migration (on PostgreSQL under an advisory lock, so
servers starting together do not race); this command does only that, and says where.

Examples:
  roster migrate
  roster --data-dir /var/lib/roster migrate
  roster --database-url postgres://roster@db.internal/roster migrate`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      const store = await openFrom(g, "migrate", true);
      try {
        const state = await migrationState(store);
        const lines = [
          `backend:     ${describeBackend(g)}`,
          `migrations:  ${state.applied.length} of ${state.known.length} applied${state.applied.length > 0 ? ` (latest ${state.applied.at(-1)})` : ""}`,
          state.pending.length === 0 ? "up to date" : `pending:     ${state.pending.join(", ")}`,
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
        if (state.pending.length > 0) process.exitCode = 2;
      } finally {
        await store.close();
      }
    });

  program
    .command("demo")
    .description(
      "create a demo organization (Acme Retail, enterprise plan) with users, groups, rules and filters",
    )
    .option("--slug <slug>", "the new organization's slug", "demo")
    .addHelpText(
      "after",
      `
About 30 users across EMEA, APAC and AMER (with region and country attributes), nested sales
groups, analysts, finance, data engineering, contractors with privileges off, apps, sites,
workspaces and datasets, rules of every scope, data filters, a delegation, a second admin and a
deactivated user, all made through the same commands as the API. Refuses if the slug exists.

Examples:
  roster demo
  roster demo --slug demo-2`,
    )
    .action(async (opts: { slug: string }, cmd: Command) => {
      const g = globalsOf(cmd);
      const store = await openFrom(g, "demo", true);
      try {
        const d = await createDemoOrganization(store, { slug: opts.slug });
        const { allowed, denied, filtered } = d.examples;
        // The commands below pick the only organization by themselves; with others beside it, they need --org.
        const alone = (await listOrganizations(store.db)).length === 1;
        const org = alone ? "" : ` --org ${d.organization.slug}`;
        const lines = [
          `Created ${d.organization.name} (slug ${d.organization.slug}, ${d.organization.plan} plan, id ${d.organization.id}) in ${describeBackend(g)}, revision ${d.revision}.`,
          "",
          `  admin (owner):   ${d.admin.email}`,
          `  second admin:    ${d.secondAdmin.email}`,
          `  delegate:        ${d.delegate.email} (the French and German sites)`,
          `  deactivated:     ${d.deactivated.email}`,
          `  users:           ${d.users}`,
          `  groups:          ${d.groups.length}: ${d.groups.join(", ")}`,
          ...Object.entries(d.resources).map(
            ([type, names]) => `  ${`${type}s:`.padEnd(17)}${names.join(", ")}`,
          ),
          `  rules:           ${d.rules}, of every scope (one resource, a list, all current, all current and future)`,
          `  data filters:    ${d.filters} (e.g. region = {{user.region}} on Orders for Sales EMEA)`,
          "",
          "Try:",
          `  roster${org} check ${allowed.user} ${allowed.resource} ${allowed.capability} --type ${allowed.type}`,
          `  roster${org} check ${denied.user} ${denied.resource} ${denied.capability} --type ${denied.type}`,
          `  roster${org} explain ${allowed.user} ${allowed.resource} --type ${allowed.type}`,
          `  roster${org} access ${filtered.user} ${filtered.resource} --type ${filtered.type}`,
          `  roster${org} export groups`,
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      } finally {
        await store.close();
      }
    });

  program
    .command("orgs")
    .description("list the organizations (slug, name, plan, users, groups, id)")
    .option("--json", "print them as JSON")
    .addHelpText(
      "after",
      `
When there are several, choose one for the other commands with --org <slug or id>.

Examples:
  roster orgs
  roster orgs --json`,
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const store = await openFrom(globalsOf(cmd), "orgs");
      try {
        const orgs = await organizationSummaries(store);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(orgs, null, 2)}\n`);
        } else if (orgs.length === 0) {
          process.stdout.write("no organization yet (try roster demo)\n");
        } else {
          const rows = orgs.map((o) => [o.slug, o.name, o.plan, String(o.users), String(o.groups), o.id]);
          process.stdout.write(`${table([["SLUG", "NAME", "PLAN", "USERS", "GROUPS", "ID"], ...rows])}\n`);
        }
      } finally {
        await store.close();
      }
    });

  registerAccessCommands(program);
  registerExport(program);
  registerRecovery(program);
  // import: see src/cli/import.ts. Registered because that file exists; it gets a way to open the
  // organization the global options choose (a PGlite folder stays locked while it runs).
  registerImport(
    program,
    orgOpener(() => program, "import"),
  );
  return program;
}

/** What the user sees of a failure, and the exit status. */
function report(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // commander printed it already
  if (isRosterError(e) || e instanceof CliError) {
    process.stderr.write(`error: ${e.message} (${e.code})\n`);
  } else {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`error: ${message.split("\n")[0]}\n`);
    if (process.env.ROSTER_DEBUG) process.stderr.write(`${e instanceof Error ? e.stack : ""}\n`);
  }
  return 2;
}

// `roster export users | head` closes the pipe early: stop quietly, as other commands do.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e;
  process.exit(process.exitCode ?? 0);
});

/** Runs the command line; `extend` adds commands wired by the composition root (serve). */
export async function runCli(argv: string[], extend?: (program: Command) => void): Promise<void> {
  const program = buildProgram();
  extend?.(program);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = report(e);
  }
}

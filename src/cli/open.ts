import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { type ErrorCode, fail, type Organization, type OrgId } from "../domain/index.ts";
import { findOrganization, listOrganizations, openStore, type Store } from "../store/index.ts";

/** The options every subcommand shares, set on the program. */
export type GlobalOptions = {
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly org?: string;
};

/** A failure of the command line itself (not of Roster's rules): printed as `error: <message> (<code>)`, exit 2. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly code: ErrorCode = "request.invalid",
  ) {
    super(message);
  }
}

export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Partial<GlobalOptions>;
  const databaseUrl = o.databaseUrl?.trim() || undefined;
  return {
    dataDir: o.dataDir ?? "./roster-data",
    ...(databaseUrl && { databaseUrl }),
    ...(o.org && { org: o.org }),
  };
}

/** Where the data lives, for people: the PGlite folder, or the server's URL without its password. */
export function describeBackend(g: GlobalOptions): string {
  if (!g.databaseUrl) return `PGlite folder ${resolve(g.dataDir)}`;
  try {
    const url = new URL(g.databaseUrl);
    if (url.password) url.password = "***";
    return `PostgreSQL ${url.toString()}`;
  } catch {
    return "PostgreSQL (DATABASE_URL)";
  }
}

/**
 * Opens (and migrates) the store the global options name. A PGlite folder is
 * locked for the life of the command; when a running server holds it, the
 * store refuses with `store.locked`, naming the holder's pid. With `create`
 * false, a folder that holds no database yet is an error rather than a fresh
 * database made by accident in the current directory.
 */
export async function openFrom(g: GlobalOptions, purpose: string, create = false): Promise<Store> {
  if (g.databaseUrl) return openStore({ databaseUrl: g.databaseUrl, poolSize: 2 });
  const dir = resolve(g.dataDir);
  if (!create && !existsSync(join(dir, "pgdata"))) {
    throw new CliError(
      `no Roster database in ${dir}: run "roster migrate" or "roster demo" first, ` +
        "or point --data-dir (ROSTER_DATA_DIR) at the folder, or --database-url (DATABASE_URL) at PostgreSQL",
    );
  }
  return openStore({ dataDir: dir, purpose: `roster ${purpose}` });
}

/** The organization `--org` names (id or slug), or the only one there is. */
export async function resolveOrg(store: Store, org: string | undefined): Promise<Organization> {
  if (org) {
    const found = await findOrganization(store.db, org.trim());
    if (found) return found;
    const slugs = (await listOrganizations(store.db)).map((o) => o.slug);
    return fail(
      "organization.not_found",
      `No organization "${org}"${slugs.length > 0 ? `; there are: ${slugs.join(", ")}` : "; there is none yet (try roster demo)"}.`,
    );
  }
  const all = await listOrganizations(store.db);
  if (all.length === 1) return all[0]!;
  if (all.length === 0) {
    return fail("organization.not_found", "There is no organization yet: create one with roster demo.");
  }
  const shown = all.slice(0, 10).map((o) => `${o.slug} (${o.name})`);
  const more =
    all.length > shown.length ? `, and ${all.length - shown.length} more (roster orgs lists them)` : "";
  return fail(
    "request.invalid",
    `There are ${all.length} organizations; choose one with --org <slug>: ${shown.join(", ")}${more}.`,
  );
}

/** Runs `fn` with the store open and the organization resolved; closes the store (and its lock) after. */
export async function withOrg<T>(
  g: GlobalOptions,
  purpose: string,
  fn: (store: Store, org: Organization) => Promise<T>,
): Promise<T> {
  const store = await openFrom(g, purpose);
  try {
    return await fn(store, await resolveOrg(store, g.org));
  } finally {
    await store.close();
  }
}

/** The shape `src/cli/import.ts` asks for. */
export function orgOpener(cmd: () => Command, purpose: string) {
  return async (): Promise<{ store: Store; orgId: OrgId; close(): Promise<void> }> => {
    const store = await openFrom(globalsOf(cmd()), purpose);
    try {
      const org = await resolveOrg(store, globalsOf(cmd()).org);
      return { store, orgId: org.id, close: () => store.close() };
    } catch (e) {
      await store.close();
      throw e;
    }
  };
}

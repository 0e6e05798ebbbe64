import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Organization } from "../domain/index.ts";
import { listOrganizations, MIGRATIONS, rows, type Store } from "../store/index.ts";

export type OrganizationSummary = Organization & {
  readonly revision: number;
  /** Users of the organization, active or not. */
  readonly users: number;
  readonly groups: number;
};

/** Every organization with its size, oldest first (operator views: crosses tenants). */
export async function organizationSummaries(store: Store): Promise<OrganizationSummary[]> {
  const orgs = await listOrganizations(store.db);
  const counts = await rows<{ org_id: string; users: number; groups: number }>(
    store.db,
    sql`select o.id as org_id,
          (select count(*)::int from users u where u.org_id = o.id) as users,
          (select count(*)::int from groups g where g.org_id = o.id) as groups
        from organizations o`,
  );
  const byOrg = new Map(counts.map((c) => [c.org_id, c]));
  return orgs.map((o) => ({
    ...o,
    users: byOrg.get(o.id)?.users ?? 0,
    groups: byOrg.get(o.id)?.groups ?? 0,
  }));
}

export type MigrationState = {
  /** Every migration shipped with this version, in order. */
  readonly known: readonly string[];
  /** The ones recorded as applied in the database. */
  readonly applied: readonly string[];
  readonly pending: readonly string[];
};

/** The migrations shipped (drizzle's journal) against those the database recorded. */
export async function migrationState(store: Store): Promise<MigrationState> {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  const done = await rows<{ created_at: string | number }>(
    store.db,
    sql`select created_at from drizzle.__drizzle_migrations`,
  ).catch(() => []);
  const when = new Set(done.map((d) => Number(d.created_at)));
  const applied = journal.entries.filter((e) => when.has(e.when)).map((e) => e.tag);
  return {
    known: journal.entries.map((e) => e.tag),
    applied,
    pending: journal.entries.filter((e) => !when.has(e.when)).map((e) => e.tag),
  };
}

import { eq } from "drizzle-orm";
import { type Organization, type OrgId, RosterError } from "../domain/index.ts";
import type { Db } from "./db.ts";
import { toOrganization } from "./rows.ts";
import * as t from "./schema.ts";

export type LockedOrganization = { readonly organization: Organization; readonly revision: number };

/** Locks the organization's row for the rest of the transaction: commands on one organization run one at a time. */
export async function lockOrganization(tx: Db, orgId: OrgId): Promise<LockedOrganization> {
  const [row] = await tx.select().from(t.organizations).where(eq(t.organizations.id, orgId)).for("update");
  if (!row) throw new RosterError("organization.not_found", "No such organization.");
  return { organization: toOrganization(row), revision: row.revision };
}

export async function insertOrganization(tx: Db, org: Organization): Promise<void> {
  await tx.insert(t.organizations).values({ ...org, revision: 0, createdAt: new Date(org.createdAt) });
}

export async function updateOrganization(tx: Db, org: Organization): Promise<void> {
  await tx
    .update(t.organizations)
    .set({ name: org.name, slug: org.slug, plan: org.plan })
    .where(eq(t.organizations.id, org.id));
}

export async function findOrganization(
  db: Db,
  idOrSlug: string,
): Promise<(Organization & { revision: number }) | null> {
  const [row] = await db
    .select()
    .from(t.organizations)
    .where(
      idOrSlug.startsWith("org_") ? eq(t.organizations.id, idOrSlug) : eq(t.organizations.slug, idOrSlug),
    );
  return row ? { ...toOrganization(row), revision: row.revision } : null;
}

export async function listOrganizations(db: Db): Promise<(Organization & { revision: number })[]> {
  const list = await db.select().from(t.organizations).orderBy(t.organizations.createdAt);
  return list.map((row) => ({ ...toOrganization(row), revision: row.revision }));
}

export async function currentRevision(db: Db, orgId: OrgId): Promise<number> {
  const [row] = await db
    .select({ revision: t.organizations.revision })
    .from(t.organizations)
    .where(eq(t.organizations.id, orgId));
  if (!row) throw new RosterError("organization.not_found", "No such organization.");
  return row.revision;
}

import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { OrgId } from "../domain/index.ts";
import { type Db, rows } from "./db.ts";
import * as t from "./schema.ts";

/** Passwords (one per person, by email), one-time links and console sessions. Secrets are stored hashed. */

export async function getCredential(db: Db, email: string): Promise<string | null> {
  const [row] = await db.select().from(t.credentials).where(eq(t.credentials.email, email.toLowerCase()));
  return row?.passwordHash ?? null;
}

export async function setCredential(tx: Db, email: string, passwordHash: string, at: Date): Promise<void> {
  await tx
    .insert(t.credentials)
    .values({ email: email.toLowerCase(), passwordHash, updatedAt: at })
    .onConflictDoUpdate({ target: t.credentials.email, set: { passwordHash, updatedAt: at } });
}

export async function insertLoginLink(tx: Db, row: typeof t.loginLinks.$inferInsert): Promise<void> {
  await tx.insert(t.loginLinks).values({ ...row, email: row.email.toLowerCase() });
}

/** Takes a link for use: it must exist, be unused and unexpired; it is marked used in the same statement. */
export async function useLoginLink(tx: Db, tokenHash: string, at: Date) {
  const [row] = await tx
    .update(t.loginLinks)
    .set({ usedAt: at })
    .where(
      and(eq(t.loginLinks.tokenHash, tokenHash), isNull(t.loginLinks.usedAt), gt(t.loginLinks.expiresAt, at)),
    )
    .returning();
  return row ?? null;
}

export async function insertSession(tx: Db, row: typeof t.sessions.$inferInsert): Promise<void> {
  await tx.insert(t.sessions).values({ ...row, email: row.email.toLowerCase() });
}

export async function findSession(db: Db, idHash: string, at: Date) {
  const [row] = await db
    .select()
    .from(t.sessions)
    .where(and(eq(t.sessions.idHash, idHash), gt(t.sessions.expiresAt, at)));
  return row ?? null;
}

export async function setSessionOrg(db: Db, idHash: string, orgId: OrgId): Promise<void> {
  await db.update(t.sessions).set({ orgId }).where(eq(t.sessions.idHash, idHash));
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.delete(t.sessions).where(eq(t.sessions.idHash, idHash));
}

/** Ends every session of a person (after a password change), and expired ones. */
export async function deleteSessionsOf(db: Db, email: string, at: Date): Promise<void> {
  await db.delete(t.sessions).where(eq(t.sessions.email, email.toLowerCase()));
  await db.delete(t.sessions).where(lt(t.sessions.expiresAt, at));
}

/** The organizations where this email is an active user: one sign-in reaches all of them. */
export async function organizationsOfEmail(db: Db, email: string) {
  return rows<{ org_id: string; name: string; slug: string; user_id: string }>(
    db,
    sql`select o.id as org_id, o.name, o.slug, u.id as user_id
        from users u join organizations o on o.id = u.org_id
        where u.email_normalized = ${email.toLowerCase()} and u.status = 'active'
        order by o.name, o.id`,
  );
}

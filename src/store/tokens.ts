import { and, desc, eq, isNull } from "drizzle-orm";
import { type OrgId, randomSecret } from "../domain/index.ts";
import type { Db } from "./db.ts";
import * as t from "./schema.ts";

export type TokenRow = typeof t.apiTokens.$inferSelect;

/** The key under which secrets are hashed, made once and shared by every server on the database. */
export async function serverKey(db: Db, name = "token_key"): Promise<string> {
  await db
    .insert(t.serverSettings)
    .values({ key: name, value: randomSecret(32) })
    .onConflictDoNothing();
  const [row] = await db.select().from(t.serverSettings).where(eq(t.serverSettings.key, name));
  return row!.value;
}

export async function insertToken(tx: Db, row: typeof t.apiTokens.$inferInsert): Promise<void> {
  await tx.insert(t.apiTokens).values(row);
}

export async function findToken(db: Db, id: string): Promise<TokenRow | null> {
  const [row] = await db.select().from(t.apiTokens).where(eq(t.apiTokens.id, id));
  return row ?? null;
}

export async function listTokens(db: Db, orgId: OrgId): Promise<TokenRow[]> {
  return db
    .select()
    .from(t.apiTokens)
    .where(eq(t.apiTokens.orgId, orgId))
    .orderBy(desc(t.apiTokens.createdAt));
}

export async function revokeToken(tx: Db, orgId: OrgId, id: string, at: Date): Promise<boolean> {
  const rows = await tx
    .update(t.apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(t.apiTokens.orgId, orgId), eq(t.apiTokens.id, id), isNull(t.apiTokens.revokedAt)))
    .returning({ id: t.apiTokens.id });
  return rows.length > 0;
}

export async function touchToken(db: Db, id: string, at: Date): Promise<void> {
  await db.update(t.apiTokens).set({ lastUsedAt: at }).where(eq(t.apiTokens.id, id));
}

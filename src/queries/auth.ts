import type { OrgId } from "../domain/index.ts";
import {
  findSession,
  findToken,
  listTokens,
  organizationsOfEmail,
  type Store,
  serverKey,
  touchToken,
} from "../store/index.ts";

/** What authentication needs to know of a token. */
export type TokenRecord = {
  readonly id: string;
  readonly orgId: OrgId;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly secretHash: string;
  readonly revoked: boolean;
};

export async function tokenRecord(store: Store, id: string): Promise<TokenRecord | null> {
  const row = await findToken(store.db, id);
  if (!row) return null;
  return {
    id: row.id,
    orgId: row.orgId as OrgId,
    name: row.name,
    scopes: row.scopes,
    secretHash: row.secretHash,
    revoked: row.revokedAt !== null,
  };
}

/** The key API tokens are hashed with (shared by every server on the database). */
export function tokenKey(store: Store): Promise<string> {
  return serverKey(store.db);
}

export function recordTokenUse(store: Store, id: string, at: Date): Promise<void> {
  return touchToken(store.db, id, at);
}

export async function listOrganizationTokens(store: Store, orgId: OrgId) {
  return (await listTokens(store.db, orgId)).map((t) => ({
    id: t.id,
    name: t.name,
    scopes: t.scopes,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  }));
}

/** A live console session by the hash of its id. */
export async function sessionRecord(store: Store, idHash: string) {
  return findSession(store.db, idHash, new Date());
}

/** The organizations where this email is an active user. */
export async function organizationsOf(store: Store, email: string) {
  return (await organizationsOfEmail(store.db, email)).map((o) => ({
    id: o.org_id,
    name: o.name,
    slug: o.slug,
    userId: o.user_id,
  }));
}

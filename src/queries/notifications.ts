import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { fail, type OrgId } from "../domain/index.ts";
import { type Store, tables } from "../store/index.ts";
import { type AuditFilter, auditConditions } from "./audit.ts";
import { decodeCursor, iso, page, timeOf } from "./catalog.ts";

/**
 * The organization's own logs, newest first and a page at a time: the
 * notifications of its outbox (kept and listed when no SMTP server is
 * configured) and the audit log.
 */

export type NotificationStatus = "pending" | "sent" | "failed";

export type NotificationView = {
  id: string;
  userId: string | null;
  to: string;
  subject: string;
  body: string;
  status: string;
  attempts: number;
  lastError: string | null;
  revision: number;
  createdAt: string;
  sentAt: string | null;
};

/** The outbox of an organization, newest first (keyset on (created_at, id)), optionally of one status. */
export async function listNotifications(
  store: Store,
  orgId: OrgId,
  input: { status?: NotificationStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ notifications: NotificationView[]; nextCursor: string | null }> {
  const o = tables.outbox;
  const where: SQL[] = [eq(o.orgId, orgId)];
  if (input.status) where.push(eq(o.status, input.status));
  const after = decodeCursor(input.cursor, 2);
  if (after) {
    where.push(sql`(${o.createdAt}, ${o.id}) < (${timeOf(after[0]!)}::timestamptz, ${String(after[1])})`);
  }
  const list = await store.db
    .select()
    .from(o)
    .where(and(...where))
    .orderBy(desc(o.createdAt), desc(o.id))
    .limit(input.limit + 1);
  const { rows, nextCursor } = page(list, input.limit, (m) => [m.createdAt.toISOString(), m.id]);
  return {
    nextCursor,
    notifications: rows.map((m) => ({
      id: m.id,
      userId: m.userId,
      to: m.toEmail,
      subject: m.subject,
      body: m.body,
      status: m.status,
      attempts: m.attempts,
      lastError: m.lastError,
      revision: Number(m.revision),
      createdAt: m.createdAt.toISOString(),
      sentAt: iso(m.sentAt),
    })),
  };
}

// ---- the audit log, searched ----------------------------------------------------------
// The filter is exportAudit's (auditConditions in audit.ts); this pages it, newest first.

export type AuditEntryView = {
  id: string;
  at: string;
  revision: number;
  actor: { kind: string; id: string | null; label: string };
  requestId: string | null;
  action: string;
  target: { type: string; id: string | null; label: string | null };
  before: unknown;
  after: unknown;
};

/** The audit log, newest first, filtered like the export, a page at a time (keyset on (at, id)). */
export async function searchAudit(
  store: Store,
  orgId: OrgId,
  filter: AuditFilter & { limit: number; cursor?: string | undefined },
): Promise<{ entries: AuditEntryView[]; nextCursor: string | null }> {
  const a = tables.audit;
  const where = auditConditions(orgId, filter);
  const after = decodeCursor(filter.cursor, 2);
  if (after) {
    const id = Number(after[1]);
    if (!Number.isSafeInteger(id)) fail("request.invalid", "cursor: not a cursor of this list.");
    where.push(sql`(${a.at}, ${a.id}) < (${timeOf(after[0]!)}::timestamptz, ${id}::bigint)`);
  }
  const list = await store.db
    .select()
    .from(a)
    .where(and(...where))
    .orderBy(desc(a.at), desc(a.id))
    .limit(filter.limit + 1);
  const { rows, nextCursor } = page(list, filter.limit, (e) => [e.at.toISOString(), Number(e.id)]);
  return {
    nextCursor,
    entries: rows.map((e) => ({
      id: String(e.id),
      at: e.at.toISOString(),
      revision: Number(e.revision),
      actor: { kind: e.actorKind, id: e.actorId, label: e.actorLabel },
      requestId: e.requestId,
      action: e.action,
      target: { type: e.targetType, id: e.targetId, label: e.targetLabel },
      before: e.before,
      after: e.after,
    })),
  };
}

import { and, desc, eq, gte, like, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { fail, type OrgId } from "../domain/index.ts";
import { type Store, tables } from "../store/index.ts";
import type { AuditFilter } from "./audit.ts";
import { containing, decodeCursor, iso, page, timeOf } from "./catalog.ts";

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
// The filter means what exportAudit's (src/queries/audit.ts) means; its helpers are private there.

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function parseTime(value: string, field: "from" | "to"): Date {
  const trimmed = value.trim();
  const d = new Date(DATE_ONLY.test(trimmed) ? `${trimmed}T00:00:00.000Z` : trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(d.getTime())) {
    fail("request.invalid", `${field}: "${value}" is not a date; use 2024-05-31 or 2024-05-31T12:00:00Z.`, {
      field,
    });
  }
  return d;
}

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
  const where: SQL[] = [eq(a.orgId, orgId)];
  if (filter.actor?.trim()) {
    const x = filter.actor.trim();
    where.push(or(eq(a.actorId, x), sql`${a.actorLabel} ilike ${containing(x)}`)!);
  }
  if (filter.target?.trim()) {
    const x = filter.target.trim();
    where.push(or(eq(a.targetId, x), sql`${a.targetLabel} ilike ${containing(x)}`)!);
  }
  if (filter.action?.trim()) {
    const x = filter.action.trim().replace(/\.$/, "");
    where.push(or(eq(a.action, x), like(a.action, `${x.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`))!);
  }
  if (filter.from) where.push(gte(a.at, parseTime(filter.from, "from")));
  if (filter.to) {
    const to = parseTime(filter.to, "to");
    where.push(
      DATE_ONLY.test(filter.to.trim()) ? lt(a.at, new Date(to.getTime() + 86_400_000)) : lte(a.at, to),
    );
  }
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

import { and, asc, eq, gt, inArray, lte, ne, or, sql } from "drizzle-orm";
import type { OrgId, UserId } from "../domain/index.ts";
import { type Db, rows } from "./db.ts";
import * as t from "./schema.ts";

export type OutboxMessage = {
  readonly id: string;
  readonly userId: UserId | null;
  readonly toEmail: string;
  readonly subject: string;
  readonly body: string;
};

/** Stores notifications in the transaction of the change that caused them. */
export async function enqueueMessages(
  tx: Db,
  orgId: OrgId,
  revision: number,
  at: Date,
  messages: readonly OutboxMessage[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 500) {
    await tx.insert(t.outbox).values(
      messages.slice(i, i + 500).map((m) => ({
        ...m,
        orgId,
        revision,
        // The same Message-ID on every attempt, so a repeat after a crash is recognisable.
        messageId: `<${m.id}@roster>`,
        status: "pending",
        attempts: 0,
        nextAttemptAt: at,
        createdAt: at,
      })),
    );
  }
}

export async function usersForNotification(db: Db, orgId: OrgId, userIds: readonly UserId[]) {
  if (userIds.length === 0) return [];
  return db
    .select({ id: t.users.id, email: t.users.email, firstName: t.users.firstName, status: t.users.status })
    .from(t.users)
    .where(and(eq(t.users.orgId, orgId), inArray(t.users.id, [...userIds])));
}

// ---- delivery (src/notify) --------------------------------------------------

export type OutboxStatus = "pending" | "sent" | "failed";

/** A stored message, as delivery and listings see it. */
export type OutboxRow = typeof t.outbox.$inferSelect;

/** Where a page of messages ended: the next page starts after this (created_at, id). */
export type OutboxCursor = { readonly createdAt: Date; readonly id: string };

export type ListMessagesOptions = {
  readonly status?: OutboxStatus | readonly OutboxStatus[];
  /** At most this many (1 to 1000; 100 by default). */
  readonly limit?: number;
  /** Keyset pagination: the messages after this one, in (created_at, id) order. */
  readonly after?: OutboxCursor | null;
};

/**
 * An organization's messages in (created_at, id) order, optionally of some
 * statuses, a page at a time. The cursor has the id as well as the timestamp
 * (STACK.md, pitfall 12): the messages of one change share their created_at.
 * Passing a number as the third argument sets the limit (the first signature).
 */
export async function listMessages(
  db: Db,
  orgId: OrgId,
  options: ListMessagesOptions | number = {},
): Promise<OutboxRow[]> {
  const o: ListMessagesOptions = typeof options === "number" ? { limit: options } : options;
  const limit = Math.min(Math.max(Math.trunc(o.limit ?? 100), 1), 1000);
  const statuses = o.status === undefined ? null : typeof o.status === "string" ? [o.status] : o.status;
  const after = o.after;
  return db
    .select()
    .from(t.outbox)
    .where(
      and(
        eq(t.outbox.orgId, orgId),
        statuses ? inArray(t.outbox.status, [...statuses]) : undefined,
        after
          ? or(
              gt(t.outbox.createdAt, after.createdAt),
              and(eq(t.outbox.createdAt, after.createdAt), gt(t.outbox.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(asc(t.outbox.createdAt), asc(t.outbox.id))
    .limit(limit);
}

/** How many of an organization's messages are in each status. */
export async function countMessages(db: Db, orgId: OrgId): Promise<Record<OutboxStatus, number>> {
  const counts = await db
    .select({ status: t.outbox.status, n: sql<number>`count(*)::int` })
    .from(t.outbox)
    .where(eq(t.outbox.orgId, orgId))
    .groupBy(t.outbox.status);
  const result: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0 };
  for (const c of counts) result[c.status as OutboxStatus] = c.n;
  return result;
}

/**
 * The organizations that have messages due at `now` (pending, next attempt
 * reached), so that delivery claims only those it can send.
 */
export async function dueOrganizations(db: Db, now: Date): Promise<OrgId[]> {
  // Index probes per organization (outbox_pending_org_idx), not a read of every due message: an
  // organization without SMTP keeps its messages pending, and they may be many. First the
  // organizations with pending messages, one seek each; then whether each has one due, one seek each.
  const at = now.toISOString();
  const list = await rows<{ org_id: string }>(
    db,
    sql`with recursive pending(org_id) as (
          (select org_id from outbox where status = 'pending' order by org_id limit 1)
          union all
          select (select o.org_id from outbox o
                   where o.status = 'pending' and o.org_id > pending.org_id
                   order by o.org_id limit 1)
            from pending where pending.org_id is not null)
        select org_id from pending p
         where p.org_id is not null
           and exists (select 1 from outbox o where o.status = 'pending' and o.org_id = p.org_id
                         and o.next_attempt_at <= ${at}::timestamptz)`,
  );
  return list.map((r) => r.org_id as OrgId);
}

export type Claim = {
  /** The organizations whose messages may be claimed. */
  readonly orgIds: readonly OrgId[];
  readonly now: Date;
  /** Until when the claimed messages are the claimer's: nobody claims them again before. */
  readonly leaseUntil: Date;
  readonly limit: number;
};

/**
 * Claims up to `limit` due messages of these organizations, oldest due first:
 * counts the attempt and moves the next attempt to the end of the lease, in
 * one statement (so its own short transaction when `db` is not one). Rows
 * another claimer has locked are skipped (`for update skip locked`), and a row
 * claimed meanwhile no longer matches, so two servers never claim one message
 * at once. Returns the claimed rows, their `attempts` already counted.
 */
export async function claimDue(db: Db, claim: Claim): Promise<OutboxRow[]> {
  if (claim.orgIds.length === 0 || claim.limit <= 0) return [];
  const due = and(
    eq(t.outbox.status, "pending"),
    lte(t.outbox.nextAttemptAt, claim.now),
    inArray(t.outbox.orgId, [...claim.orgIds]),
  );
  const ids = db
    .select({ id: t.outbox.id })
    .from(t.outbox)
    .where(due)
    .orderBy(asc(t.outbox.nextAttemptAt), asc(t.outbox.id))
    .limit(claim.limit)
    .for("update", { skipLocked: true });
  const claimed = await db
    .update(t.outbox)
    .set({ attempts: sql`${t.outbox.attempts} + 1`, nextAttemptAt: claim.leaseUntil })
    .where(and(inArray(t.outbox.id, ids), due))
    .returning();
  return claimed.sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * Records that the mail server accepted a message. Whoever sent it, it is
 * sent: a message that another claimer marked failed or rescheduled meanwhile
 * is sent all the same. Returns false when it was already recorded as sent.
 */
export async function markSent(db: Db, orgId: OrgId, id: string, at: Date): Promise<boolean> {
  const updated = await db
    .update(t.outbox)
    .set({ status: "sent", sentAt: at, lastError: null })
    .where(and(eq(t.outbox.orgId, orgId), eq(t.outbox.id, id), ne(t.outbox.status, "sent")))
    .returning({ id: t.outbox.id });
  return updated.length > 0;
}

export type Failure = {
  /** The `attempts` of the claim that failed: a failure of an older claim changes nothing. */
  readonly attempts: number;
  /** Why, short and without credentials. */
  readonly error: string;
  /** When to try again; null gives up (status `failed`). */
  readonly retryAt: Date | null;
};

/**
 * Records a failed attempt: the message is tried again at `retryAt`, or is
 * `failed` for good. Only while the message is still pending under the same
 * claim: when its lease ran out and another claimer took it (or sent it),
 * that claimer's outcome stands. Returns false when nothing was recorded.
 */
export async function markFailed(db: Db, orgId: OrgId, id: string, failure: Failure): Promise<boolean> {
  const updated = await db
    .update(t.outbox)
    .set(
      failure.retryAt
        ? { lastError: failure.error, nextAttemptAt: failure.retryAt }
        : { lastError: failure.error, status: "failed" },
    )
    .where(
      and(
        eq(t.outbox.orgId, orgId),
        eq(t.outbox.id, id),
        eq(t.outbox.status, "pending"),
        eq(t.outbox.attempts, failure.attempts),
      ),
    )
    .returning({ id: t.outbox.id });
  return updated.length > 0;
}

/**
 * Gives back a claimed message that was not tried (its attempt is not
 * counted), due again at `at`, if the claim is still the latest.
 */
export async function releaseClaim(
  db: Db,
  orgId: OrgId,
  id: string,
  attempts: number,
  at: Date,
): Promise<boolean> {
  const updated = await db
    .update(t.outbox)
    .set({ attempts: sql`${t.outbox.attempts} - 1`, nextAttemptAt: at })
    .where(
      and(
        eq(t.outbox.orgId, orgId),
        eq(t.outbox.id, id),
        eq(t.outbox.status, "pending"),
        eq(t.outbox.attempts, attempts),
      ),
    )
    .returning({ id: t.outbox.id });
  return updated.length > 0;
}

/**
 * An organization's settings (`organizations.settings`), where delivery reads
 * its SMTP server; null when there is no such organization.
 */
export async function deliverySettings(db: Db, orgId: OrgId): Promise<Record<string, unknown> | null> {
  const [row] = await db
    .select({ settings: t.organizations.settings })
    .from(t.organizations)
    .where(eq(t.organizations.id, orgId));
  return row ? row.settings : null;
}

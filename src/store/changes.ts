import { and, asc, eq, gt, lte, sql } from "drizzle-orm";
import type { ChangeEvent, LoggedChange, OrgId } from "../domain/index.ts";
import type { Db } from "./db.ts";
import * as t from "./schema.ts";

/** The channel on which a committed revision is announced, as `orgId:revision`. */
export const CHANGES_CHANNEL = "roster_changes";

/** Appends a command's events under its revision; the NOTIFY is delivered at commit. */
export async function appendChanges(
  tx: Db,
  orgId: OrgId,
  revision: number,
  events: readonly ChangeEvent[],
  at: Date,
): Promise<void> {
  if (events.length === 0) return;
  // Chunked: a force-delete of a large group can emit thousands of events.
  for (let i = 0; i < events.length; i += 500) {
    await tx
      .insert(t.changes)
      .values(
        events
          .slice(i, i + 500)
          .map((event, j) => ({ orgId, revision, seq: i + j, type: event.type, event, createdAt: at })),
      );
  }
  await tx.execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${`${orgId}:${revision}`})`);
}

/**
 * An organization's changes after a revision, in order, whole revisions only
 * (at most `maxRevisions` of them). Gapless: revisions are taken under the
 * organization's lock, so a reader never skips one that commits late.
 */
export async function readChanges(
  db: Db,
  orgId: OrgId,
  afterRevision: number,
  maxRevisions = 1_000_000_000,
): Promise<LoggedChange[]> {
  const rows = await db
    .select({ revision: t.changes.revision, event: t.changes.event })
    .from(t.changes)
    .where(
      and(
        eq(t.changes.orgId, orgId),
        gt(t.changes.revision, afterRevision),
        lte(t.changes.revision, afterRevision + maxRevisions),
      ),
    )
    .orderBy(asc(t.changes.revision), asc(t.changes.seq));
  return rows.map((r) => ({ revision: r.revision, event: r.event as ChangeEvent }));
}

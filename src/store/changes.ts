import { and, asc, eq, gt, lte, type SQLWrapper, sql } from "drizzle-orm";
import type { ChangeEvent, LoggedChange, OrgId } from "../domain/index.ts";
import type { Db } from "./db.ts";
import * as t from "./schema.ts";

/** The channel on which a committed revision is announced, as `orgId:revision`. */
export const CHANGES_CHANNEL = "roster_changes";

const CHUNK = 500;

/**
 * Moves the organization to `revision` and appends the command's events under
 * it, announcing it (the NOTIFY is delivered at commit). One statement for a
 * usual change, with the data-modifying statements of `also` (its audit
 * entries) as parts of it: every round trip is spent holding the organization's lock.
 */
export async function commitRevision(
  tx: Db,
  orgId: OrgId,
  revision: number,
  events: readonly ChangeEvent[],
  at: Date,
  also: readonly SQLWrapper[] = [],
): Promise<void> {
  const row = (event: ChangeEvent, seq: number) =>
    sql`(${orgId}, ${revision}, ${seq}, ${event.type}, ${JSON.stringify(event)}::jsonb, ${at.toISOString()}::timestamptz)`;
  // A force-delete of a large group can emit thousands of events: all but the last chunk go first.
  let first = 0;
  for (; events.length - first > CHUNK; first += CHUNK) {
    await tx.execute(
      sql`insert into changes (org_id, revision, seq, type, event, created_at)
          values ${sql.join(
            events.slice(first, first + CHUNK).map((e, j) => row(e, first + j)),
            sql`, `,
          )}`,
    );
  }
  const rest = events.slice(first).map((e, j) => row(e, first + j));
  const logged =
    rest.length > 0
      ? sql`, logged as (insert into changes (org_id, revision, seq, type, event, created_at) values ${sql.join(rest, sql`, `)})`
      : sql``;
  // drizzle puts a query builder embedded in sql`` between parentheses itself.
  const parts = also.map((statement, i) => sql`, ${sql.raw(`also${i}`)} as ${statement}`);
  await tx.execute(sql`
    with bumped as (update organizations set revision = ${revision} where id = ${orgId}) ${logged} ${sql.join(parts)}
    select pg_notify(${CHANGES_CHANNEL}, ${`${orgId}:${revision}`})`);
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

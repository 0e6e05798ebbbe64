import { and, eq, max } from "drizzle-orm";
import type { OrgId } from "../domain/index.ts";
import type { Db } from "./db.ts";
import * as t from "./schema.ts";

export type Actor = {
  readonly kind: "user" | "token" | "system" | "operator";
  /** The user's or token's id; null for the system and the operator. */
  readonly id: string | null;
  /** What people see: an email, a token's name, "system". */
  readonly label: string;
};

export type AuditEntry = {
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly targetLabel: string | null;
  readonly before: unknown;
  readonly after: unknown;
};

/**
 * The inserts of a command's audit entries, 500 rows each: to run (they are
 * promises) or to embed in the statement that moves the revision.
 */
export function auditInserts(
  tx: Db,
  orgId: OrgId,
  revision: number,
  actor: Actor,
  requestId: string | null,
  at: Date,
  entries: readonly AuditEntry[],
) {
  const inserts = [];
  for (let i = 0; i < entries.length; i += 500) {
    inserts.push(
      tx.insert(t.audit).values(
        entries.slice(i, i + 500).map((e) => ({
          orgId,
          revision,
          at,
          actorKind: actor.kind,
          actorId: actor.id,
          actorLabel: actor.label,
          requestId,
          action: e.action,
          targetType: e.targetType,
          targetId: e.targetId,
          targetLabel: e.targetLabel,
          before: e.before ?? null,
          after: e.after ?? null,
        })),
      ),
    );
  }
  return inserts;
}

/**
 * The revision of the last audited change to a target (a user's or group's
 * version, as SCIM's ETags show it); null when nothing about it was audited.
 */
export async function lastAuditRevision(db: Db, orgId: OrgId, targetId: string): Promise<number | null> {
  const [row] = await db
    .select({ revision: max(t.audit.revision) })
    .from(t.audit)
    .where(and(eq(t.audit.orgId, orgId), eq(t.audit.targetId, targetId)));
  return row?.revision == null ? null : Number(row.revision);
}

import { and, asc, eq, gte, like, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { fail, type OrgId } from "../domain/index.ts";
import { type Store, tables } from "../store/index.ts";

export type AuditFilter = {
  /** An actor's id, or part of their label (an email, a token's name), case-insensitive. */
  readonly actor?: string;
  /** A target's id, or part of its label (an email, a group's name), case-insensitive. */
  readonly target?: string;
  /** An action (`group.create`) or a prefix of whole segments (`group` matches `group.members.add`). */
  readonly action?: string;
  /** From this time on (inclusive): an ISO date or date-time. */
  readonly from?: string;
  /** Up to this time: a date includes that whole day (UTC); a date-time is inclusive. */
  readonly to?: string;
};

export type AuditExportRow = {
  at: string;
  actor: string;
  action: string;
  targetType: string;
  target: string;
  requestId: string;
  before: unknown;
  after: unknown;
};

export const AUDIT_COLUMNS = [
  "at",
  "actor",
  "action",
  "targetType",
  "target",
  "requestId",
  "before",
  "after",
] as const satisfies readonly (keyof AuditExportRow)[];

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

/** `%` and `_` are wildcards of LIKE: a search for them means the characters. */
function contains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The conditions of an audit filter (shared by the export and the paged search). */
export function auditConditions(orgId: OrgId, filter: AuditFilter): SQL[] {
  const a = tables.audit;
  const where: SQL[] = [eq(a.orgId, orgId)];
  if (filter.actor?.trim()) {
    const x = filter.actor.trim();
    where.push(or(eq(a.actorId, x), sql`${a.actorLabel} ilike ${contains(x)}`)!);
  }
  if (filter.target?.trim()) {
    const x = filter.target.trim();
    where.push(or(eq(a.targetId, x), sql`${a.targetLabel} ilike ${contains(x)}`)!);
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
  return where;
}

/** The audit log of an organization, oldest first, filtered. */
export async function exportAudit(
  store: Store,
  orgId: OrgId,
  filter: AuditFilter = {},
): Promise<AuditExportRow[]> {
  const a = tables.audit;
  const where = auditConditions(orgId, filter);
  const list = await store.db
    .select()
    .from(a)
    .where(and(...where))
    .orderBy(asc(a.at), asc(a.id));
  return list.map((r) => ({
    at: r.at.toISOString(),
    actor: r.actorLabel,
    action: r.action,
    targetType: r.targetType,
    target: r.targetLabel ?? r.targetId ?? "",
    requestId: r.requestId ?? "",
    before: r.before,
    after: r.after,
  }));
}

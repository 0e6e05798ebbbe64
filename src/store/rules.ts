import { and, eq, inArray, isNull, or, type SQL } from "drizzle-orm";
import type {
  DataFilter,
  Delegation,
  DelegationId,
  FilterId,
  GroupId,
  OrgId,
  ResourceId,
  Rule,
  RuleId,
  Subject,
} from "../domain/index.ts";
import type { Db } from "./db.ts";
import { fromRule, subjectColumns, toDelegation, toFilter, toRule } from "./rows.ts";
import * as t from "./schema.ts";

function subjectIs(table: typeof t.rules | typeof t.dataFilters, s: Subject): SQL {
  return s.kind === "user" ? eq(table.userId, s.id) : eq(table.groupId, s.id);
}

/** Existing rules of a subject on the given resources (and, with `typeWide`, its rule on the whole type). */
export async function rulesOfSubject(
  db: Db,
  orgId: OrgId,
  subject: Subject,
  scope: { type: string; resourceIds: readonly ResourceId[] | null },
): Promise<Rule[]> {
  const where =
    scope.resourceIds === null
      ? and(eq(t.rules.type, scope.type), isNull(t.rules.resourceId))
      : scope.resourceIds.length > 0
        ? inArray(t.rules.resourceId, [...scope.resourceIds])
        : undefined;
  if (!where) return [];
  const list = await db
    .select()
    .from(t.rules)
    .where(and(eq(t.rules.orgId, orgId), subjectIs(t.rules, subject), where));
  return list.map(toRule);
}

export async function rulesOfGroups(db: Db, orgId: OrgId, groupIds: readonly GroupId[]): Promise<Rule[]> {
  if (groupIds.length === 0) return [];
  const list = await db
    .select()
    .from(t.rules)
    .where(and(eq(t.rules.orgId, orgId), inArray(t.rules.groupId, [...groupIds])));
  return list.map(toRule);
}

export async function getRule(db: Db, orgId: OrgId, id: RuleId): Promise<Rule | null> {
  const [row] = await db
    .select()
    .from(t.rules)
    .where(and(eq(t.rules.orgId, orgId), eq(t.rules.id, id)));
  return row ? toRule(row) : null;
}

export async function insertRules(tx: Db, orgId: OrgId, list: readonly Rule[]): Promise<void> {
  for (let i = 0; i < list.length; i += 1000) {
    await tx.insert(t.rules).values(list.slice(i, i + 1000).map((r) => fromRule(orgId, r)));
  }
}

export async function updateRuleRole(tx: Db, orgId: OrgId, rule: Rule): Promise<void> {
  await tx
    .update(t.rules)
    .set({ roleId: rule.roleId, updatedAt: new Date(rule.updatedAt) })
    .where(and(eq(t.rules.orgId, orgId), eq(t.rules.id, rule.id)));
}

export async function deleteRules(tx: Db, orgId: OrgId, ids: readonly RuleId[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.delete(t.rules).where(and(eq(t.rules.orgId, orgId), inArray(t.rules.id, [...ids])));
}

export async function findFilter(
  db: Db,
  orgId: OrgId,
  subject: Subject,
  resourceId: ResourceId,
): Promise<DataFilter | null> {
  const [row] = await db
    .select()
    .from(t.dataFilters)
    .where(
      and(
        eq(t.dataFilters.orgId, orgId),
        subjectIs(t.dataFilters, subject),
        eq(t.dataFilters.resourceId, resourceId),
      ),
    );
  return row ? toFilter(row) : null;
}

export async function getFilter(db: Db, orgId: OrgId, id: FilterId): Promise<DataFilter | null> {
  const [row] = await db
    .select()
    .from(t.dataFilters)
    .where(and(eq(t.dataFilters.orgId, orgId), eq(t.dataFilters.id, id)));
  return row ? toFilter(row) : null;
}

export async function upsertFilter(tx: Db, orgId: OrgId, f: DataFilter, exists: boolean): Promise<void> {
  if (exists) {
    await tx
      .update(t.dataFilters)
      .set({ predicate: f.predicate, updatedAt: new Date(f.updatedAt) })
      .where(and(eq(t.dataFilters.orgId, orgId), eq(t.dataFilters.id, f.id)));
  } else {
    await tx.insert(t.dataFilters).values({
      id: f.id,
      orgId,
      ...subjectColumns(f.subject),
      resourceId: f.resourceId,
      predicate: f.predicate,
      updatedAt: new Date(f.updatedAt),
    });
  }
}

export async function deleteFilter(tx: Db, orgId: OrgId, id: FilterId): Promise<void> {
  await tx.delete(t.dataFilters).where(and(eq(t.dataFilters.orgId, orgId), eq(t.dataFilters.id, id)));
}

export async function getDelegation(db: Db, orgId: OrgId, id: DelegationId): Promise<Delegation | null> {
  const [row] = await db
    .select()
    .from(t.delegations)
    .where(and(eq(t.delegations.orgId, orgId), eq(t.delegations.id, id)));
  return row ? toDelegation(row) : null;
}

export async function insertDelegation(tx: Db, orgId: OrgId, d: Delegation): Promise<void> {
  await tx.insert(t.delegations).values({
    ...d,
    resourceIds: d.resourceIds ? [...d.resourceIds] : null,
    orgId,
    createdAt: new Date(d.createdAt),
  });
}

export async function deleteDelegation(tx: Db, orgId: OrgId, id: DelegationId): Promise<void> {
  await tx.delete(t.delegations).where(and(eq(t.delegations.orgId, orgId), eq(t.delegations.id, id)));
}

/** Rules and filters held by any of these subjects, for audit of cascading deletions. */
export async function rulesHeldBy(
  db: Db,
  orgId: OrgId,
  subjects: { users: string[]; groups: string[] },
): Promise<Rule[]> {
  const conds: SQL[] = [];
  if (subjects.users.length > 0) conds.push(inArray(t.rules.userId, subjects.users));
  if (subjects.groups.length > 0) conds.push(inArray(t.rules.groupId, subjects.groups));
  if (conds.length === 0) return [];
  const list = await db
    .select()
    .from(t.rules)
    .where(and(eq(t.rules.orgId, orgId), or(...conds)));
  return list.map(toRule);
}

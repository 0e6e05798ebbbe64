import { and, asc, eq, inArray, sql } from "drizzle-orm";
import {
  type CompiledType,
  compileType,
  type OrgId,
  type Resource,
  type ResourceId,
  type ResourceTypeDef,
  type Role,
  type RoleId,
} from "../domain/index.ts";
import type { Db } from "./db.ts";
import { toResource, toRole } from "./rows.ts";
import * as t from "./schema.ts";

export async function getTypes(db: Db, orgId: OrgId): Promise<Map<string, CompiledType>> {
  const list = await db
    .select()
    .from(t.resourceTypes)
    .where(eq(t.resourceTypes.orgId, orgId))
    .orderBy(asc(t.resourceTypes.position));
  return new Map(list.map((r) => [r.key, compileType(r.definition as ResourceTypeDef, false)]));
}

export async function getType(db: Db, orgId: OrgId, key: string): Promise<CompiledType | null> {
  const [row] = await db
    .select()
    .from(t.resourceTypes)
    .where(and(eq(t.resourceTypes.orgId, orgId), eq(t.resourceTypes.key, key)));
  return row ? compileType(row.definition as ResourceTypeDef, false) : null;
}

export async function insertType(tx: Db, orgId: OrgId, def: ResourceTypeDef): Promise<void> {
  const [{ n }] = (await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(t.resourceTypes)
    .where(eq(t.resourceTypes.orgId, orgId))) as [{ n: number }];
  await tx.insert(t.resourceTypes).values({ orgId, key: def.key, definition: def, position: n });
}

export async function getRolesOfType(db: Db, orgId: OrgId, type: string): Promise<Role[]> {
  const list = await db
    .select()
    .from(t.roles)
    .where(and(eq(t.roles.orgId, orgId), eq(t.roles.type, type)))
    .orderBy(asc(t.roles.position));
  return list.map(toRole);
}

export async function getRole(db: Db, orgId: OrgId, id: RoleId): Promise<Role | null> {
  const [row] = await db
    .select()
    .from(t.roles)
    .where(and(eq(t.roles.orgId, orgId), eq(t.roles.id, id)));
  return row ? toRole(row) : null;
}

export async function insertRole(tx: Db, orgId: OrgId, role: Role, position: number): Promise<void> {
  await tx.insert(t.roles).values({ ...role, capabilities: [...role.capabilities], orgId, position });
}

export async function updateRole(tx: Db, orgId: OrgId, role: Role): Promise<void> {
  await tx
    .update(t.roles)
    .set({ name: role.name, capabilities: [...role.capabilities] })
    .where(and(eq(t.roles.orgId, orgId), eq(t.roles.id, role.id)));
}

export async function deleteRole(tx: Db, orgId: OrgId, id: RoleId): Promise<void> {
  await tx.delete(t.roles).where(and(eq(t.roles.orgId, orgId), eq(t.roles.id, id)));
}

export async function roleInUse(db: Db, orgId: OrgId, id: RoleId): Promise<boolean> {
  const [row] = await db
    .select({ id: t.rules.id })
    .from(t.rules)
    .where(and(eq(t.rules.orgId, orgId), eq(t.rules.roleId, id)))
    .limit(1);
  return row !== undefined;
}

export async function getResources(db: Db, orgId: OrgId, ids: readonly ResourceId[]): Promise<Resource[]> {
  if (ids.length === 0) return [];
  const list = await db
    .select()
    .from(t.resources)
    .where(and(eq(t.resources.orgId, orgId), inArray(t.resources.id, [...ids])));
  return list.map(toResource);
}

export async function getResource(db: Db, orgId: OrgId, id: ResourceId): Promise<Resource | null> {
  return (await getResources(db, orgId, [id]))[0] ?? null;
}

export async function findResourceByKey(
  db: Db,
  orgId: OrgId,
  type: string,
  key: string,
): Promise<Resource | null> {
  const [row] = await db
    .select()
    .from(t.resources)
    .where(and(eq(t.resources.orgId, orgId), eq(t.resources.type, type), eq(t.resources.key, key)));
  return row ? toResource(row) : null;
}

export async function resourcesOfType(db: Db, orgId: OrgId, type: string): Promise<Resource[]> {
  const list = await db
    .select()
    .from(t.resources)
    .where(and(eq(t.resources.orgId, orgId), eq(t.resources.type, type)))
    .orderBy(asc(t.resources.name), asc(t.resources.id));
  return list.map(toResource);
}

export async function insertResource(tx: Db, orgId: OrgId, r: Resource): Promise<void> {
  await tx.insert(t.resources).values({ ...r, orgId, createdAt: new Date(r.createdAt) });
}

export async function updateResource(tx: Db, orgId: OrgId, r: Resource): Promise<void> {
  await tx
    .update(t.resources)
    .set({ key: r.key, name: r.name })
    .where(and(eq(t.resources.orgId, orgId), eq(t.resources.id, r.id)));
}

export async function deleteResource(tx: Db, orgId: OrgId, id: ResourceId): Promise<void> {
  await tx.execute(
    sql`update delegations set resource_ids = array_remove(resource_ids, ${id}) where org_id = ${orgId} and ${id} = any(resource_ids)`,
  );
  await tx.delete(t.resources).where(and(eq(t.resources.orgId, orgId), eq(t.resources.id, id)));
}

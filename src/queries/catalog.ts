import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import {
  capabilitiesOf,
  closeMask,
  customRoleMask,
  fail,
  maskOf,
  namedRoleEqualTo,
  type OrgId,
  type Resource,
  type ResourceId,
} from "../domain/index.ts";
import { getResource, getType, getTypes, type Store, tables } from "../store/index.ts";

/** The catalog and the resources of an organization, as the console and the admin API list them. */

// ---- paging helpers shared by this folder's lists -------------------------------

export type Page<T> = { readonly rows: T[]; readonly nextCursor: string | null };

/** An opaque keyset cursor: the sort key values and the id of the last row of a page. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

/** The values of a cursor of `arity` values; a cursor that is not one of ours is refused. */
export function decodeCursor(cursor: string | undefined | null, arity: number): (string | number)[] | null {
  if (!cursor) return null;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    values = null;
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity ||
    !values.every((v) => typeof v === "string" || typeof v === "number")
  ) {
    return fail("request.invalid", "cursor: not a cursor of this list; pass nextCursor as it was given.", {
      field: "cursor",
    });
  }
  return values;
}

/** A cursor that must hold a timestamp as its first value (lists sorted by time). */
export function timeOf(value: string | number): string {
  const d = new Date(value);
  if (typeof value !== "string" || Number.isNaN(d.getTime()))
    return fail("request.invalid", "cursor: not a cursor of this list.", { field: "cursor" });
  return d.toISOString();
}

/** A LIKE pattern that finds `text` anywhere (its `%`, `_` and `\` are literal). */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The first `limit` rows, and the cursor after the last one when there are more (`rows` has limit + 1). */
export function page<T>(rows: T[], limit: number, key: (row: T) => (string | number)[]): Page<T> {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const kept = rows.slice(0, limit);
  return { rows: kept, nextCursor: encodeCursor(key(kept[kept.length - 1]!)) };
}

export const iso = (v: Date | string | null | undefined): string | null =>
  v === null || v === undefined ? null : new Date(v).toISOString();

// ---- resource types and roles -------------------------------------------------------

export type ResourceTypeView = {
  key: string;
  label: string;
  capabilities: { key: string; label: string; requires: string[] }[];
  roles: { id: string; name: string; capabilities: string[]; builtin: boolean }[];
};

/** Every resource type in catalog order, with its capabilities and its roles (named ones least to most, then custom). */
export async function listResourceTypes(store: Store, orgId: OrgId): Promise<ResourceTypeView[]> {
  const types = await getTypes(store.db, orgId);
  const roles = await store.db
    .select()
    .from(tables.roles)
    .where(eq(tables.roles.orgId, orgId))
    .orderBy(asc(tables.roles.position), asc(tables.roles.id));
  return [...types.values()].map((t) => ({
    key: t.def.key,
    label: t.def.label,
    capabilities: t.def.capabilities.map((c) => ({ key: c.key, label: c.label, requires: [...c.requires] })),
    roles: roles
      .filter((r) => r.type === t.def.key)
      .map((r) => ({ id: r.id, name: r.name, capabilities: [...r.capabilities], builtin: r.builtin })),
  }));
}

export type RolePreviewInput = {
  readonly type: string;
  readonly capabilities: readonly string[];
  /** true: answer the closure; false: refuse a set missing a dependency, as creating the role would. */
  readonly closeDependencies?: boolean;
};

/**
 * What a set of capabilities becomes as a role, without writing: the set with
 * its dependencies, what they added, and the named role it equals. The
 * console ticks the dependencies with this.
 */
export async function previewRole(store: Store, orgId: OrgId, input: RolePreviewInput) {
  const type =
    (await getType(store.db, orgId, input.type)) ??
    fail("resource_type.not_found", `No resource type "${input.type}".`, { type: input.type });
  const mask = maskOf(type, input.capabilities);
  if (input.closeDependencies === false && input.capabilities.length > 0) {
    customRoleMask(type, input.capabilities, false); // refuses with the missing ones named
  }
  const closed = closeMask(type, mask);
  return {
    type: type.def.key,
    capabilities: capabilitiesOf(type, closed),
    equals: closed === 0 ? null : namedRoleEqualTo(type, closed),
    missing: capabilitiesOf(type, closed & ~mask),
  };
}

// ---- resources ----------------------------------------------------------------------

export async function findResource(store: Store, orgId: OrgId, id: string): Promise<Resource> {
  return (
    (await getResource(store.db, orgId, id as ResourceId)) ??
    fail("resource.not_found", `No resource ${id} in this organization.`, { id })
  );
}

export type ResourceListInput = {
  readonly type?: string | undefined;
  readonly q?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
};

/** Resources by name (then id), optionally of one type or matching a search, a page at a time (keyset on (name, id)). */
export async function listResources(store: Store, orgId: OrgId, input: ResourceListInput) {
  const r = tables.resources;
  const where: SQL[] = [eq(r.orgId, orgId)];
  if (input.type) where.push(eq(r.type, input.type));
  if (input.q?.trim()) {
    const like = containing(input.q.trim());
    where.push(sql`(${r.name} ilike ${like} or ${r.key} ilike ${like})`);
  }
  const after = decodeCursor(input.cursor, 2);
  if (after) where.push(sql`(${r.name}, ${r.id}) > (${String(after[0])}, ${String(after[1])})`);
  const list = await store.db
    .select()
    .from(r)
    .where(and(...where))
    .orderBy(asc(r.name), asc(r.id))
    .limit(input.limit + 1);
  const { rows, nextCursor } = page(list, input.limit, (x) => [x.name, x.id]);
  return {
    resources: rows.map(
      (x): Resource => ({
        id: x.id as ResourceId,
        type: x.type,
        key: x.key,
        name: x.name,
        createdAt: x.createdAt.toISOString(),
      }),
    ),
    nextCursor,
  };
}

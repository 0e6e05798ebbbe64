import { asc, eq } from "drizzle-orm";
import {
  applyEvent,
  compileType,
  emptyState,
  type GroupId,
  type OrgId,
  type OrgState,
  type ResourceTypeDef,
  RosterError,
  type UserId,
} from "../domain/index.ts";
import type { Db, Store } from "./db.ts";
import {
  toDelegation,
  toFilter,
  toGroup,
  toOrganization,
  toResource,
  toRole,
  toRule,
  toUser,
} from "./rows.ts";
import * as t from "./schema.ts";

export type Snapshot = { readonly state: OrgState; readonly revision: number };

/**
 * Loads an organization's whole access state from one consistent snapshot
 * (REPEATABLE READ), with the revision it reflects. The index is built from
 * this, then advanced by the change log from `revision`.
 */
export async function loadSnapshot(store: Store, orgId: OrgId): Promise<Snapshot> {
  return store.db.transaction((tx) => loadState(tx as unknown as Db, orgId), {
    isolationLevel: "repeatable read",
    accessMode: "read only",
  });
}

async function loadState(tx: Db, orgId: OrgId): Promise<Snapshot> {
  const [org] = await tx.select().from(t.organizations).where(eq(t.organizations.id, orgId));
  if (!org) throw new RosterError("organization.not_found", `No organization ${orgId}.`);
  const state = emptyState(toOrganization(org));
  const types = await tx
    .select()
    .from(t.resourceTypes)
    .where(eq(t.resourceTypes.orgId, orgId))
    .orderBy(asc(t.resourceTypes.position));
  for (const r of types) state.types.set(r.key, compileType(r.definition as ResourceTypeDef, false));
  for (const r of await tx.select().from(t.roles).where(eq(t.roles.orgId, orgId)))
    state.roles.set(r.id as never, toRole(r));
  for (const r of await tx.select().from(t.resources).where(eq(t.resources.orgId, orgId))) {
    state.resources.set(r.id as never, toResource(r));
  }
  for (const r of await tx.select().from(t.users).where(eq(t.users.orgId, orgId)))
    state.users.set(r.id as never, toUser(r));
  for (const r of await tx.select().from(t.groups).where(eq(t.groups.orgId, orgId)))
    state.groups.set(r.id as never, toGroup(r));
  const members = await tx.select().from(t.groupUserMembers).where(eq(t.groupUserMembers.orgId, orgId));
  const nested = await tx.select().from(t.groupGroupMembers).where(eq(t.groupGroupMembers.orgId, orgId));
  for (const m of members) {
    applyEvent(state, {
      type: "members.added",
      groupId: m.groupId as GroupId,
      userIds: [m.userId as UserId],
      groupIds: [],
    });
  }
  for (const m of nested) {
    applyEvent(state, {
      type: "members.added",
      groupId: m.parentId as GroupId,
      userIds: [],
      groupIds: [m.childId as GroupId],
    });
  }
  for (const r of await tx.select().from(t.rules).where(eq(t.rules.orgId, orgId)))
    state.rules.set(r.id as never, toRule(r));
  for (const r of await tx.select().from(t.dataFilters).where(eq(t.dataFilters.orgId, orgId))) {
    state.filters.set(r.id as never, toFilter(r));
  }
  for (const r of await tx.select().from(t.delegations).where(eq(t.delegations.orgId, orgId))) {
    state.delegations.set(r.id as never, toDelegation(r));
  }
  return { state, revision: org.revision };
}

import { sql } from "drizzle-orm";
import type { OrgState } from "../src/domain/index.ts";
import { type Db, type Store, tables as t } from "../src/store/index.ts";

/**
 * Writes a whole organization state into the tables in bulk (the benchmark's
 * 100k users would take minutes through one command each). The state's
 * revision is 1; servers build their index from this snapshot and follow the
 * log from there.
 */
export async function loadState(
  store: Store,
  state: OrgState,
  onProgress?: (what: string) => void,
): Promise<void> {
  const orgId = state.organization.id;
  const chunked = async <T>(tx: Db, table: Parameters<Db["insert"]>[0], rows: T[], size = 2000) => {
    for (let i = 0; i < rows.length; i += size)
      await tx.insert(table).values(rows.slice(i, i + size) as never);
  };
  await store.transaction(async (tx) => {
    await tx
      .insert(t.organizations)
      .values({ ...state.organization, revision: 1, createdAt: new Date(state.organization.createdAt) });
    await chunked(
      tx,
      t.resourceTypes,
      [...state.types.values()].map((c, position) => ({
        orgId,
        key: c.def.key,
        definition: c.def,
        position,
      })),
    );
    await chunked(
      tx,
      t.roles,
      [...state.roles.values()].map((r, position) => ({
        ...r,
        capabilities: [...r.capabilities],
        orgId,
        position,
      })),
    );
    await chunked(
      tx,
      t.resources,
      [...state.resources.values()].map((r) => ({ ...r, orgId, createdAt: new Date(r.createdAt) })),
    );
    onProgress?.("users");
    await chunked(
      tx,
      t.users,
      [...state.users.values()].map((u) => ({
        ...u,
        orgId,
        emailNormalized: u.email.toLowerCase(),
        attributes: u.attributes as Record<string, string[]>,
        createdAt: new Date(u.createdAt),
      })),
    );
    onProgress?.("groups");
    await chunked(
      tx,
      t.groups,
      [...state.groups.values()].map((g) => ({ ...g, orgId, createdAt: new Date(g.createdAt) })),
    );
    const at = new Date();
    onProgress?.("memberships");
    await chunked(
      tx,
      t.groupUserMembers,
      [...state.userMembers].flatMap(([groupId, users]) =>
        [...users].map((userId) => ({ orgId, groupId, userId, createdAt: at })),
      ),
    );
    await chunked(
      tx,
      t.groupGroupMembers,
      [...state.groupMembers].flatMap(([parentId, children]) =>
        [...children].map((childId) => ({ orgId, parentId, childId, createdAt: at })),
      ),
    );
    onProgress?.("rules");
    await chunked(
      tx,
      t.rules,
      [...state.rules.values()].map((r) => ({
        id: r.id,
        orgId,
        userId: r.subject.kind === "user" ? r.subject.id : null,
        groupId: r.subject.kind === "group" ? r.subject.id : null,
        type: r.type,
        resourceId: r.resourceId,
        roleId: r.roleId,
        locked: r.locked,
        createdAt: new Date(r.createdAt),
        updatedAt: new Date(r.updatedAt),
      })),
    );
  });
  // As after a restore: a server started right away must not plan against empty-table statistics.
  await store.db.execute(sql`analyze`);
}

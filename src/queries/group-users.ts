import { sql } from "drizzle-orm";
import { fail, type OrgId } from "../domain/index.ts";
import { rows, type Store } from "../store/index.ts";
import { memberOf, reachDown } from "./groups.ts";

/**
 * Who is in any of some groups: what deleting them, or turning their
 * privileges off, takes away from people. A count over the database (the
 * groups nested in them found by a recursive CTE), and the first few by name
 * for a confirmation to show, never a load of every user.
 */

export type GroupsUsers = {
  /** Active users in any of the groups, directly or through nested groups. */
  total: number;
  /** The first `limit` of them, by last then first name. */
  users: { id: string; email: string; firstName: string; lastName: string }[];
};

export async function usersOfGroups(
  store: Store,
  orgId: OrgId,
  groupIds: readonly string[],
  limit: number,
): Promise<GroupsUsers> {
  const ids = [...new Set(groupIds)];
  const known = await rows<{ id: string }>(
    store.db,
    sql`select id from groups where org_id = ${orgId} and id in ${ids}`,
  );
  if (known.length !== ids.length) {
    const found = new Set(known.map((g) => g.id));
    fail("group.not_found", "Some groups do not exist in this organization.", {
      ids: ids.filter((id) => !found.has(id)),
    });
  }
  const reach = await reachDown(store, orgId, sql`id in ${ids}`);
  const where = sql`u.org_id = ${orgId} and u.status = 'active' and ${memberOf(reach, sql`u.id`)}`;
  const [count] = await rows<{ n: number | string }>(
    store.db,
    sql`select count(*)::int as n from users u where ${where}`,
  );
  const first =
    limit === 0
      ? []
      : await rows<{ id: string; email: string; first_name: string; last_name: string }>(
          store.db,
          sql`select u.id, u.email, u.first_name, u.last_name from users u where ${where}
              order by u.last_name, u.first_name, u.id limit ${limit}`,
        );
  return {
    total: Number(count?.n ?? 0),
    users: first.map((u) => ({ id: u.id, email: u.email, firstName: u.first_name, lastName: u.last_name })),
  };
}

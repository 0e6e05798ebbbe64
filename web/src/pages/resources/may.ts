import type { Me } from "../../api.ts";

/**
 * What the signed-in person may change on these pages, as the server decides
 * it (src/http/routes/admin/context.ts): owners and admins everything; a
 * delegate (who holds no manage capability) sets rules inside their
 * delegation; holders of manage_users / manage_groups read only here. The
 * server checks again; this only spares people buttons that would be refused.
 */
export function may(me: Me): { catalog: boolean; rules: boolean } {
  const admin = me.role === "owner" || me.role === "admin";
  const delegate = !me.manageUsers && !me.manageGroups && me.delegations.length > 0;
  return { catalog: admin, rules: admin || delegate };
}

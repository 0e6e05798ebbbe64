import type { Me, OrgRole } from "../../api.ts";
import { ROLE_LABEL } from "../../format.ts";

/** The organization roles the signed-in person may give: owners give any, admins admin or member, others member. */
export function grantableRoles(me: Me): { value: OrgRole; label: string }[] {
  const roles: OrgRole[] =
    me.role === "owner"
      ? ["member", "admin", "owner"]
      : me.role === "admin"
        ? ["member", "admin"]
        : ["member"];
  return roles.map((r) => ({ value: r, label: ROLE_LABEL[r] }));
}

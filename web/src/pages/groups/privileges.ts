import type { GroupPrivilegeBody, GroupRuleRow } from "./data.ts";

/**
 * The privileges step's rows: a role on some resources of a type, on all
 * current ones, or on all current and future ones. A group's rules (one per
 * resource, or one per type for "all current and future") become rows, one
 * per type and role; rows become the privileges the API sets.
 */

/** A chosen item of a picker: its id and what a person reads. */
export type Picked = { readonly value: string; readonly label: string };

/** Some resources of a type, all current ones, or all current and future ones. */
export type ScopeKind = "some" | "all_current" | "all_current_and_future";

export type PrivilegeRow = {
  readonly key: string;
  readonly type: string;
  readonly scope: ScopeKind;
  readonly resources: readonly Picked[];
  readonly roleId: string | null;
};

let next = 0;
export const rowKey = (): string => `row-${++next}`;

export function emptyRow(type: string): PrivilegeRow {
  return { key: rowKey(), type, scope: "some", resources: [], roleId: null };
}

/** The editable rules of a group as rows (locked system rules are not the group's to change). */
export function rowsFromRules(rules: readonly GroupRuleRow[]): PrivilegeRow[] {
  const rows: PrivilegeRow[] = [];
  const byTypeAndRole = new Map<string, PrivilegeRow>();
  for (const r of rules) {
    if (r.locked) continue;
    if (r.scope === "all_current_and_future" || r.resource === null) {
      rows.push({
        key: rowKey(),
        type: r.type,
        scope: "all_current_and_future",
        resources: [],
        roleId: r.role.id,
      });
      continue;
    }
    const k = `${r.type}\u0000${r.role.id}`;
    const picked = { value: r.resource.id, label: r.resource.name };
    const row = byTypeAndRole.get(k);
    if (row) {
      const grown = { ...row, resources: [...row.resources, picked] };
      byTypeAndRole.set(k, grown);
      rows[rows.indexOf(row)] = grown;
    } else {
      const made: PrivilegeRow = {
        key: rowKey(),
        type: r.type,
        scope: "some",
        resources: [picked],
        roleId: r.role.id,
      };
      byTypeAndRole.set(k, made);
      rows.push(made);
    }
  }
  return rows;
}

/** What is missing in a row, as a sentence, or null when it is complete. */
export function rowProblem(row: PrivilegeRow): { field: "resources" | "role"; message: string } | null {
  if (row.scope === "some" && row.resources.length === 0)
    return { field: "resources", message: "Choose at least one, or all of them." };
  if (!row.roleId) return { field: "role", message: "Choose a role." };
  return null;
}

export function toPrivileges(rows: readonly PrivilegeRow[]): GroupPrivilegeBody[] {
  return rows.map((row) => ({
    role: { roleId: row.roleId ?? "" },
    scope:
      row.scope === "some"
        ? { kind: "resources" as const, resourceIds: row.resources.map((r) => r.value) }
        : { kind: row.scope, type: row.type },
  }));
}

/** Whether two sets of rows give the same rules (their order aside). */
export function samePrivileges(a: readonly PrivilegeRow[], b: readonly PrivilegeRow[]): boolean {
  const canon = (rows: readonly PrivilegeRow[]) =>
    rows
      .flatMap((r) =>
        r.scope === "some"
          ? r.resources.map((p) => `${r.type}:${p.value}:${r.roleId}`)
          : [`${r.type}:${r.scope}:${r.roleId}`],
      )
      .sort()
      .join("\n");
  return canon(a) === canon(b);
}

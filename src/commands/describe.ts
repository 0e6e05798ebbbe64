import type { Group, Rule } from "../domain/index.ts";
import { getResources, getRole, getTypes, rulesOfGroups, transitiveUsers } from "../store/index.ts";
import type { Work } from "./context.ts";

/** Words for notifications, taken from the change itself: "Writer on Finance", "Reader on all apps". */
export async function describeRules(w: Work, rules: readonly Rule[]): Promise<string[]> {
  if (rules.length === 0) return [];
  const resources = new Map(
    (
      await getResources(
        w.tx,
        w.org.id,
        rules.flatMap((r) => (r.resourceId ? [r.resourceId] : [])),
      )
    ).map((r) => [r.id, r]),
  );
  const types = await getTypes(w.tx, w.org.id);
  const out: string[] = [];
  for (const rule of rules) {
    const role = await getRole(w.tx, w.org.id, rule.roleId);
    const label = types.get(rule.type)?.def.label.toLowerCase() ?? rule.type;
    const where = rule.resourceId
      ? (resources.get(rule.resourceId)?.name ?? rule.resourceId)
      : `all ${label}s`;
    out.push(`${role?.name ?? "a role"} on ${where}`);
  }
  return out;
}

/** What a group gives through its own rules, as a clause: ", which gives Writer on Finance". */
export async function whatGroupGives(w: Work, group: Group): Promise<string> {
  if (!group.privileges) return "";
  const words = await describeRules(w, await rulesOfGroups(w.tx, w.org.id, [group.id]));
  return words.length > 0 ? `, which gives ${words.join(", ")}` : "";
}

/** Notifies every user of the group (through nesting too) when the group notifies by email. */
export async function notifyGroupMembers(w: Work, group: Group, line: string): Promise<void> {
  if (group.notify !== "email") return;
  w.notify(await transitiveUsers(w.tx, w.org.id, [group.id]), line);
}

import type { Explanation } from "../api.ts";

/**
 * The tree of an explanation: the user at the root, the groups of each path
 * as branches (paths that share groups share branches), and what each
 * contributing rule, or the organization role, gives as a leaf. Pure, so
 * test/unit/console.test.ts checks it.
 */
export type AccessNode = {
  key: string;
  kind: "user" | "group" | "grant";
  label: string;
  detail?: string;
  capabilities?: readonly string[];
  children: AccessNode[];
};

export function buildAccessTree(userLabel: string, explanation: Explanation): AccessNode {
  const root: AccessNode = { key: "user", kind: "user", label: userLabel, children: [] };
  explanation.contributions.forEach((c, i) => {
    let at = root;
    for (const g of c.path) {
      const key = `group:${g.id}`;
      let next = at.children.find((n) => n.key === key);
      if (!next) {
        next = { key, kind: "group", label: g.name, children: [] };
        at.children.push(next);
      }
      at = next;
    }
    // The text ends with what the rule gives: "...: Writer on Finance", "...: owner of the organization".
    const gives = c.text.slice(c.text.lastIndexOf(": ") + 2);
    const detail =
      c.kind === "organization_role"
        ? "every capability, as an administrator"
        : c.holder?.kind === "group"
          ? `a rule of ${c.holder.name}`
          : "a rule of the user's own";
    at.children.push({
      key: `grant:${c.ruleId ?? c.kind}:${i}`,
      kind: "grant",
      label: gives,
      detail,
      ...(c.capabilities && { capabilities: c.capabilities }),
      children: [],
    });
  });
  return root;
}

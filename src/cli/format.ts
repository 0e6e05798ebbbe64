import type { ResolvedPredicate, Scalar } from "../domain/index.ts";

/** Text for people: aligned tables and filter predicates. */

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  }
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const BARE = /^[\p{L}_][\p{L}\p{N}_.-]*$/u;
const KEYWORDS = new Set(["and", "or", "in", "not", "true", "false"]);

function value(v: Scalar): string {
  if (typeof v !== "string") return String(v);
  return BARE.test(v) && !KEYWORDS.has(v.toLowerCase()) ? v : `'${v.replaceAll("'", "''")}'`;
}

/**
 * A resolved predicate in the filter text syntax (formatPredicate in the
 * domain writes the unresolved `Predicate`; after resolution the user's
 * attributes are values, and `true` / `false` can appear).
 */
export function formatResolved(p: ResolvedPredicate, parent: "and" | "or" | null = null): string {
  switch (p.op) {
    case "true":
    case "false":
      return p.op;
    case "eq":
    case "ne":
      return `${p.column} ${p.op === "eq" ? "=" : "!="} ${value(p.value)}`;
    case "in":
    case "not_in":
      return `${p.column} ${p.op === "in" ? "in" : "not in"} (${p.values.map(value).join(", ")})`;
    case "and":
    case "or": {
      if (p.args.length === 1) return formatResolved(p.args[0]!, parent);
      const text = p.args.map((a) => formatResolved(a, p.op as "and" | "or")).join(` ${p.op} `);
      // `and` binds tighter than `or`: only an `and` directly under an `or` goes without parentheses.
      return parent === null || (parent === "or" && p.op === "and") ? text : `(${text})`;
    }
  }
}

/**
 * Data filters (row-level security): predicates over a dataset's columns,
 * written as JSON or as a small text syntax, resolved against a user's
 * attributes, combined across granting paths and rendered as parameterised SQL.
 * Pure: no I/O.
 */
import { fail } from "./errors.ts";

export type Scalar = string | number | boolean;
/** `{ attr: "region" }` is the `{{user.region}}` placeholder. */
export type FilterValue = Scalar | { attr: string };
export type Predicate =
  | { op: "eq" | "ne"; column: string; value: FilterValue }
  | { op: "in" | "not_in"; column: string; values: FilterValue[] }
  | { op: "and" | "or"; args: Predicate[] };
export type ResolvedPredicate =
  | { op: "true" }
  | { op: "false" }
  | { op: "eq" | "ne"; column: string; value: Scalar }
  | { op: "in" | "not_in"; column: string; values: Scalar[] }
  | { op: "and" | "or"; args: ResolvedPredicate[] };
export type UserAttributes = Readonly<Record<string, readonly string[]>>;
export type EffectiveFilter =
  | { access: "none" }
  | { access: "unfiltered" }
  | { access: "filtered"; predicate: ResolvedPredicate };
export type SqlOptions = { placeholder?: "dollar" | "question"; startIndex?: number };

export const MAX_FILTER_DEPTH = 16;
/** Predicate nodes and list values together, so a huge `in` list counts too. */
export const MAX_FILTER_NODES = 1000;

const IDENT = "[A-Za-z_][A-Za-z0-9_]*";
const COLUMN_RE = new RegExp(`^${IDENT}(?:\\.${IDENT}){0,2}$`);
const ATTR_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Only canonical numbers are numbers: a bare `01234` (a zip code) stays a string.
const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BARE_CHAR_RE = /[^\s(),=!<>'"{}]/;
const BARE_STRING_RE = /^[\p{L}_][\p{L}\p{N}_.-]*$/u;
const KEYWORDS = new Set(["and", "or", "in", "not", "true", "false"]);

// ---------------------------------------------------------------- JSON shape

/** Validates unknown JSON into a fresh Predicate; errors carry `details.path` like `$.args[1].column`. */
export function parsePredicate(input: unknown): Predicate {
  return checkPredicate(input, "$", 1, { nodes: 0 });
}

function invalidAt(message: string, path: string): never {
  return fail("filter.invalid", `${message} at ${path}`, { path });
}

function checkPredicate(input: unknown, path: string, depth: number, budget: { nodes: number }): Predicate {
  if (depth > MAX_FILTER_DEPTH) invalidAt(`filter is nested deeper than ${MAX_FILTER_DEPTH} levels`, path);
  countNode(budget, path);
  if (!isObject(input)) return invalidAt("expected a predicate object", path);
  const { op } = input;
  switch (op) {
    case "eq":
    case "ne":
      onlyKeys(input, ["op", "column", "value"], path);
      return { op, column: checkColumn(input.column, path), value: checkValue(input.value, `${path}.value`) };
    case "in":
    case "not_in": {
      onlyKeys(input, ["op", "column", "values"], path);
      const column = checkColumn(input.column, path);
      const { values } = input;
      if (!Array.isArray(values) || values.length === 0) {
        invalidAt(`"${op}" needs a non-empty "values" array`, `${path}.values`);
      }
      return {
        op,
        column,
        values: values.map((v, i) => {
          countNode(budget, `${path}.values[${i}]`);
          return checkValue(v, `${path}.values[${i}]`);
        }),
      };
    }
    case "and":
    case "or": {
      onlyKeys(input, ["op", "args"], path);
      const { args } = input;
      if (!Array.isArray(args) || args.length === 0) {
        invalidAt(`"${op}" needs a non-empty "args" array`, `${path}.args`);
      }
      return { op, args: args.map((a, i) => checkPredicate(a, `${path}.args[${i}]`, depth + 1, budget)) };
    }
    default:
      return invalidAt(
        op === undefined
          ? `missing "op"`
          : `unknown op ${JSON.stringify(op)}, expected one of eq, ne, in, not_in, and, or`,
        `${path}.op`,
      );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function onlyKeys(input: Record<string, unknown>, allowed: string[], path: string): void {
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) invalidAt(`unexpected key ${JSON.stringify(key)}`, path);
  }
}

function countNode(budget: { nodes: number }, path: string): void {
  if (++budget.nodes > MAX_FILTER_NODES) invalidAt(`filter has more than ${MAX_FILTER_NODES} nodes`, path);
}

function checkColumn(column: unknown, path: string): string {
  if (typeof column !== "string" || !COLUMN_RE.test(column)) {
    invalidAt(
      `"column" must be an identifier or a dotted name of at most 3 parts, got ${JSON.stringify(column)}`,
      `${path}.column`,
    );
  }
  return column;
}

function checkValue(value: unknown, path: string): FilterValue {
  if (typeof value === "string") {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (/[\u0000-\u001f\u007f-\u009f]/.test(value))
      invalidAt("values cannot contain control characters", path);
    if (value.length > 1000) invalidAt("values are at most 1000 characters", path);
    return value;
  }
  if (typeof value === "boolean") return value;
  if (typeof value === "number") {
    return Number.isFinite(value) ? value : invalidAt("numbers must be finite", path);
  }
  if (isObject(value) && "attr" in value) {
    onlyKeys(value, ["attr"], path);
    if (typeof value.attr === "string" && ATTR_RE.test(value.attr)) return { attr: value.attr };
    return invalidAt(`invalid attribute name ${JSON.stringify(value.attr)}`, `${path}.attr`);
  }
  return invalidAt("expected a string, a number, a boolean or { attr }", path);
}

// ---------------------------------------------------------------- text syntax

type TokenKind = "word" | "string" | "attr" | "(" | ")" | "," | "=" | "!=" | "end";
type Token = { kind: TokenKind; value: string; raw: string; pos: number };

function syntaxError(message: string, at: Token | number): never {
  if (typeof at === "number") return fail("filter.invalid", `${message} at position ${at}`, { position: at });
  const found = at.kind === "end" ? "the end of the filter" : JSON.stringify(at.raw);
  return fail("filter.invalid", `${message} at position ${at.pos}, found ${found}`, { position: at.pos });
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number) =>
    tokens.push({ kind, value, raw: text.slice(start, i), pos: start });
  while (i < text.length) {
    const start = i;
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")" || c === "," || c === "=") {
      i++;
      push(c, c, start);
    } else if (text.startsWith("!=", i) || text.startsWith("<>", i)) {
      i += 2;
      push("!=", "!=", start);
    } else if (c === "'" || c === '"') {
      const [value, end] = readQuoted(text, start);
      i = end;
      push("string", value, start);
    } else if (text.startsWith("{{", i)) {
      i = skipSpaces(text, i + 2);
      if (text.slice(i, i + 5).toLowerCase() !== "user.") {
        syntaxError("a placeholder must look like {{user.attribute}}", i);
      }
      const name = /[A-Za-z_][A-Za-z0-9_.-]*/y;
      name.lastIndex = i += 5;
      const match = name.exec(text);
      if (!match) syntaxError('expected an attribute name after "{{user."', i);
      i = skipSpaces(text, i + match[0].length);
      if (!text.startsWith("}}", i)) syntaxError('expected "}}" to close the placeholder', i);
      i += 2;
      push("attr", match[0], start);
    } else if (BARE_CHAR_RE.test(c)) {
      while (i < text.length && BARE_CHAR_RE.test(text[i]!)) i++;
      push("word", text.slice(start, i), start);
    } else {
      syntaxError(`unexpected character ${JSON.stringify(c)}`, i);
    }
  }
  tokens.push({ kind: "end", value: "", raw: "", pos: text.length });
  return tokens;
}

/** Reads the string quoted at `start`: '' escapes ' in single quotes; \" and \\ escape in double quotes. */
function readQuoted(text: string, start: number): [value: string, end: number] {
  const quote = text[start]!;
  let value = "";
  for (let i = start + 1; i < text.length; ) {
    const c = text[i]!;
    const after = text[i + 1] ?? "";
    const escaped =
      quote === "'" ? c === "'" && after === "'" : c === "\\" && (after === '"' || after === "\\");
    if (escaped) {
      value += after;
      i += 2;
    } else if (c === quote) {
      return [value, i + 1];
    } else {
      value += c;
      i++;
    }
  }
  return syntaxError("unterminated string", start);
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** Parses the text syntax; errors carry `details.position`, a 0-based offset into `text`. */
export function parseFilterExpression(text: string): Predicate {
  if (typeof text !== "string") fail("filter.invalid", "a filter expression must be a string");
  const tokens = tokenize(text);
  let k = 0;
  const peek = () => tokens[k]!;
  const next = () => tokens[k++]!;
  const isWord = (t: Token, word: string) => t.kind === "word" && t.value.toLowerCase() === word;
  /** Consumes the next token when it is the given keyword or punctuation. */
  const accept = (what: string) => {
    const t = peek();
    const ok = t.kind === "word" ? isWord(t, what) : t.kind === what;
    if (ok) k++;
    return ok;
  };
  const expect = (kind: TokenKind, what: string) => {
    const t = next();
    if (t.kind !== kind) syntaxError(`expected ${what}`, t);
  };

  const orExpr = (depth: number): Predicate => {
    const args = [andExpr(depth)];
    while (accept("or")) args.push(andExpr(depth));
    return args.length === 1 ? args[0]! : { op: "or", args };
  };
  const andExpr = (depth: number): Predicate => {
    const args = [primary(depth)];
    while (accept("and")) args.push(primary(depth));
    return args.length === 1 ? args[0]! : { op: "and", args };
  };
  const primary = (depth: number): Predicate => {
    const t = next();
    if (t.kind === "(") {
      if (depth >= MAX_FILTER_DEPTH) syntaxError(`parentheses nested deeper than ${MAX_FILTER_DEPTH}`, t);
      const inner = orExpr(depth + 1);
      expect(")", `")" matching the "(" at ${t.pos}`);
      return inner;
    }
    if (t.kind !== "word" || !COLUMN_RE.test(t.value)) syntaxError('expected a column name or "("', t);
    const column = t.value;
    const o = next();
    if (o.kind === "=") return { op: "eq", column, value: value() };
    if (o.kind === "!=") return { op: "ne", column, value: value() };
    let op: "in" | "not_in";
    if (isWord(o, "in")) op = "in";
    else if (isWord(o, "not") && accept("in")) op = "not_in";
    else return syntaxError(`expected =, !=, <>, in or not in after "${column}"`, o);
    expect("(", `"(" to start the list`);
    const values = [value()];
    while (accept(",")) values.push(value());
    expect(")", '"," or ")" in the list');
    return { op, column, values };
  };
  const value = (): FilterValue => {
    const t = next();
    if (t.kind === "string") return t.value;
    if (t.kind === "attr") return { attr: t.value };
    if (t.kind !== "word") return syntaxError("expected a value", t);
    const lower = t.value.toLowerCase();
    if (lower === "true" || lower === "false") return lower === "true";
    if (NUMBER_RE.test(t.value)) {
      const n = Number(t.value);
      return Number.isFinite(n) ? n : syntaxError("number out of range", t);
    }
    if (KEYWORDS.has(lower)) syntaxError("expected a value (quote a keyword to use it as a string)", t);
    return t.value;
  };

  const result = orExpr(0);
  if (peek().kind !== "end") syntaxError('expected "and", "or" or the end of the filter', peek());
  return parsePredicate(result); // enforces the size limits
}

/**
 * Writes a predicate in the text syntax. Round trip is exact except that a
 * single-argument and/or is written as its argument, which means the same.
 */
export function formatPredicate(p: Predicate): string {
  return formatNode(parsePredicate(p), null);
}

/**
 * A resolved predicate (the user's attributes substituted; `true` and `false`
 * can appear) in the same text syntax, e.g. for an effective data filter.
 */
export function formatResolvedPredicate(p: ResolvedPredicate): string {
  return formatNode(p, null);
}

function formatNode(p: Predicate | ResolvedPredicate, parent: "and" | "or" | null): string {
  switch (p.op) {
    case "true":
    case "false":
      return p.op;
    case "eq":
    case "ne":
      return `${p.column} ${p.op === "eq" ? "=" : "!="} ${formatValue(p.value)}`;
    case "in":
    case "not_in":
      return `${p.column} ${p.op === "in" ? "in" : "not in"} (${p.values.map(formatValue).join(", ")})`;
    case "and":
    case "or": {
      const args: readonly (Predicate | ResolvedPredicate)[] = p.args;
      if (args.length === 1) return formatNode(args[0]!, parent);
      const text = args.map((a) => formatNode(a, p.op)).join(` ${p.op} `);
      // `and` binds tighter, so only an `and` directly under an `or` may go bare.
      return parent === null || (parent === "or" && p.op === "and") ? text : `(${text})`;
    }
  }
}

function formatValue(v: FilterValue): string {
  if (typeof v === "object") return `{{user.${v.attr}}}`;
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "boolean") return String(v);
  return BARE_STRING_RE.test(v) && !KEYWORDS.has(v.toLowerCase()) ? v : `'${v.replaceAll("'", "''")}'`;
}

// ---------------------------------------------------------------- resolution

/** Attribute names a predicate uses, each once, sorted. */
export function attributesOf(p: Predicate): string[] {
  const names = valuesIn(p).flatMap((v) => (typeof v === "object" ? [v.attr] : []));
  return [...new Set(names)].sort();
}

function valuesIn(p: Predicate): FilterValue[] {
  switch (p.op) {
    case "and":
    case "or":
      return p.args.flatMap(valuesIn);
    case "in":
    case "not_in":
      return p.values;
    default:
      return [p.value];
  }
}

/** Substitutes user attributes; a missing or empty one makes the whole predicate `false` (matches nothing). */
export function resolvePredicate(p: Predicate, attributes: UserAttributes): ResolvedPredicate {
  // Own properties only: an attribute called "constructor" must not find Object's.
  const has = (name: string) => Object.hasOwn(attributes, name) && (attributes[name]?.length ?? 0) > 0;
  if (!attributesOf(p).every(has)) return { op: "false" };
  const expand = (v: FilterValue): Scalar[] => (typeof v === "object" ? [...attributes[v.attr]!] : [v]);
  const substitute = (q: Predicate): ResolvedPredicate => {
    switch (q.op) {
      case "eq":
      case "ne": {
        const values = unique(expand(q.value));
        if (values.length === 1) return { op: q.op, column: q.column, value: values[0]! };
        return { op: q.op === "eq" ? "in" : "not_in", column: q.column, values };
      }
      case "in":
      case "not_in":
        return { op: q.op, column: q.column, values: unique(q.values.flatMap(expand)) };
      case "and":
      case "or":
        return { op: q.op, args: q.args.map(substitute) };
    }
  };
  return substitute(p);
}

function unique(values: Scalar[]): Scalar[] {
  const seen = new Set<string>();
  const out: Scalar[] = [];
  for (const v of values) {
    const key = `${typeof v}:${v}`; // 1 and "1" stay distinct
    if (!seen.has(key)) out.push(v);
    seen.add(key);
  }
  return out;
}

/** Flattens and/or, folds true/false, dedupes arguments; keeps argument order. */
export function simplify(p: ResolvedPredicate): ResolvedPredicate {
  switch (p.op) {
    case "in":
      return p.values.length === 0 ? { op: "false" } : p;
    case "not_in":
      return p.values.length === 0 ? { op: "true" } : p;
    case "and":
    case "or": {
      const absorbing = p.op === "and" ? "false" : "true";
      const neutral = p.op === "and" ? "true" : "false";
      const args: ResolvedPredicate[] = [];
      const seen = new Set<string>();
      for (const arg of p.args) {
        const s = simplify(arg);
        for (const a of (s.op === "and" || s.op === "or") && s.op === p.op ? s.args : [s]) {
          if (a.op === absorbing) return { op: absorbing };
          const key = keyOf(a);
          if (a.op !== neutral && !seen.has(key)) {
            seen.add(key);
            args.push(a);
          }
        }
      }
      return args.length === 0 ? { op: neutral } : args.length === 1 ? args[0]! : { op: p.op, args };
    }
    default:
      return p;
  }
}

/** A structural key, independent of property order, for deduplication. */
function keyOf(p: ResolvedPredicate): string {
  switch (p.op) {
    case "true":
    case "false":
      return p.op;
    case "eq":
    case "ne":
      return JSON.stringify([p.op, p.column, p.value]);
    case "in":
    case "not_in":
      return JSON.stringify([p.op, p.column, p.values]);
    default:
      return JSON.stringify([p.op, p.args.map(keyOf)]);
  }
}

/** One entry per granting path, `null` for an unfiltered one; the effective filter is their OR. */
export function combinePaths(paths: readonly (ResolvedPredicate | null)[]): EffectiveFilter {
  if (paths.length === 0) return { access: "none" };
  if (paths.includes(null)) return { access: "unfiltered" };
  const args = paths.filter((p): p is ResolvedPredicate => p !== null);
  return { access: "filtered", predicate: simplify({ op: "or", args }) };
}

// ---------------------------------------------------------------- SQL

/**
 * Renders a WHERE fragment. A top-level OR comes parenthesised so that a
 * caller appending `AND <fragment>` cannot widen the filter by accident.
 */
export function toSql(p: ResolvedPredicate, options: SqlOptions = {}): { sql: string; params: Scalar[] } {
  const { placeholder = "dollar", startIndex = 1 } = options;
  if (placeholder !== "dollar" && placeholder !== "question") {
    fail("filter.invalid", `unknown placeholder style ${JSON.stringify(placeholder)}`);
  }
  if (!Number.isSafeInteger(startIndex) || startIndex < 1) {
    fail("filter.invalid", `startIndex must be a positive integer, got ${startIndex}`);
  }
  const params: Scalar[] = [];
  const param = (v: Scalar) => {
    params.push(v);
    return placeholder === "dollar" ? `$${startIndex + params.length - 1}` : "?";
  };
  const render = (q: ResolvedPredicate, parent: "and" | "or"): string => {
    switch (q.op) {
      case "true":
        return "TRUE";
      case "false":
        return "FALSE";
      case "eq":
      case "ne":
        return `${quoteColumn(q.column)} ${q.op === "eq" ? "=" : "<>"} ${param(q.value)}`;
      case "in":
      case "not_in":
        if (q.values.length === 0) return q.op === "in" ? "FALSE" : "TRUE";
        return `${quoteColumn(q.column)} ${q.op === "in" ? "IN" : "NOT IN"} (${q.values.map(param).join(", ")})`;
      case "and":
      case "or": {
        if (q.args.length === 0) return q.op === "and" ? "TRUE" : "FALSE";
        if (q.args.length === 1) return render(q.args[0]!, parent);
        const sql = q.args.map((a) => render(a, q.op)).join(q.op === "and" ? " AND " : " OR ");
        return parent === "and" && q.op === "or" ? `(${sql})` : sql;
      }
    }
  };
  return { sql: render(p, "and"), params };
}

function quoteColumn(column: string): string {
  const parts = column.split(".");
  if (parts.length > 3 || parts.some((part) => part === "")) {
    fail("filter.invalid", `invalid column name ${JSON.stringify(column)}`);
  }
  return parts.map((part) => `"${part.replaceAll('"', '""')}"`).join(".");
}

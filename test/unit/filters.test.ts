import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RosterError } from "../../src/domain/errors.ts";
import {
  attributesOf,
  combinePaths,
  formatPredicate,
  formatResolvedPredicate,
  type Predicate,
  parseFilterExpression,
  parsePredicate,
  type ResolvedPredicate,
  resolvePredicate,
  type Scalar,
  simplify,
  toSql,
} from "../../src/domain/filters.ts";

/** Asserts a `filter.invalid` error whose message mentions `mention` and whose details match. */
function assertInvalid(run: () => unknown, mention: RegExp, details?: Record<string, unknown>): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof RosterError, `expected a RosterError, got ${e}`);
    assert.equal(e.code, "filter.invalid");
    assert.equal(e.kind, "validation");
    assert.match(e.message, mention);
    if (details) assert.deepEqual(e.details, details);
    return true;
  });
}

const eq = (column: string, value: Scalar) => ({ op: "eq", column, value }) as const;
const eqOp = (op: "eq" | "ne", column: string, value: Scalar) => ({ op, column, value });

describe("parsePredicate (JSON)", () => {
  test("accepts every shape and returns a copy, not the caller's object", () => {
    const input = {
      op: "and",
      args: [
        { op: "eq", column: "sales.region", value: { attr: "region" } },
        { op: "not_in", column: "status", values: ["closed", 0, false] },
        { op: "or", args: [{ op: "ne", column: "db.sales.owner", value: "x" }] },
      ],
    };
    const p = parsePredicate(JSON.parse(JSON.stringify(input)));
    assert.deepEqual(p, input);
    assert.notEqual(p, input);
  });

  const bad: [string, unknown, RegExp, string][] = [
    ["not an object", "country = France", /expected a predicate object/, "$"],
    ["missing op", { column: "a", value: 1 }, /missing "op"/, "$.op"],
    ["unknown op", { op: "like", column: "a", value: 1 }, /unknown op "like"/, "$.op"],
    ["column not an identifier", { op: "eq", column: "1st", value: 1 }, /column/, "$.column"],
    ["column with 4 parts", { op: "eq", column: "a.b.c.d", value: 1 }, /at most 3 parts/, "$.column"],
    ["SQL in a column name", { op: "eq", column: 'a" or 1=1', value: 1 }, /column/, "$.column"],
    ["empty in list", { op: "in", column: "a", values: [] }, /non-empty "values"/, "$.values"],
    ["empty and", { op: "and", args: [] }, /non-empty "args"/, "$.args"],
    ["null value", { op: "eq", column: "a", value: null }, /expected a string/, "$.value"],
    ["misspelt key", { op: "eq", column: "a", vaule: 1 }, /unexpected key "vaule"/, "$"],
    ["bad attribute name", { op: "eq", column: "a", value: { attr: "" } }, /attribute name/, "$.value.attr"],
    ["infinite number", { op: "eq", column: "a", value: Number.POSITIVE_INFINITY }, /finite/, "$.value"],
    [
      "deep error",
      {
        op: "or",
        args: [
          { op: "eq", column: "a", value: 1 },
          { op: "in", column: "b", values: [1, [2]] },
        ],
      },
      /expected a string/,
      "$.args[1].values[1]",
    ],
  ];
  for (const [name, input, message, path] of bad) {
    test(`bad JSON shapes are rejected with where they are wrong: ${name}`, () => {
      assertInvalid(() => parsePredicate(input), message, { path });
    });
  }

  test("nesting is limited to 16 levels", () => {
    const nest = (levels: number): Predicate =>
      levels === 1 ? { op: "eq", column: "a", value: 1 } : { op: "and", args: [nest(levels - 1)] };
    assert.doesNotThrow(() => parsePredicate(nest(16)));
    assertInvalid(() => parsePredicate(nest(17)), /deeper than 16/);
  });

  test("size is limited to 1000 nodes, list values included", () => {
    const list = (n: number) => ({ op: "in", column: "a", values: Array.from({ length: n }, (_, i) => i) });
    assert.doesNotThrow(() => parsePredicate(list(999)));
    assertInvalid(() => parsePredicate(list(1000)), /more than 1000 nodes/);
  });
});

describe("parseFilterExpression (text)", () => {
  test("reads the documented examples", () => {
    assert.deepEqual(parseFilterExpression("country in (France, Spain)"), {
      op: "in",
      column: "country",
      values: ["France", "Spain"],
    });
    assert.deepEqual(parseFilterExpression("region = {{user.region}}"), {
      op: "eq",
      column: "region",
      value: { attr: "region" },
    });
    assert.deepEqual(parseFilterExpression("status != 'closed'"), eqOp("ne", "status", "closed"));
    assert.deepEqual(parseFilterExpression(`a = 1 and (b not in ('x', "y") or c = true)`), {
      op: "and",
      args: [
        eq("a", 1),
        { op: "or", args: [{ op: "not_in", column: "b", values: ["x", "y"] }, eq("c", true)] },
      ],
    });
  });

  test("and binds tighter than or", () => {
    assert.deepEqual(parseFilterExpression("a = 1 or b = 2 and c = 3"), {
      op: "or",
      args: [eq("a", 1), { op: "and", args: [eq("b", 2), eq("c", 3)] }],
    });
  });

  test("keywords are case-insensitive and <> means !=", () => {
    assert.deepEqual(
      parseFilterExpression("a NOT IN (1) AND b <> TRUE Or c In (x)"),
      parseFilterExpression("a not in (1) and b != true or c in (x)"),
    );
  });

  test("values: quoted strings with escapes stay strings, bare numbers and booleans do not", () => {
    const values = (text: string) =>
      (parseFilterExpression(`a in (${text})`) as { values: unknown[] }).values;
    assert.deepEqual(values(`'it''s', "say \\"hi\\"", 'true', '1', ''`), [
      "it's",
      'say "hi"',
      "true",
      "1",
      "",
    ]);
    assert.deepEqual(values("1, -2.5, 1e3, true, False, EMEA-West, España"), [
      1,
      -2.5,
      1000,
      true,
      false,
      "EMEA-West",
      "España",
    ]);
  });

  test("a zip code with a leading zero stays a string", () => {
    assert.deepEqual(parseFilterExpression("zip = 01234"), eq("zip", "01234"));
  });

  test("placeholders may have spaces inside the braces", () => {
    assert.deepEqual(parseFilterExpression("a in ({{ user.eu-countries }}, France)"), {
      op: "in",
      column: "a",
      values: [{ attr: "eu-countries" }, "France"],
    });
  });

  const errors: [string, RegExp, number][] = [
    ["country in (", /expected a value at position 12, found the end/, 12],
    ["= 1", /expected a column name or "\(" at position 0, found "="/, 0],
    ["a = {{user.}}", /expected an attribute name after "\{\{user\." at position 11/, 11],
    ["a = {{region}}", /must look like \{\{user\.attribute\}\}/, 6],
    ["a = {{user.x", /expected "}}"/, 12],
    ["a = 'open", /unterminated string at position 4/, 4],
    ["(a = 1 or b = 2", /expected "\)" matching the "\(" at 0 at position 15/, 15],
    ["a = 1 b = 2", /expected "and", "or" or the end of the filter at position 6, found "b"/, 6],
    ["a = or", /quote a keyword/, 4],
    ["a in (1 2)", /expected "," or "\)"/, 8],
    ["a like 'x%'", /expected =, !=, <>, in or not in after "a"/, 2],
    ["a = 1 && b = 2", /expected "and", "or" .* at position 6, found "&&"/, 6],
    ["a < 1", /unexpected character "<" at position 2/, 2],
    ["a.b.c.d = 1", /expected a column name/, 0],
    ["", /expected a column name .* found the end of the filter/, 0],
  ];
  for (const [text, message, position] of errors) {
    test(`bad text gives a clear error with its position: ${JSON.stringify(text)}`, () => {
      assertInvalid(() => parseFilterExpression(text), message, { position });
    });
  }

  test("absurd nesting is refused without overflowing the stack", () => {
    assertInvalid(() => parseFilterExpression(`${"(".repeat(10_000)}a = 1${")".repeat(10_000)}`), /deeper/);
  });
});

describe("formatPredicate", () => {
  const examples = [
    "country in (France, Spain)",
    "region = {{user.region}}",
    "status != closed",
    "a = 1 and (b not in (x, y) or c = true)",
    "a = 1 or b = 2 and c = 3",
    "(a = 1 or b = 2) and c = 3",
    "(a = 1 or b = 2) or c = 3",
    "a = 1 and (b = 2 and (c = 3 or (d = 4 or e = 5)))",
    "t.c = 'it''s' and s.t.c in ('and', 'True', '1', '', '-', 'two words', 1.5, -0, 1e+21)",
  ];
  for (const text of examples) {
    test(`parse/format round trip: ${text}`, () => {
      const p = parseFilterExpression(text);
      assert.equal(formatPredicate(p), text);
      assert.deepEqual(parseFilterExpression(formatPredicate(p)), p);
    });
  }

  test("strings that would read as something else are quoted", () => {
    const p: Predicate = {
      op: "in",
      column: "a",
      values: ["not", "false", "007", "x'y", "{{user.a}}", "a b"],
    };
    assert.equal(formatPredicate(p), `a in ('not', 'false', '007', 'x''y', '{{user.a}}', 'a b')`);
    assert.deepEqual(parseFilterExpression(formatPredicate(p)), p);
  });

  test("a single-argument and/or is written as its argument", () => {
    assert.equal(formatPredicate({ op: "or", args: [{ op: "and", args: [eq("a", 1)] }] }), "a = 1");
  });

  test("refuses what the text syntax could not read back", () => {
    assertInvalid(() => formatPredicate({ op: "eq", column: "a b", value: 1 }), /column/);
  });
});

describe("formatResolvedPredicate", () => {
  test("writes a user's resolved filter, true and false included, with the same precedence rules", () => {
    const resolved = resolvePredicate(
      parseFilterExpression(
        "region = {{user.region}} or (country in (France, 'Côte d''Ivoire') and team = {{user.team}})",
      ),
      { region: ["EMEA", "APAC"], team: ["Sales"] },
    );
    assert.equal(
      formatResolvedPredicate(resolved),
      "region in (EMEA, APAC) or country in (France, 'Côte d''Ivoire') and team = Sales",
    );
    assert.equal(
      formatResolvedPredicate({ op: "or", args: [{ op: "false" }, eq("a", "x y")] }),
      "false or a = 'x y'",
    );
    assert.equal(formatResolvedPredicate({ op: "true" }), "true");
    assert.equal(
      formatResolvedPredicate({
        op: "and",
        args: [{ op: "or", args: [eq("a", 1), eq("b", "or")] }, eq("c", true)],
      }),
      "(a = 1 or b = 'or') and c = true",
    );
  });
});

describe("attributesOf", () => {
  test("lists each attribute once, sorted", () => {
    const p = parseFilterExpression(
      "r = {{user.region}} or (c in ({{user.country}}, {{user.region}}) and x = 1)",
    );
    assert.deepEqual(attributesOf(p), ["country", "region"]);
    assert.deepEqual(attributesOf(parseFilterExpression("x = 1")), []);
  });
});

describe("resolvePredicate", () => {
  const region = parseFilterExpression("region = {{user.region}}");

  test("a single-valued attribute is substituted", () => {
    assert.deepEqual(resolvePredicate(region, { region: ["EMEA"] }), eq("region", "EMEA"));
  });

  test("a multi-valued attribute turns = into in and != into not in", () => {
    assert.deepEqual(resolvePredicate(region, { region: ["EMEA", "APAC"] }), {
      op: "in",
      column: "region",
      values: ["EMEA", "APAC"],
    });
    assert.deepEqual(
      resolvePredicate(parseFilterExpression("region != {{user.region}}"), { region: ["a", "b"] }),
      {
        op: "not_in",
        column: "region",
        values: ["a", "b"],
      },
    );
  });

  test("an attribute inside an in-list expands, without duplicates", () => {
    const p = parseFilterExpression("country in (France, {{user.countries}})");
    assert.deepEqual(resolvePredicate(p, { countries: ["Spain", "France"] }), {
      op: "in",
      column: "country",
      values: ["France", "Spain"],
    });
  });

  test("attribute values are strings, never converted", () => {
    assert.deepEqual(resolvePredicate(parseFilterExpression("n = {{user.n}}"), { n: ["1"] }), eq("n", "1"));
  });

  test("a missing user attribute makes the path match nothing", () => {
    const p = parseFilterExpression("public = true or region = {{user.region}}");
    assert.deepEqual(resolvePredicate(p, {}), { op: "false" });
    assert.deepEqual(resolvePredicate(p, { country: ["FR"] }), { op: "false" });
  });

  test("an empty user attribute makes the path match nothing", () => {
    assert.deepEqual(resolvePredicate(region, { region: [] }), { op: "false" });
  });

  test("attributes are not inherited from Object.prototype", () => {
    const p = parseFilterExpression("a = {{user.constructor}} and b = {{user.toString}}");
    assert.deepEqual(resolvePredicate(p, {}), { op: "false" });
  });

  test("a predicate without attributes resolves to itself", () => {
    const p = parseFilterExpression("a = 1 and (b in (x, y) or c != z)");
    assert.deepEqual(resolvePredicate(p, {}), p);
  });
});

describe("simplify", () => {
  const T: ResolvedPredicate = { op: "true" };
  const F: ResolvedPredicate = { op: "false" };
  const a = eq("a", 1);
  const b = eq("b", 2);

  test("nested and/or are flattened", () => {
    assert.deepEqual(
      simplify({ op: "and", args: [a, { op: "and", args: [b, { op: "and", args: [a, T] }] }] }),
      {
        op: "and",
        args: [a, b],
      },
    );
  });
  test("true drops out of and, false out of or", () => {
    assert.deepEqual(simplify({ op: "and", args: [T, a, T, b] }), { op: "and", args: [a, b] });
    assert.deepEqual(simplify({ op: "or", args: [F, a, b, F] }), { op: "or", args: [a, b] });
  });
  test("and with a false is false, or with a true is true", () => {
    assert.deepEqual(simplify({ op: "and", args: [a, { op: "or", args: [F, F] }] }), F);
    assert.deepEqual(simplify({ op: "or", args: [a, { op: "and", args: [T] }] }), T);
  });
  test("identical arguments are kept once, whatever their key order", () => {
    const same = { value: 1, column: "a", op: "eq" } as const;
    assert.deepEqual(simplify({ op: "or", args: [a, b, same] }), { op: "or", args: [a, b] });
  });
  test("a single argument stands alone; empty and is true, empty or is false", () => {
    assert.deepEqual(simplify({ op: "or", args: [{ op: "and", args: [a, a] }] }), a);
    assert.deepEqual(simplify({ op: "and", args: [] }), T);
    assert.deepEqual(simplify({ op: "or", args: [] }), F);
  });
  test("an empty in-list matches nothing, an empty not-in list everything", () => {
    assert.deepEqual(simplify({ op: "in", column: "a", values: [] }), F);
    assert.deepEqual(simplify({ op: "not_in", column: "a", values: [] }), T);
  });
});

describe("combinePaths", () => {
  const emea = eq("region", "EMEA");
  const fr = eq("country", "FR");

  test("no access is distinct from no filter", () => {
    assert.deepEqual(combinePaths([]), { access: "none" });
    assert.deepEqual(combinePaths([null]), { access: "unfiltered" });
  });
  test("an unfiltered path wins over filtered ones", () => {
    assert.deepEqual(combinePaths([emea, null, fr]), { access: "unfiltered" });
  });
  test("the effective filter is the OR of the paths' filters", () => {
    assert.deepEqual(combinePaths([emea, fr, emea]), {
      access: "filtered",
      predicate: { op: "or", args: [emea, fr] },
    });
  });
  test("a path that matches nothing still grants access, filtered to nothing", () => {
    assert.deepEqual(combinePaths([{ op: "false" }]), { access: "filtered", predicate: { op: "false" } });
    assert.deepEqual(combinePaths([{ op: "false" }, fr]), { access: "filtered", predicate: fr });
  });
  test("from text to SQL: a user without the attribute only sees the other path's rows", () => {
    const byRegion = parseFilterExpression("region = {{user.region}}");
    const byCountry = parseFilterExpression("country in (France, Spain)");
    const effective = combinePaths([byRegion, byCountry].map((p) => resolvePredicate(p, { country: ["x"] })));
    assert.equal(effective.access, "filtered");
    assert.deepEqual(toSql((effective as { predicate: ResolvedPredicate }).predicate), {
      sql: `"country" IN ($1, $2)`,
      params: ["France", "Spain"],
    });
  });
});

describe("toSql", () => {
  test("renders each operator with $n placeholders from 1", () => {
    assert.deepEqual(
      toSql({
        op: "and",
        args: [
          eq("a", 1),
          eqOp("ne", "b", "x"),
          { op: "in", column: "c", values: [true, false] },
          { op: "not_in", column: "d", values: ["p", "q"] },
        ],
      }),
      {
        sql: `"a" = $1 AND "b" <> $2 AND "c" IN ($3, $4) AND "d" NOT IN ($5, $6)`,
        params: [1, "x", true, false, "p", "q"],
      },
    );
  });

  test("numbering may start elsewhere, to append to an existing query", () => {
    assert.deepEqual(toSql(eq("a", 1), { startIndex: 4 }), { sql: `"a" = $4`, params: [1] });
  });

  test("question-mark placeholders on request", () => {
    assert.deepEqual(toSql({ op: "in", column: "a", values: [1, 2] }, { placeholder: "question" }), {
      sql: `"a" IN (?, ?)`,
      params: [1, 2],
    });
  });

  test("values are never inlined in the SQL, even hostile ones like `x'); drop table t; --`", () => {
    const hostile = "x'); drop table t; --";
    const { sql, params } = toSql({
      op: "or",
      args: [eq("a", hostile), { op: "in", column: "b", values: [hostile, '"$1'] }],
    });
    assert.equal(sql, `("a" = $1 OR "b" IN ($2, $3))`);
    assert.deepEqual(params, [hostile, hostile, '"$1']);
  });

  test("identifiers with quotes are escaped, dotted columns are quoted per part", () => {
    assert.equal(toSql(eq('we"ird', 1)).sql, `"we""ird" = $1`);
    assert.equal(toSql(eq("sales.orders.region", 1)).sql, `"sales"."orders"."region" = $1`);
    assert.equal(toSql(eq("Region", 1)).sql, `"Region" = $1`);
  });

  test("or inside and is parenthesised, and inside or is not", () => {
    const or: ResolvedPredicate = { op: "or", args: [eq("a", 1), eq("b", 2)] };
    const and: ResolvedPredicate = { op: "and", args: [eq("c", 3), eq("d", 4)] };
    assert.equal(toSql({ op: "and", args: [or, eq("e", 5)] }).sql, `("a" = $1 OR "b" = $2) AND "e" = $3`);
    assert.equal(toSql({ op: "or", args: [and, eq("e", 5)] }).sql, `("c" = $1 AND "d" = $2 OR "e" = $3)`);
  });

  test("a top-level OR is parenthesised so appending it with AND cannot widen it", () => {
    assert.equal(toSql({ op: "or", args: [eq("a", 1), eq("b", 2)] }).sql, `("a" = $1 OR "b" = $2)`);
  });

  test("true and false render as TRUE and FALSE without parameters", () => {
    assert.deepEqual(toSql({ op: "true" }), { sql: "TRUE", params: [] });
    assert.deepEqual(toSql({ op: "false" }), { sql: "FALSE", params: [] });
    assert.deepEqual(toSql({ op: "in", column: "a", values: [] }), { sql: "FALSE", params: [] });
  });

  test("bad options are refused", () => {
    assertInvalid(() => toSql(eq("a", 1), { startIndex: 0 }), /startIndex/);
    assertInvalid(() => toSql(eq("", 1)), /column/);
  });
});

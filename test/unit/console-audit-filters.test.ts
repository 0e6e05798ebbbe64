import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  actionLabel,
  describeChange,
  formatValue,
  predicateText,
} from "../../web/src/pages/audit/changes.ts";
import { caretAt } from "../../web/src/pages/filters/caret.ts";

/** The console's audit entries as a person reads them, and a filter's parse error located in its text. */
describe("console: audit entries, readably", () => {
  test("a change lists the fields that changed, before and after; ids and timestamps stay out", () => {
    assert.deepEqual(
      describeChange(
        { id: "grp_1", name: "Finance team", notify: "none", updatedAt: "a" },
        { id: "grp_1", name: "Finance people", notify: "email", updatedAt: "b" },
      ),
      {
        kind: "changed",
        changes: [
          { field: "name", before: "Finance team", after: "Finance people" },
          { field: "notify", before: "none", after: "email" },
        ],
      },
    );
    assert.deepEqual(describeChange(null, { id: "r", name: "Finance", createdAt: "t", privileges: true }), {
      kind: "created",
      changes: [
        { field: "name", before: null, after: "Finance" },
        { field: "privileges", before: null, after: "yes" },
      ],
    });
    assert.deepEqual(describeChange({ name: "Gone", resourceIds: null }, null), {
      kind: "removed",
      changes: [
        { field: "name", before: "Gone", after: null },
        { field: "resource ids", before: null, after: null },
      ],
    });
    assert.deepEqual(describeChange(null, null), { kind: "none" });
  });

  test("values are written plainly: names for objects, lists joined, filters in their text syntax", () => {
    assert.equal(
      formatValue({ users: [{ id: "u", email: "alice@x.test" }] }),
      '{"users":[{"id":"u","email":"alice@x.test"}]}',
    );
    assert.equal(
      formatValue([
        { id: "u", email: "alice@x.test" },
        { id: "g", name: "Sales" },
      ]),
      "alice@x.test, Sales",
    );
    assert.equal(formatValue([]), "none");
    assert.equal(formatValue({ kind: "group", id: "grp_1" }), "group grp_1");
    assert.equal(
      predicateText({
        op: "or",
        args: [
          {
            op: "and",
            args: [
              { op: "eq", column: "region", value: { attr: "region" } },
              { op: "ne", column: "status", value: "closed" },
            ],
          },
          { op: "in", column: "country", values: ["France", "Spain"] },
        ],
      }),
      "(region = {{user.region}} and status != closed) or country in (France, Spain)",
    );
    assert.equal(formatValue({ op: "not_in", column: "tier", values: [1, 2] }), "tier not in (1, 2)");
    assert.equal(predicateText({ name: "not a predicate" }), null);
  });

  test("actions in words, and the action itself when it has none", () => {
    assert.equal(actionLabel("rule.replace"), "Changed a rule's role");
    assert.equal(actionLabel("something.new"), "something.new");
  });
});

describe("console: a filter's parse error, located", () => {
  test("the caret points under the character, on its own line", () => {
    assert.deepEqual(caretAt("country in (France, Spain", 25), {
      line: 1,
      column: 26,
      marker: `country in (France, Spain\n${" ".repeat(25)}^`,
    });
    assert.deepEqual(caretAt("region = EMEA\nand = 3", 18), { line: 2, column: 5, marker: "and = 3\n    ^" });
    assert.equal(caretAt("abc", 99).column, 4, "a position past the end points at the end");
  });
});

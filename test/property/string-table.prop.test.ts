import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { StringTable } from "../../src/access/string-table.ts";

/** Keys from a small alphabet, so that sets, deletes and look-ups meet the same keys often. */
const key = fc.oneof(
  fc.string({ unit: fc.constantFrom("a", "b", "é", "@", "\u{1F600}"), maxLength: 4 }),
  fc.constantFrom("", "user1@bench.test", "USER1@bench.test", "usr_1"),
);
const op = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), key, value: fc.nat({ max: 0x3fffffff }) }),
  fc.record({ kind: fc.constant("delete" as const), key }),
  fc.record({ kind: fc.constant("get" as const), key }),
);

test("StringTable answers as a Map does, through any sequence of sets, deletes and look-ups", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      const table = new StringTable();
      const map = new Map<string, number>();
      for (const o of ops) {
        if (o.kind === "set") {
          table.set(o.key, o.value);
          map.set(o.key, o.value);
        } else if (o.kind === "delete") {
          assert.equal(table.delete(o.key), map.delete(o.key));
        } else {
          assert.equal(table.get(o.key), map.get(o.key));
        }
        assert.equal(table.size, map.size);
      }
      for (const [k, v] of map) assert.equal(table.get(k), v);
    }),
    { numRuns: 300 },
  );
});

test("StringTable keeps 100,000 keys through growth and churn, and refuses values that are not positions", () => {
  const table = new StringTable();
  for (let i = 0; i < 100_000; i++) table.set(`user${i}@bench.test`, i);
  // Churn: half deleted and set again under another key, so deletion marks pile up and are rebuilt away.
  for (let i = 0; i < 100_000; i += 2) {
    assert.equal(table.delete(`user${i}@bench.test`), true);
    table.set(`moved${i}@bench.test`, i);
  }
  assert.equal(table.size, 100_000);
  for (let i = 0; i < 100_000; i++) {
    assert.equal(table.get(`user${i}@bench.test`), i % 2 === 0 ? undefined : i);
    assert.equal(table.get(`moved${i}@bench.test`), i % 2 === 0 ? i : undefined);
  }
  for (const bad of [-1, 1.5, Number.NaN, 2 ** 31]) assert.throws(() => table.set("x", bad), RangeError);
  assert.equal(table.get("x"), undefined);
});

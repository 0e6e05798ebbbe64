import assert from "node:assert/strict";
import { test } from "node:test";
import type { OrgIndex } from "../../src/access/index.ts";
import { ActivityGate } from "../../src/http/activity-gate.ts";

test("the activity gate lets each user of an index through once per minute, and grows with the index", () => {
  const gate = new ActivityGate();
  // The gate only uses an index as a key: any two objects stand for two indexes.
  const a = {} as OrgIndex;
  const b = {} as OrgIndex;
  assert.equal(gate.pass(a, 3, 100), true);
  assert.equal(gate.pass(a, 3, 100), false, "the same minute");
  assert.equal(gate.pass(b, 3, 100), true, "another index has its own users");
  assert.equal(gate.pass(a, 4, 100), true, "another user");
  assert.equal(gate.pass(a, 3, 101), true, "the next minute");
  assert.equal(gate.pass(a, 50_000, 101), true, "past the first array");
  assert.equal(gate.pass(a, 50_000, 101), false);
  assert.equal(gate.pass(a, 4, 100), false, "what it saw before growing is kept");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { OrgIndex } from "../../src/access/index.ts";
import { ActivityGate } from "../../src/http/activity-gate.ts";

test("the activity gate lets each user of an index through once a minute, and grows with the index", () => {
  const gate = new ActivityGate();
  // The gate only uses an index as a key: any two objects stand for two indexes.
  const a = {} as OrgIndex;
  const b = {} as OrgIndex;
  const t = 1_800_000_000_000;
  assert.equal(gate.pass(a, 3, t), true);
  assert.equal(gate.pass(a, 3, t + 59_999), false, "within the minute");
  assert.equal(gate.pass(b, 3, t), true, "another index has its own users");
  assert.equal(gate.pass(a, 4, t), true, "another user");
  // A minute after the last pass, as the recorder counts it, whatever the clock minute.
  assert.equal(gate.pass(a, 3, t + 60_000), true);
  assert.equal(gate.pass(a, 3, t + 61_000), false);
  assert.equal(gate.pass(a, 50_000, t), true, "past the first array");
  assert.equal(gate.pass(a, 50_000, t + 1), false);
  assert.equal(gate.pass(a, 4, t + 30_000), false, "what it saw before growing is kept");
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sentenceFor } from "../../web/src/errors.ts";
import {
  emptyRow,
  rowProblem,
  rowsFromRules,
  samePrivileges,
  toPrivileges,
} from "../../web/src/pages/groups/privileges.ts";

/** The group wizard's privileges step: a group's rules as rows, and rows as the privileges the API sets. */
describe("console: a group's privileges as rows", () => {
  const rule = (id: string, type: string, resource: string | null, role: string, locked = false) => ({
    id,
    type,
    scope: resource === null ? ("all_current_and_future" as const) : ("resource" as const),
    resource: resource === null ? null : { id: `res_${resource}`, key: resource, name: resource },
    role: { id: `role_${role}`, name: role },
    locked,
    updatedAt: "2026-01-01T00:00:00.000Z",
  });

  test("rules on resources become one row per type and role; all current and future is a row of its own", () => {
    const rows = rowsFromRules([
      rule("r1", "app", "Finance", "Writer"),
      rule("r2", "app", "HR", "Writer"),
      rule("r3", "app", "Sales", "Reader"),
      rule("r4", "site", null, "Analyst"),
      rule("r5", "workspace", null, "Power user", true),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.type, r.scope, r.resources.map((p) => p.label), r.roleId]),
      [
        ["app", "some", ["Finance", "HR"], "role_Writer"],
        ["app", "some", ["Sales"], "role_Reader"],
        ["site", "all_current_and_future", [], "role_Analyst"],
      ],
      "the locked system rule is not the group's to edit",
    );
    assert.deepEqual(toPrivileges(rows), [
      {
        role: { roleId: "role_Writer" },
        scope: { kind: "resources", resourceIds: ["res_Finance", "res_HR"] },
      },
      { role: { roleId: "role_Reader" }, scope: { kind: "resources", resourceIds: ["res_Sales"] } },
      { role: { roleId: "role_Analyst" }, scope: { kind: "all_current_and_future", type: "site" } },
    ]);
  });

  test("the same rules in another order are the same privileges; a changed role is not", () => {
    const a = rowsFromRules([rule("r1", "app", "Finance", "Writer"), rule("r2", "app", "HR", "Writer")]);
    const b = rowsFromRules([rule("r2", "app", "HR", "Writer"), rule("r1", "app", "Finance", "Writer")]);
    assert.equal(samePrivileges(a, b), true);
    assert.equal(samePrivileges(a, [{ ...a[0]!, roleId: "role_Manager" }]), false);
    assert.equal(samePrivileges(a, []), false);
    assert.equal(samePrivileges([], []), true);
  });

  test("a row needs resources (or all of them) and a role", () => {
    const row = emptyRow("app");
    assert.deepEqual(rowProblem(row), {
      field: "resources",
      message: "Choose at least one, or all of them.",
    });
    assert.deepEqual(rowProblem({ ...row, scope: "all_current" }), {
      field: "role",
      message: "Choose a role.",
    });
    assert.equal(rowProblem({ ...row, scope: "all_current", roleId: "role_Reader" }), null);
    assert.deepEqual(toPrivileges([{ ...row, scope: "all_current", roleId: "role_Reader" }]), [
      { role: { roleId: "role_Reader" }, scope: { kind: "all_current", type: "app" } },
    ]);
  });
});

describe("console: the refusal to delete a group that has members", () => {
  test("asks to confirm that the members go, instead of the API's force", () => {
    const detail = "All staff still has members: remove them first, or delete with force.";
    assert.equal(
      sentenceFor({ status: 409, code: "group.has_members", detail }),
      "All staff still has members: remove them first, or confirm that its members are removed with it.",
    );
    assert.equal(
      sentenceFor({ status: 409, code: "group.has_members" }),
      "The group still has members: remove them first, or confirm that its members are removed with it.",
    );
  });
});

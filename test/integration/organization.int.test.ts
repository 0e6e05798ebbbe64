import assert from "node:assert/strict";
import { test } from "node:test";
import { foldLog, orgRole, SYSTEM_GROUPS } from "../../src/domain/index.ts";
import { loadSnapshot, readChanges } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { newOrg } from "../support/org.ts";

describeBackends("organizations", (store) => {
  test("a new organization has the catalog, the system groups and an owner", async () => {
    const org = await newOrg(store());
    const { state, revision } = await loadSnapshot(store(), org.organization.id);
    assert.equal(revision, 1);
    assert.deepEqual([...state.types.keys()], ["app", "site", "workspace", "dataset", "organization"]);
    assert.deepEqual(
      [...state.groups.values()].map((g) => g.name).sort(),
      SYSTEM_GROUPS.map((g) => g.name).sort(),
    );
    assert.equal(orgRole(state, org.admin.id), "owner");
    assert.equal([...state.rules.values()].filter((r) => r.locked).length, 5);
  });

  test("the change log folds to the stored state", async () => {
    const org = await newOrg(store());
    const { state } = await loadSnapshot(store(), org.organization.id);
    const log = await readChanges(store().db, org.organization.id, 0);
    assert.deepEqual(foldLog(log.map((c) => c.event)), state);
  });
});

import assert from "node:assert/strict";
import { foldLog } from "../../src/domain/index.ts";
import { loadSnapshot, readChanges, type Store } from "../../src/store/index.ts";
import type { TestOrg } from "./org.ts";

/** The change log must fold to exactly the stored state: the index follows the log, so any drift is a bug. */
export async function assertLogMatchesStore(store: Store, org: TestOrg): Promise<void> {
  const snapshot = await loadSnapshot(store, org.organization.id);
  const log = await readChanges(store.db, org.organization.id, 0);
  assert.equal(
    log.at(-1)?.revision,
    snapshot.revision,
    "the last logged revision is the organization's revision",
  );
  const revisions = [...new Set(log.map((c) => c.revision))];
  assert.deepEqual(
    revisions,
    Array.from({ length: snapshot.revision }, (_, i) => i + 1),
    "the log is gapless",
  );
  assert.deepEqual(foldLog(log.map((c) => c.event)), snapshot.state);
}

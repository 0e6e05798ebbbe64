import { parentPort } from "node:worker_threads";
import { OrgIndex } from "../access/index.ts";
import type { OrgId } from "../domain/index.ts";
import { ActivityGate } from "./activity-gate.ts";
import type { FromThread, ToThread } from "./check-threads.ts";
import { BatchAnswerer } from "./checks.ts";

/**
 * A check thread: a replica of every organization's index, folded from what
 * the main thread's index applies (in the same order, at the same
 * revisions), answering batch checks from their body's text.
 */
const port = parentPort;
if (!port) throw new Error("check-thread.ts runs in a worker thread.");
const replicas = new Map<OrgId, OrgIndex>();
const answerer = new BatchAnswerer();
const gate = new ActivityGate();

port.on("message", (message: ToThread) => {
  switch (message.kind) {
    case "load":
      replicas.set(message.orgId, OrgIndex.fromState(message.state, message.revision));
      return;
    case "apply": {
      const index = replicas.get(message.orgId);
      if (index && message.revision > index.revision) index.applyAll(message.events, message.revision);
      return;
    }
    case "batch": {
      const index = replicas.get(message.orgId);
      let reply: FromThread;
      if (!index) reply = { id: message.id, answer: null, seen: [] };
      else {
        const now = Date.now();
        const seen: string[] = [];
        try {
          const answer = answerer.answer(index, message.text, (u) => {
            if (gate.pass(index, u, now)) seen.push(index.userId(u));
          });
          reply = { id: message.id, answer, seen };
        } catch (e) {
          // A defect, not a bad request: the caller gets a 500, and the thread goes on.
          const why = e instanceof Error ? e.message : String(e);
          reply = { id: message.id, answer: { kind: "failed", message: why }, seen: [] };
        }
      }
      port.postMessage(reply);
      return;
    }
  }
});
port.postMessage("ready");

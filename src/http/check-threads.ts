import { Worker } from "node:worker_threads";
import type { AccessIndex, IndexChange } from "../access/index.ts";
import type { OrgId } from "../domain/index.ts";
import type { BatchAnswer } from "./checks.ts";

/** What the main thread sends a check thread: the index's changes, and batches to answer. */
export type ToThread =
  | IndexChange
  | { readonly kind: "batch"; readonly id: number; readonly orgId: OrgId; readonly text: string };

/** A check thread's answer, with the users it saw for "last active"; null when it has no such organization. */
export type FromThread = {
  readonly id: number;
  readonly answer: BatchAnswer | null;
  readonly seen: string[];
};

const TSX = import.meta.resolve("tsx/esm/api");
const ENTRY = new URL("./check-thread.ts", import.meta.url).href;
/** The thread's first code: TypeScript through tsx, as the server itself runs (bin/roster.js). */
const BOOT = `import(${JSON.stringify(TSX)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY)}); });`;

type Pending = { readonly resolve: (reply: FromThread | null) => void; readonly since: number };
type Thread = { readonly worker: Worker; readonly pending: Map<number, Pending>; alive: boolean };

/** A batch takes milliseconds; a thread silent this long on one is stuck, and is stopped. */
const STUCK_MS = 10_000;

/** Starts one thread; resolves once its code is loaded and it listens. */
function spawn(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true });
    worker.once("message", () => resolve(worker));
    worker.once("error", reject);
  });
}

/**
 * Check threads: batch checks answered beside the main thread, which keeps
 * HTTP, authentication, the database, "last active" and the index. Each
 * thread holds a replica of the index, folded from the loads and revisions
 * the main thread's index applies (posted in order, before any reader waiting
 * for that revision is released), and answers a batch from its body's text:
 * parsing, validation, the checks and serialisation, the part of a batch
 * that grows with its size. A thread that dies, cannot be sent a change, or
 * stays silent on a batch for STUCK_MS is stopped, and its batches (those in
 * flight too) are answered on the main thread.
 * (docs/decisions/0001-check-threads.md)
 */
export class CheckThreads {
  private next = 0;
  private seq = 0;
  private readonly unobserve: () => void;
  private readonly watchdog: NodeJS.Timeout;

  private constructor(
    index: AccessIndex,
    private readonly threads: Thread[],
    missed: readonly IndexChange[],
  ) {
    for (const change of missed) this.tell(change);
    this.unobserve = index.observe((change) => this.tell(change));
    for (const t of threads) {
      t.worker.on("message", (reply: FromThread) => {
        const pending = t.pending.get(reply.id);
        t.pending.delete(reply.id);
        pending?.resolve(reply);
      });
      t.worker.on("error", (e) => this.lose(t, e.message));
      t.worker.on("exit", (code) => this.lose(t, `exit code ${code}`));
    }
    this.watchdog = setInterval(() => {
      const now = Date.now();
      for (const t of this.threads) {
        for (const p of t.pending.values()) {
          if (now - p.since > STUCK_MS) {
            this.lose(t, `no answer to a batch in ${STUCK_MS / 1000} s`);
            break;
          }
        }
      }
    }, 1000);
    this.watchdog.unref();
  }

  /**
   * Starts `count` threads that follow `index`; start them before the index
   * loads any organization, so that they see every load.
   */
  static async start(index: AccessIndex, count: number): Promise<CheckThreads> {
    if (index.revisions().size > 0) throw new Error("Start the check threads before the access index.");
    // Changes while the threads start are kept, and sent first.
    const missed: IndexChange[] = [];
    const keep = index.observe((change) => missed.push(change));
    let started: PromiseSettledResult<Worker>[];
    try {
      started = await Promise.allSettled(Array.from({ length: count }, spawn));
    } finally {
      keep();
    }
    const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      // None is left running: a worker thread would keep the process alive.
      await Promise.all(workers.map((w) => w.terminate()));
      throw new Error(`A check thread could not start: ${String(failed.reason)}`);
    }
    return new CheckThreads(
      index,
      workers.map((worker) => ({ worker, pending: new Map(), alive: true })),
      missed,
    );
  }

  /** Threads still running. */
  get running(): number {
    return this.threads.filter((t) => t.alive).length;
  }

  /** A thread's answer to a batch, or null when no thread can give one (answer it on this thread). */
  answer(orgId: OrgId, text: string): Promise<FromThread | null> {
    for (let i = 0; i < this.threads.length; i++) {
      const t = this.threads[this.next++ % this.threads.length]!;
      if (!t.alive) continue;
      const id = this.seq++;
      return new Promise((resolve) => {
        t.pending.set(id, { resolve, since: Date.now() });
        t.worker.postMessage({ kind: "batch", id, orgId, text } satisfies ToThread);
      });
    }
    return Promise.resolve(null);
  }

  async stop(): Promise<void> {
    this.unobserve();
    clearInterval(this.watchdog);
    for (const t of this.threads) this.settle(t);
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  /** Sends every running thread a change; one that cannot take it would answer from a stale copy. */
  private tell(change: IndexChange): void {
    for (const t of this.threads) {
      if (!t.alive) continue;
      try {
        t.worker.postMessage(change satisfies ToThread);
      } catch (e) {
        this.lose(t, `a change could not be sent: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** A thread that failed: said on stderr once, stopped, its batches left to the main thread. */
  private lose(t: Thread, why: string): void {
    if (!t.alive) return;
    process.stderr.write(`a check thread stopped (${why}); its batches are answered on the main thread\n`);
    this.settle(t);
    void t.worker.terminate();
  }

  /** No more batches for `t`; those in flight go back to the caller (null: answer them here). */
  private settle(t: Thread): void {
    t.alive = false;
    for (const p of t.pending.values()) p.resolve(null);
    t.pending.clear();
  }
}

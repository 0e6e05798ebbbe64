import type { OrgId, UserId } from "../domain/index.ts";
import { type Store, touchLastActive } from "../store/index.ts";

export type ActivityOptions = {
  /** How often pending activity is written (default 1 s). */
  readonly flushMs?: number;
  /** Most users written per round (default 2,000); the rest waits for the next round. */
  readonly maxPerFlush?: number;
  /**
   * Time a round may spend writing before it leaves the rest to the next (default 50 ms, so
   * 5% of each second at most). On PGlite the writes run on the main thread, beside HTTP and
   * the checks: a burst of first-seen users is spread out rather than taken from them.
   */
  readonly roundMs?: number;
};

/** Users per statement: on PGlite one statement holds the event loop for its whole length. */
const CHUNK = 100;
const MINUTE = 60_000;

/**
 * Records "last active" for users seen by checks or sign-ins: not a change
 * (no revision, no audit), written in the background at most once a minute
 * per user, so it never slows a check.
 *
 * Each user's own time is kept until written, so the writes can be paced: a
 * burst of 100k users first seen within a minute is written over the next
 * minutes, each round at most `maxPerFlush` users and `roundMs` of time, in
 * small statements with a turn of the event loop between them (on PGlite a
 * statement runs on the main thread). A user seen again while waiting keeps
 * one place in the queue, with the later time.
 */
export class ActivityRecorder {
  /** Per organization: user -> when we last took note of them (no string building on the hot path). */
  private readonly seen = new Map<OrgId, Map<UserId, number>>();
  /** Per organization: user -> when seen, not yet written. */
  private readonly pending = new Map<OrgId, Map<UserId, number>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly flushMs: number;
  private readonly maxPerFlush: number;
  private readonly roundMs: number;

  constructor(
    private readonly store: Store,
    options: ActivityOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 1000;
    this.maxPerFlush = options.maxPerFlush ?? 2000;
    this.roundMs = options.roundMs ?? 50;
  }

  /** Called on the hot path: a map look-up, nothing else. */
  record(orgId: OrgId, userId: UserId, now = Date.now()): void {
    let seen = this.seen.get(orgId);
    if (!seen) {
      seen = new Map();
      this.seen.set(orgId, seen);
    }
    const last = seen.get(userId);
    if (last !== undefined && now - last < MINUTE) return;
    seen.set(userId, now);
    let waiting = this.pending.get(orgId);
    if (!waiting) {
      waiting = new Map();
      this.pending.set(orgId, waiting);
    }
    waiting.set(userId, now);
    this.schedule();
  }

  /** Users seen and not yet written. */
  get backlog(): number {
    let n = 0;
    for (const waiting of this.pending.values()) n += waiting.size;
    return n;
  }

  /**
   * Writes up to `max` pending users, stopping once `ms` have passed (all of
   * them by default, as at shutdown); returns how many.
   */
  async flush(max = Number.POSITIVE_INFINITY, ms = Number.POSITIVE_INFINITY): Promise<number> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const until = performance.now() + ms;
    let written = 0;
    try {
      for (const [orgId, waiting] of this.pending) {
        while (waiting.size > 0 && written < max && performance.now() < until) {
          const chunk: { id: UserId; at: Date }[] = [];
          for (const [id, at] of waiting) {
            if (chunk.length === CHUNK || written + chunk.length >= max) break;
            chunk.push({ id, at: new Date(at) });
          }
          for (const { id } of chunk) waiting.delete(id);
          await touchLastActive(this.store.db, orgId, chunk);
          written += chunk.length;
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (waiting.size === 0) this.pending.delete(orgId);
      }
    } finally {
      this.forgetOld(Date.now());
      if (this.pending.size > 0) this.schedule();
    }
    return written;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => void this.flush(this.maxPerFlush, this.roundMs).catch(() => {}),
      this.flushMs,
    );
    this.timer.unref();
  }

  /** Notes older than a minute decide nothing any more: drop them so memory follows the active users. */
  private forgetOld(now: number): void {
    for (const [orgId, seen] of this.seen) {
      if (seen.size < 10_000) continue;
      for (const [id, at] of seen) if (now - at >= MINUTE) seen.delete(id);
      if (seen.size === 0) this.seen.delete(orgId);
    }
  }
}

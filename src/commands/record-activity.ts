import type { OrgId, UserId } from "../domain/index.ts";
import { type Store, touchLastActive } from "../store/index.ts";

/**
 * Records "last active" for users seen by checks or sign-ins: not a change
 * (no revision, no audit), written in the background at most once a minute
 * per user, so it never slows a check.
 */
export class ActivityRecorder {
  /** Per organization: user -> when we last recorded them (no string building on the hot path). */
  private readonly seen = new Map<OrgId, Map<UserId, number>>();
  private readonly pending = new Map<OrgId, Set<UserId>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly flushMs = 5000,
  ) {}

  /** Called on the hot path: a map look-up, nothing else. */
  record(orgId: OrgId, userId: UserId, now = Date.now()): void {
    let seen = this.seen.get(orgId);
    if (!seen) {
      seen = new Map();
      this.seen.set(orgId, seen);
    }
    const last = seen.get(userId);
    if (last !== undefined && now - last < 60_000) return;
    seen.set(userId, now);
    let set = this.pending.get(orgId);
    if (!set) {
      set = new Set();
      this.pending.set(orgId, set);
    }
    set.add(userId);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => {}), this.flushMs);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending];
    this.pending.clear();
    const at = new Date();
    for (const [orgId, users] of batches) {
      const list = [...users];
      for (let i = 0; i < list.length; i += 1000)
        await touchLastActive(this.store.db, orgId, list.slice(i, i + 1000), at);
    }
  }
}

import type { OrgIndex } from "../access/index.ts";

const MINUTE = 60_000;

/**
 * The check routes' first filter of "last active": a user, by their position
 * in the organization's index, goes on to the recorder at most once a minute,
 * by the recorder's own rule (a minute since the last time, in milliseconds),
 * so the two never disagree. A typed array per index costs a check one array
 * read, where the recorder's map of 100,000 users costs a hash look-up.
 * Positions are never reused within one index, and a rebuilt index gets a
 * fresh array.
 */
export class ActivityGate {
  private readonly seen = new WeakMap<OrgIndex, Float64Array>();

  /** True when user `u` of `index` last passed a minute or more before `now` (and marks it passed). */
  pass(index: OrgIndex, u: number, now: number): boolean {
    let seen = this.seen.get(index);
    if (!seen || u >= seen.length) {
      const grown = new Float64Array(Math.max(1024, (u + 1) * 2)).fill(Number.NEGATIVE_INFINITY);
      if (seen) grown.set(seen);
      seen = grown;
      this.seen.set(index, seen);
    }
    if (now - seen[u]! < MINUTE) return false;
    seen[u] = now;
    return true;
  }
}

import type { OrgIndex } from "../access/index.ts";

/**
 * The check routes' first filter of "last active": a user, by their position
 * in the organization's index, goes on to the recorder at most once per clock
 * minute. A typed array per index costs a check one array read, where the
 * recorder's map of 100,000 users costs a hash look-up; the recorder still
 * keeps its own once-a-minute rule. Positions are never reused within one
 * index, and a rebuilt index gets a fresh array.
 */
export class ActivityGate {
  private readonly minutes = new WeakMap<OrgIndex, Uint32Array>();

  /** True when user `u` of `index` has not passed in this minute (and marks it passed). */
  pass(index: OrgIndex, u: number, minute: number): boolean {
    let seen = this.minutes.get(index);
    if (!seen || u >= seen.length) {
      const grown = new Uint32Array(Math.max(1024, (u + 1) * 2));
      if (seen) grown.set(seen);
      seen = grown;
      this.minutes.set(index, seen);
    }
    if (seen[u] === minute) return false;
    seen[u] = minute;
    return true;
  }
}

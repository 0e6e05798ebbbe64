/**
 * Compact storage for the index: many small lists in one typed array, so the
 * hot path reads a few dense arrays instead of chasing an object per user or
 * per group. Space freed by a list that moved is reclaimed by compacting when
 * it passes half of the pool.
 */

function grown(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, a.length * 2, 64));
  b.set(a);
  return b;
}

/** Growable unordered lists of ints (a user's groups). */
export class ListArena {
  off = new Int32Array(0);
  len = new Int32Array(0);
  cap = new Int32Array(0);
  data = new Int32Array(1024);
  private used = 0;

  ensure(lists: number): void {
    this.off = grown(this.off, lists);
    this.len = grown(this.len, lists);
    this.cap = grown(this.cap, lists);
  }

  push(i: number, value: number): void {
    const n = this.len[i]!;
    if (n === this.cap[i]) {
      const cap = Math.max(4, n * 2);
      if (this.used + cap > this.data.length) this.compact(cap);
      const from = this.off[i]!;
      this.data.copyWithin(this.used, from, from + n);
      this.off[i] = this.used;
      this.cap[i] = cap;
      this.used += cap;
    }
    this.data[this.off[i]! + n] = value;
    this.len[i] = n + 1;
  }

  /** Removes one occurrence of value (order is not kept). */
  remove(i: number, value: number): boolean {
    const o = this.off[i]!;
    const n = this.len[i]!;
    for (let k = 0; k < n; k++) {
      if (this.data[o + k] === value) {
        this.data[o + k] = this.data[o + n - 1]!;
        this.len[i] = n - 1;
        return true;
      }
    }
    return false;
  }

  clear(i: number): void {
    this.len[i] = 0;
  }

  values(i: number): number[] {
    const o = this.off[i]!;
    return Array.from(this.data.subarray(o, o + this.len[i]!));
  }

  private compact(need: number): void {
    const lists = this.off.length;
    let live = 0;
    for (let i = 0; i < lists; i++) live += this.cap[i]!;
    const data = new Int32Array(Math.max(1024, (live + need) * 2));
    let at = 0;
    for (let i = 0; i < lists; i++) {
      const o = this.off[i]!;
      data.set(this.data.subarray(o, o + this.len[i]!), at);
      this.off[i] = at;
      at += this.cap[i]!;
    }
    this.data = data;
    this.used = at;
  }
}

/** Per-slot sorted (key, value) arrays in two pools (a group's merged grants). */
export class PairArena {
  off = new Int32Array(0);
  len = new Int32Array(0);
  keys = new Int32Array(1024);
  vals = new Int32Array(1024);
  private used = 0;

  ensure(slots: number): void {
    this.off = grown(this.off, slots);
    this.len = grown(this.len, slots);
  }

  /** Replaces slot i's pairs; `keys` must be sorted ascending. */
  set(i: number, keys: ArrayLike<number>, vals: ArrayLike<number>): void {
    const n = keys.length;
    if (n > this.len[i]!) {
      if (this.used + n > this.keys.length) this.compact(n);
      this.off[i] = this.used;
      this.used += n;
    }
    const o = this.off[i]!;
    for (let k = 0; k < n; k++) {
      this.keys[o + k] = keys[k]!;
      this.vals[o + k] = vals[k]!;
    }
    this.len[i] = n;
  }

  /** The value of key in slot i, or 0. */
  lookup(i: number, key: number): number {
    const keys = this.keys;
    let lo = this.off[i]!;
    let hi = lo + this.len[i]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (k === key) return this.vals[mid]!;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  private compact(need: number): void {
    const slots = this.off.length;
    let live = 0;
    for (let i = 0; i < slots; i++) live += this.len[i]!;
    const size = Math.max(1024, (live + need) * 2);
    const keys = new Int32Array(size);
    const vals = new Int32Array(size);
    let at = 0;
    for (let i = 0; i < slots; i++) {
      const o = this.off[i]!;
      const n = this.len[i]!;
      keys.set(this.keys.subarray(o, o + n), at);
      vals.set(this.vals.subarray(o, o + n), at);
      this.off[i] = at;
      at += n;
    }
    this.keys = keys;
    this.vals = vals;
    this.used = at;
  }
}

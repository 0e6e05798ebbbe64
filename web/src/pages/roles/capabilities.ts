/**
 * Ticking capabilities of a role with their dependencies, as the catalog
 * declares them (`requires`): ticking one ticks what it needs, transitively;
 * unticking one unticks what needs it, transitively. Pure, for the roles page.
 */

export type CapabilityDef = {
  readonly key: string;
  readonly label: string;
  readonly requires: readonly string[];
};

/** `keys` with everything they need, transitively. */
export function withDependencies(caps: readonly CapabilityDef[], keys: Iterable<string>): Set<string> {
  const byKey = new Map(caps.map((c) => [c.key, c]));
  const out = new Set<string>();
  const visit = (key: string) => {
    if (out.has(key)) return;
    out.add(key);
    for (const r of byKey.get(key)?.requires ?? []) visit(r);
  };
  for (const k of keys) visit(k);
  return out;
}

/** `keys` with everything that needs them, transitively. */
export function withDependents(caps: readonly CapabilityDef[], keys: Iterable<string>): Set<string> {
  const out = new Set(keys);
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of caps) {
      if (!out.has(c.key) && c.requires.some((r) => out.has(r))) {
        out.add(c.key);
        grew = true;
      }
    }
  }
  return out;
}

/** In catalog order. */
export function ordered(caps: readonly CapabilityDef[], keys: ReadonlySet<string>): string[] {
  return caps.filter((c) => keys.has(c.key)).map((c) => c.key);
}

/**
 * The selection after (un)ticking `key`, and what else changed with it.
 * `follow` off: only `key` changes (the server then refuses a set that
 * misses a dependency).
 */
export function toggle(
  caps: readonly CapabilityDef[],
  selected: ReadonlySet<string>,
  key: string,
  on: boolean,
  follow: boolean,
): { next: Set<string>; also: string[] } {
  const next = new Set(selected);
  if (!follow) {
    if (on) next.add(key);
    else next.delete(key);
    return { next, also: [] };
  }
  const moved = on ? withDependencies(caps, [key]) : withDependents(caps, [key]);
  const also = ordered(caps, moved).filter((k) => k !== key && selected.has(k) !== on);
  for (const k of moved) {
    if (on) next.add(k);
    else next.delete(k);
  }
  return { next, also };
}

/** The named role with exactly these capabilities, if any. */
export function sameAs(
  roles: readonly { name: string; capabilities: readonly string[]; builtin: boolean }[],
  keys: readonly string[],
): string | null {
  const want = [...keys].sort().join(",");
  for (let i = roles.length - 1; i >= 0; i--) {
    const r = roles[i]!;
    if (r.builtin && [...r.capabilities].sort().join(",") === want) return r.name;
  }
  return null;
}

export function labels(caps: readonly CapabilityDef[], keys: readonly string[]): string[] {
  return keys.map((k) => caps.find((c) => c.key === k)?.label ?? k);
}

/** "A", "A and B", "A, B and C". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

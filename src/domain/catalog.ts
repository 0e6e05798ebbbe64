import { fail } from "./errors.ts";

/**
 * The catalog: resource types, their capabilities (with dependencies) and
 * named roles. Within a type a capability is a bit; a role or an effective
 * access is a bitmask, so access resolution is a bitwise OR.
 */
export type Capability = {
  readonly key: string;
  readonly label: string;
  readonly requires: readonly string[];
};
export type NamedRoleDef = { readonly name: string; readonly capabilities: readonly string[] };
export type ResourceTypeDef = {
  readonly key: string;
  readonly label: string;
  readonly capabilities: readonly Capability[];
  /** Ordered from least to most. */
  readonly roles: readonly NamedRoleDef[];
};

export const MAX_CAPABILITIES = 31;

const cap = (key: string, label: string, ...requires: string[]): Capability => ({ key, label, requires });

/** The catalog every new organization gets (PRODUCT.md, Resource types). */
export const DEFAULT_CATALOG: readonly ResourceTypeDef[] = [
  {
    key: "app",
    label: "App",
    capabilities: [cap("view", "View"), cap("edit", "Edit"), cap("manage", "Manage")],
    roles: [
      { name: "Reader", capabilities: ["view"] },
      { name: "Writer", capabilities: ["view", "edit"] },
      { name: "Manager", capabilities: ["view", "edit", "manage"] },
    ],
  },
  {
    key: "site",
    label: "Site",
    capabilities: [
      cap("read_data", "Read data"),
      cap("explore_data", "Explore data", "read_data"),
      cap("handle_data", "Handle data", "explore_data"),
      cap("setup_tagging", "Set up tagging"),
      cap("manage_data_flows", "Manage data flows"),
      cap("configure_solution", "Configure solution"),
    ],
    roles: [
      { name: "Document reader", capabilities: ["read_data"] },
      { name: "Business user", capabilities: ["read_data", "explore_data"] },
      { name: "Analyst", capabilities: ["read_data", "explore_data", "handle_data"] },
      {
        name: "Advanced analyst",
        capabilities: [
          "read_data",
          "explore_data",
          "handle_data",
          "setup_tagging",
          "manage_data_flows",
          "configure_solution",
        ],
      },
    ],
  },
  {
    key: "workspace",
    label: "Workspace",
    capabilities: [
      cap("read_reports", "Read reports"),
      cap("read_data", "Read data"),
      cap("write_reports", "Write reports", "read_reports"),
      cap("write_data", "Write data", "read_data"),
      cap("manage_databases", "Manage databases"),
      cap("edit_schemas", "Edit schemas", "manage_databases"),
    ],
    roles: [
      { name: "Report consumer", capabilities: ["read_reports", "read_data"] },
      { name: "Report builder", capabilities: ["read_reports", "read_data", "write_reports"] },
      { name: "Database manager", capabilities: ["read_data", "manage_databases"] },
      {
        name: "Dataset designer",
        capabilities: ["read_data", "write_data", "manage_databases", "edit_schemas"],
      },
      { name: "Power user", capabilities: ["read_reports", "write_reports", "read_data", "write_data"] },
    ],
  },
  {
    key: "dataset",
    label: "Dataset",
    capabilities: [cap("query", "Query")],
    roles: [{ name: "Viewer", capabilities: ["query"] }],
  },
  {
    key: "organization",
    label: "Organization",
    capabilities: [
      cap("edit_data_model", "Edit data model"),
      cap("manage_users", "Manage users"),
      cap("manage_groups", "Manage groups"),
    ],
    roles: [
      { name: "Data supervisor", capabilities: ["edit_data_model"] },
      { name: "User manager", capabilities: ["manage_users"] },
      { name: "Group manager", capabilities: ["manage_groups"] },
    ],
  },
];

/** The type of the one resource every organization has, on which its manage capabilities are granted. */
export const ORGANIZATION_TYPE = "organization";
/** The capability on datasets that data filters restrict. */
export const QUERY_CAPABILITY = "query";
export const DATASET_TYPE = "dataset";

/** Validates a type definition: unique keys, known dependencies, no dependency cycles, roles closed. */
/** A resource type's key with its article, for messages: "an app", "a site" ("An app" to start a sentence). */
export function aType(key: string, start = false): string {
  const article = /^[aeiou]/i.test(key) ? "an" : "a";
  return `${start ? article[0]!.toUpperCase() + article.slice(1) : article} ${key}`;
}

export function validateResourceType(def: ResourceTypeDef): void {
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(def.key)) {
    fail("resource_type.invalid", `A type key must be lower-case letters, digits and _ (got "${def.key}").`);
  }
  if (def.capabilities.length === 0 || def.capabilities.length > MAX_CAPABILITIES) {
    fail("resource_type.invalid", `A type has between 1 and ${MAX_CAPABILITIES} capabilities.`);
  }
  const keys = new Set<string>();
  for (const c of def.capabilities) {
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(c.key))
      fail("resource_type.invalid", `Bad capability key "${c.key}".`);
    if (keys.has(c.key)) fail("resource_type.invalid", `Capability "${c.key}" is declared twice.`);
    keys.add(c.key);
  }
  for (const c of def.capabilities) {
    for (const r of c.requires) {
      if (!keys.has(r)) fail("resource_type.invalid", `Capability "${c.key}" requires unknown "${r}".`);
    }
  }
  const type = compileType(def, false);
  for (const c of def.capabilities) {
    // A capability that (transitively) requires itself could never be granted alone: refuse.
    const direct = type.requiresMask[type.index.get(c.key)!]!;
    if (closeMask(type, direct) & bit(type, c.key)) {
      fail("resource_type.invalid", `Capability "${c.key}" depends on itself.`);
    }
  }
  const names = new Set<string>();
  for (const r of def.roles) {
    if (!r.name.trim() || r.name.length > 80)
      fail("resource_type.invalid", "A role needs a name of 1 to 80 characters.");
    if (names.has(r.name.toLowerCase())) fail("resource_type.invalid", `Role "${r.name}" is declared twice.`);
    names.add(r.name.toLowerCase());
    const mask = maskOf(type, r.capabilities);
    if (closeMask(type, mask) !== mask) {
      fail(
        "resource_type.invalid",
        `Role "${r.name}" lacks a capability that one of its capabilities requires.`,
      );
    }
  }
}

/** A type with its capability bits precomputed. */
export type CompiledType = {
  readonly def: ResourceTypeDef;
  readonly index: ReadonlyMap<string, number>;
  /** Direct requirements of capability i, as a mask. */
  readonly requiresMask: readonly number[];
  readonly allMask: number;
  /** Named roles with their masks, in catalog order (least to most). */
  readonly roles: readonly { name: string; mask: number }[];
};

export function compileType(def: ResourceTypeDef, validate = true): CompiledType {
  if (validate) validateResourceType(def);
  const index = new Map(def.capabilities.map((c, i) => [c.key, i]));
  const requiresMask = def.capabilities.map((c) => c.requires.reduce((m, r) => m | (1 << index.get(r)!), 0));
  const partial = { def, index, requiresMask, allMask: (2 ** def.capabilities.length - 1) | 0, roles: [] };
  const roles = def.roles.map((r) => ({ name: r.name, mask: maskOf(partial, r.capabilities) }));
  return { ...partial, roles };
}

function bit(type: Pick<CompiledType, "index" | "def">, key: string): number {
  const i = type.index.get(key);
  if (i === undefined) {
    fail("capability.unknown", `"${key}" is not a capability of ${type.def.key}.`, {
      capability: key,
      type: type.def.key,
    });
  }
  return 1 << i;
}

/** The mask of a list of capability keys; unknown keys are refused. */
export function maskOf(type: Pick<CompiledType, "index" | "def">, capabilities: readonly string[]): number {
  let mask = 0;
  for (const c of capabilities) mask |= bit(type, c);
  return mask;
}

/** The capability keys of a mask, in catalog order. */
export function capabilitiesOf(type: CompiledType, mask: number): string[] {
  return type.def.capabilities.filter((_, i) => mask & (1 << i)).map((c) => c.key);
}

/** Adds every capability the mask's capabilities require, transitively. */
export function closeMask(type: Pick<CompiledType, "requiresMask">, mask: number): number {
  let closed = mask;
  for (;;) {
    let next = closed;
    for (let i = 0; i < type.requiresMask.length; i++) {
      if (closed & (1 << i)) next |= type.requiresMask[i]!;
    }
    if (next === closed) return closed;
    closed = next;
  }
}

export type CapabilitySummary = {
  capabilities: string[];
  /** The highest named role the set contains whole, or null when it contains none. */
  role: string | null;
  /** True when the set has capabilities beyond that role (or contains no role): reported as custom. */
  custom: boolean;
};

/**
 * The highest named role of a set: the named role with the most capabilities
 * that the set contains whole (ties: the later in the list). When the set
 * contains none, or exceeds every role it contains, it is custom.
 */
export function highestNamedRole(type: CompiledType, mask: number): { name: string; mask: number } | null {
  let best: { name: string; mask: number } | null = null;
  let bestCount = -1;
  for (const r of type.roles) {
    if ((r.mask & mask) !== r.mask) continue;
    const count = popcount(r.mask);
    if (count >= bestCount) {
      best = r;
      bestCount = count;
    }
  }
  return best;
}

export function summarize(type: CompiledType, mask: number): CapabilitySummary {
  const best = highestNamedRole(type, mask);
  return {
    capabilities: capabilitiesOf(type, mask),
    role: best?.name ?? null,
    // No capability at all is no access, not a custom role.
    custom: mask !== 0 && (best === null || best.mask !== mask),
  };
}

/** The named role whose capabilities are exactly this set, if any ("this is Analyst"). */
export function namedRoleEqualTo(type: CompiledType, mask: number): string | null {
  for (let i = type.roles.length - 1; i >= 0; i--)
    if (type.roles[i]!.mask === mask) return type.roles[i]!.name;
  return null;
}

/**
 * A custom role's capabilities: with `close`, the dependency closure is added;
 * without it, a set missing a dependency is refused with the missing ones named.
 */
export function customRoleMask(type: CompiledType, capabilities: readonly string[], close: boolean): number {
  if (capabilities.length === 0) fail("role.invalid", "A role needs at least one capability.");
  const mask = maskOf(type, capabilities);
  const closed = closeMask(type, mask);
  if (closed !== mask && !close) {
    const missing = capabilitiesOf(type, closed & ~mask);
    const needers = capabilitiesOf(type, mask).filter((c) => type.requiresMask[type.index.get(c)!]! & ~mask);
    fail(
      "capability.missing_dependency",
      `${needers.join(", ")} cannot be granted without ${missing.join(", ")}.`,
      { missing, type: type.def.key },
    );
  }
  return closed;
}

export function popcount(n: number): number {
  let x = n - ((n >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

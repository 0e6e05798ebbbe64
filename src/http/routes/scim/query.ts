import { fail } from "../../../domain/index.ts";
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_USER } from "../../../queries/index.ts";

/** The most resources one page returns (ServiceProviderConfig's filter.maxResults). */
export const MAX_RESULTS = 500;
const DEFAULT_COUNT = 100;

/** Query parameters by lower-cased name (SCIM clients vary in case); a repeated one is refused. */
export function params(query: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value !== "string") fail("request.invalid", `Send the parameter ${key} once.`, { field: key });
    out.set(key.toLowerCase(), value);
  }
  return out;
}

function integer(p: Map<string, string>, name: string): number | undefined {
  const raw = p.get(name.toLowerCase())?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (!/^-?\d{1,12}$/.test(raw)) fail("request.invalid", `${name} must be an integer.`, { field: name });
  return Number(raw);
}

export type ListParams = {
  readonly filter: string | undefined;
  readonly startIndex: number;
  readonly count: number;
  readonly sortBy: string | undefined;
  readonly descending: boolean;
  readonly projection: Projection;
};

/**
 * RFC 7644 §3.4.2: `filter`, `sortBy` and `sortOrder`, `startIndex` (1-based;
 * below 1 means 1) and `count` (below 0 means 0, which only counts; above
 * MAX_RESULTS means MAX_RESULTS), `attributes` and `excludedAttributes`.
 */
export function listParams(p: Map<string, string>): ListParams {
  const order = p.get("sortorder")?.trim().toLowerCase();
  if (order !== undefined && order !== "" && order !== "ascending" && order !== "descending") {
    fail("request.invalid", "sortOrder is ascending or descending.", { field: "sortOrder" });
  }
  return {
    filter: p.get("filter"),
    startIndex: Math.max(1, integer(p, "startIndex") ?? 1),
    count: Math.min(MAX_RESULTS, Math.max(0, integer(p, "count") ?? DEFAULT_COUNT)),
    sortBy: p.get("sortby"),
    descending: order === "descending",
    projection: projection(p),
  };
}

// ---- attributes and excludedAttributes ------------------------------------------------

/** An attribute path: the schema it is in (null: the resource's core schema), then lower-cased names. */
type Path = { readonly schema: string | null; readonly names: readonly string[] };

export type Projection = {
  readonly attributes: readonly Path[] | null;
  readonly excluded: readonly Path[];
};

/** What the response shows (RFC 7644 §3.9); `id` and `schemas` always. */
export function projection(p: Map<string, string>): Projection {
  const list = (name: string) =>
    p
      .get(name)
      ?.split(",")
      .map((a) => a.trim())
      .filter(Boolean);
  const attributes = list("attributes");
  return {
    attributes: attributes?.length ? attributes.map(toPath) : null,
    excluded: (list("excludedattributes") ?? []).map(toPath),
  };
}

const SCHEMAS = [SCIM_USER, SCIM_GROUP, SCIM_ENTERPRISE_USER].map((u) => u.toLowerCase());

/** `urn:...:User:attr.sub` (a schema we know), `urn:...:User` (the whole extension), `attr.sub` or `attr`. */
function toPath(text: string): Path {
  const lower = text.toLowerCase();
  if (!lower.startsWith("urn:")) return { schema: null, names: lower.split(".") };
  for (const urn of SCHEMAS) {
    if (lower === urn) return { schema: urn, names: [] };
    if (lower.startsWith(`${urn}:`)) return { schema: urn, names: lower.slice(urn.length + 1).split(".") };
  }
  // A schema we do not know: no resource has it, so it names nothing.
  return { schema: lower, names: [] };
}

/** The path without its schema when that is the resource's own; null when it is in an extension. */
function corePath(path: Path, core: string): readonly string[] | null {
  return path.schema === null || path.schema === core.toLowerCase() ? path.names : null;
}

/** Whether the response will show a top-level attribute (to skip loading members or groups nobody asked for). */
export function shows(projection: Projection, name: string, core: string): boolean {
  const n = name.toLowerCase();
  const names = (p: Path) => corePath(p, core);
  if (projection.excluded.some((p) => names(p)?.length === 1 && names(p)?.[0] === n)) return false;
  if (!projection.attributes) return true;
  return projection.attributes.some((p) => names(p)?.[0] === n);
}

type Json = Record<string, unknown>;

/** The resource as the projection asks; `core` is the resource's own schema URN. */
export function project(resource: Json, projection: Projection, core: string): Json {
  const always = (key: string) => key === "id" || key === "schemas";
  let out: Json;
  if (projection.attributes) {
    out = {};
    for (const [key, value] of Object.entries(resource)) {
      if (always(key)) out[key] = value;
    }
    for (const path of projection.attributes) include(resource, out, path, core);
  } else {
    out = structuredClone(resource);
  }
  for (const path of projection.excluded) exclude(out, path, core);
  return out;
}

/** The key of `object` that `name` names, case-insensitively. */
function keyOf(object: Json, name: string): string | undefined {
  return Object.keys(object).find((k) => k.toLowerCase() === name);
}

/** `object[key]`, made first with `make` when absent. */
function child<T>(object: Json, key: string, make: () => T): T {
  if (object[key] === undefined) object[key] = make();
  return object[key] as T;
}

function include(from: Json, to: Json, path: Path, core: string) {
  let source = from;
  let target = to;
  let names = corePath(path, core);
  if (names === null) {
    const ext = keyOf(from, path.schema!);
    if (!ext) return;
    if (path.names.length === 0) {
      to[ext] = structuredClone(from[ext]);
      return;
    }
    source = from[ext] as Json;
    target = child<Json>(to, ext, () => ({}));
    names = path.names;
  }
  const [first, second] = names;
  const key = first === undefined ? undefined : keyOf(source, first);
  if (!key) return;
  const value = source[key];
  if (second === undefined || value === null || typeof value !== "object") {
    target[key] = structuredClone(value);
    return;
  }
  if (Array.isArray(value)) {
    const existing = child<Json[]>(target, key, () => value.map(() => ({})));
    value.forEach((item, i) => {
      const sub = keyOf(item as Json, second);
      if (sub) existing[i]![sub] = (item as Json)[sub];
    });
    return;
  }
  const sub = keyOf(value as Json, second);
  if (sub) child<Json>(target, key, () => ({}))[sub] = (value as Json)[sub];
}

function exclude(from: Json, path: Path, core: string) {
  let target = from;
  if (corePath(path, core) === null) {
    const ext = keyOf(from, path.schema!);
    if (!ext) return;
    if (path.names.length === 0) {
      delete from[ext];
      return;
    }
    target = from[ext] as Json;
  }
  const [first, second] = path.names;
  const key = first === undefined ? undefined : keyOf(target, first);
  if (!key || key === "id" || key === "schemas") return;
  if (second === undefined) {
    delete target[key];
    return;
  }
  const value = target[key];
  for (const item of Array.isArray(value) ? value : [value]) {
    if (item && typeof item === "object") {
      const sub = keyOf(item as Json, second);
      if (sub) delete (item as Json)[sub];
    }
  }
}

import type { Filter } from "scim2-parse-filter";
import { fail, isRosterError } from "../../../domain/index.ts";
import { parseScimFilter } from "../../../queries/index.ts";

/**
 * RFC 7644 §3.5.2 PATCH, read the way identity providers send it: `op` in
 * any case (Entra sends Add, Replace, Remove), member lists with
 * `"$ref": null`, values without a path whose keys are attribute paths or
 * extension URNs. What each resource does with an operation is its own
 * (user-resource.ts, group-resource.ts).
 */

export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const MAX_OPERATIONS = 1000;

export type Json = Record<string, unknown>;

export type PatchOperation = {
  readonly op: "add" | "replace" | "remove";
  /** Absent: the value is an object of attribute paths to values. */
  readonly path: AttrPath | undefined;
  readonly value: unknown;
};

/** A PATCH path (RFC 7644 §3.5.2, "PATH"): `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`, optionally after a schema URN. */
export type AttrPath = {
  readonly text: string;
  /** The extension's URN (lower-cased); null for the resource's core schema. */
  readonly schema: string | null;
  /** Lower-cased; null when the path is an extension URN alone. */
  readonly attr: string | null;
  readonly filter: Filter | null;
  /** Lower-cased. */
  readonly sub: string | null;
};

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `object`'s value under `name`, whatever the key's case. */
export function field(object: Json, name: string): unknown {
  const n = name.toLowerCase();
  for (const [k, v] of Object.entries(object)) if (k.toLowerCase() === n) return v;
  return undefined;
}

function syntax(message: string): never {
  return fail("scim.invalid_syntax", message);
}

/** The operations of a PatchOp body, checked for shape. */
export function patchOperations(
  body: unknown,
  core: string,
  extensions: readonly string[],
): PatchOperation[] {
  if (!isObject(body)) syntax("A PATCH body is a PatchOp message: an object with Operations.");
  const list = field(body, "Operations");
  if (!Array.isArray(list) || list.length === 0) syntax("Operations must be a non-empty list.");
  if (list.length > MAX_OPERATIONS)
    fail("request.too_large", `At most ${MAX_OPERATIONS} operations per PATCH.`);
  return list.map((raw, i) => {
    if (!isObject(raw)) syntax(`Operation ${i + 1} is not an object.`);
    const op = field(raw, "op");
    const name = typeof op === "string" ? op.toLowerCase() : "";
    if (name !== "add" && name !== "replace" && name !== "remove") {
      syntax(`Operation ${i + 1}: op must be add, replace or remove (any case), not ${JSON.stringify(op)}.`);
    }
    const path = field(raw, "path");
    if (path !== undefined && path !== null && typeof path !== "string") {
      syntax(`Operation ${i + 1}: path must be a string.`);
    }
    const value = field(raw, "value");
    const parsed =
      typeof path === "string" && path.trim() !== "" ? parsePath(path, core, extensions) : undefined;
    if (parsed === undefined) {
      if (name === "remove") fail("scim.no_target", `Operation ${i + 1}: remove needs a path.`);
      if (!isObject(value)) {
        fail(
          "request.invalid",
          `Operation ${i + 1}: without a path, the value must be an object of attributes.`,
        );
      }
    } else if (name !== "remove" && value === undefined) {
      fail("request.invalid", `Operation ${i + 1}: ${name} ${path} needs a value.`);
    }
    return { op: name, path: parsed, value };
  });
}

const PATH = /^([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/;

export function parsePath(text: string, core: string, extensions: readonly string[]): AttrPath {
  const trimmed = text.trim();
  let rest = trimmed;
  let schema: string | null = null;
  const lower = trimmed.toLowerCase();
  if (lower.startsWith(`${core.toLowerCase()}:`)) {
    rest = trimmed.slice(core.length + 1);
  } else if (lower.startsWith("urn:")) {
    const urn = extensions.find((e) => lower === e.toLowerCase() || lower.startsWith(`${e.toLowerCase()}:`));
    if (!urn) {
      // An extension we do not keep: its attributes are not stored (see the README).
      return { text: trimmed, schema: lower, attr: null, filter: null, sub: null };
    }
    schema = urn.toLowerCase();
    if (lower === schema) return { text: trimmed, schema, attr: null, filter: null, sub: null };
    rest = trimmed.slice(urn.length + 1);
  }
  const m = PATH.exec(rest);
  if (!m) fail("scim.invalid_path", `"${text}" is not an attribute path.`);
  let filter: Filter | null = null;
  if (m[2] !== undefined) {
    try {
      filter = parseScimFilter(m[2]);
    } catch (e) {
      if (isRosterError(e)) fail("scim.invalid_path", `"${text}": ${e.message}`);
      throw e;
    }
  }
  return { text: trimmed, schema, attr: m[1]!.toLowerCase(), filter, sub: m[3]?.toLowerCase() ?? null };
}

/**
 * A value-less PATCH's object as operations on each of its keys: a key is an
 * attribute path (`name.givenName`), or an extension URN holding an object of
 * its attributes, or a path into one (`urn:...:User:department`). Entra sends
 * all three.
 */
export function expandValue(
  operation: PatchOperation,
  core: string,
  extensions: readonly string[],
): { op: "add" | "replace"; path: AttrPath; value: unknown }[] {
  // patchOperations refuses a value-less remove, and a value-less add or replace whose value is not an object.
  if (operation.op === "remove" || !isObject(operation.value)) return [];
  const op = operation.op;
  return Object.entries(operation.value).map(([key, v]) => ({
    op,
    path: parsePath(key, core, extensions),
    value: v,
  }));
}

/** A string value (numbers are written as they read: an employee number may come as one). */
export function text(value: unknown, what: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return fail("request.invalid", `${what} must be a string.`, { field: what });
}

/**
 * A boolean, also from the strings "True" and "False" in any case: Entra
 * sends `active` as a string.
 */
export function boolean(value: unknown, what: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) {
    return value.trim().toLowerCase() === "true";
  }
  return fail("request.invalid", `${what} must be true or false, not ${JSON.stringify(value)}.`, {
    field: what,
  });
}

import AjvCompiler from "@fastify/ajv-compiler";
import fastJsonStringify from "fast-json-stringify";
import type { OrgIndex } from "../access/index.ts";
import { BatchBody, BatchResponse } from "../contracts/index.ts";
import { aType, RosterError } from "../domain/index.ts";

/**
 * What a check does, apart from HTTP: used by the check routes on the main
 * thread and by the check threads (check-thread.ts), so both answer alike.
 */

/**
 * ajv's options for the plain JSON Schema routes (the check API). A query
 * string is text, so its numbers are coerced ("3" is 3); a JSON body is not:
 * `{"user": 5}` is refused, not read as "5".
 */
const AJV_OPTIONS = {
  removeAdditional: false,
  coerceTypes: "array",
  allErrors: false,
  // String lengths in UTF-16 units (JavaScript's .length), not code points counted one by one,
  // which cost the batch route four loops over every item's strings. ajv 8 still honours the
  // option but calls it deprecated: that one warning is dropped, every other is kept.
  unicode: false,
  logger: {
    log: console.log,
    warn: (...args: unknown[]) => {
      if (!String(args[0]).startsWith("DEPRECATED: option unicode")) console.warn(...args);
    },
    error: console.error,
  },
} as const;
const BODY_AJV_OPTIONS = { ...AJV_OPTIONS, coerceTypes: false } as const;

type Route = { schema: object; method: string; url: string; httpPart?: string };
const compileQuery = AjvCompiler()({}, { customOptions: AJV_OPTIONS });
const compileBody = AjvCompiler()({}, { customOptions: BODY_AJV_OPTIONS });

/** The check routes' validator compiler: Fastify's own, bodies without type coercion. */
export function checkValidatorCompiler(route: Route) {
  return route.httpPart === "body" ? compileBody(route as never) : compileQuery(route as never);
}

export type CheckItem = { user: string; resource: string; type?: string; capability: string };

export function userOf(index: OrgIndex, user: string): number {
  const u = index.userIndex(user);
  if (u === undefined) throw userNotFound(user);
  return u;
}

const userNotFound = (user: string) =>
  new RosterError("user.not_found", `No user ${user} in this organization.`);

export function resourceOf(index: OrgIndex, resource: string, type?: string): number {
  const r = index.resourceIndex(resource, type);
  if (r !== undefined) return r;
  if (type !== undefined && !index.type(type)) {
    throw new RosterError("resource_type.not_found", `No resource type ${type}.`);
  }
  const other = type === undefined ? undefined : index.resourceIndex(resource);
  if (other !== undefined) {
    throw new RosterError(
      "resource.type_mismatch",
      `${resource} is ${aType(index.typeOf(other)?.def.key ?? "resource")}, not ${aType(type!)}.`,
    );
  }
  throw new RosterError(
    "resource.not_found",
    type
      ? `No ${type} with id or key ${resource}.`
      : `No resource with id ${resource} (give its type to find it by key).`,
  );
}

/**
 * May the item's user use its capability on its resource? `seen` hears the
 * user's position (for "last active"); an unknown user, resource or
 * capability throws a RosterError.
 */
export function checkItem(index: OrgIndex, item: CheckItem, seen: (u: number) => void): boolean {
  const u = userOf(index, item.user);
  const r = resourceOf(index, item.resource, item.type);
  const bit = capabilityOf(index, r, item.capability);
  seen(u);
  return index.check(u, r, bit);
}

function capabilityOf(index: OrgIndex, r: number, capability: string): number {
  const bit = index.capabilityBit(r, capability);
  if (bit === 0) {
    throw new RosterError(
      "capability.unknown",
      `${capability} is not a capability of ${index.typeOf(r)?.def.key}.`,
    );
  }
  return bit;
}

/** A batch's answers are shared objects: a batch of 1,000 allocates no answer of its own. */
const ALLOWED = Object.freeze({ allowed: true });
const DENIED = Object.freeze({ allowed: false });

/** checkBatch's working arrays, reused: one batch at a time per thread. */
const scratch = {
  users: new Int32Array(0),
  at: new Int32Array(0),
  us: new Int32Array(0),
  rs: new Int32Array(0),
  bits: new Int32Array(0),
  answers: new Uint8Array(0),
};

/**
 * Every item's answer, as checkItem gives it, an unknown user, resource or
 * capability answering its error code. The users are looked up together,
 * and the checks made together (OrgIndex.userIndexes, checkMany), so that
 * their reads of memory overlap.
 */
function checkBatch(index: OrgIndex, items: readonly CheckItem[], seen: (u: number) => void) {
  const n = items.length;
  if (scratch.users.length < n) {
    for (const key of ["users", "at", "us", "rs", "bits"] as const) scratch[key] = new Int32Array(n);
    scratch.answers = new Uint8Array(n);
  }
  const { users, at, us, rs, bits, answers } = scratch;
  index.userIndexes(
    items.map((item) => item.user),
    users,
  );
  const results: { allowed: boolean; error?: string }[] = new Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    try {
      const u = users[i]!;
      if (u < 0) throw userNotFound(item.user);
      const r = resourceOf(index, item.resource, item.type);
      bits[m] = capabilityOf(index, r, item.capability);
      seen(u);
      at[m] = i;
      us[m] = u;
      rs[m] = r;
      m++;
    } catch (e) {
      if (!(e instanceof RosterError)) throw e;
      results[i] = { allowed: false, error: e.code };
    }
  }
  index.checkMany(us, rs, bits, m, answers);
  for (let k = 0; k < m; k++) results[at[k]!] = answers[k] ? ALLOWED : DENIED;
  return results;
}

/** A batch body's answer, from its text. */
export type BatchAnswer =
  /** Not answered: a defect (not a bad request), to report as a 500. */
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "answered"; readonly json: string }
  /** Not JSON. */
  | { readonly kind: "malformed" }
  /** Not a batch: ajv's errors, as Fastify's validator reports them. */
  | { readonly kind: "invalid"; readonly errors: unknown[] }
  /** Asks for a revision this index has not applied yet. */
  | { readonly kind: "behind"; readonly revision: number };

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

/**
 * A batch from the body's text to the response's: parsed, validated with
 * Fastify's own compiler and options (so errors read as on every other
 * route), answered, and serialised by fast-json-stringify from the route's
 * response schema.
 */
export class BatchAnswerer {
  private readonly validate = checkValidatorCompiler({
    schema: BatchBody,
    method: "POST",
    url: "/api/v1/access/check/batch",
    httpPart: "body",
  }) as Validate;
  private readonly stringify = fastJsonStringify(BatchResponse as never);

  answer(index: OrgIndex, text: string, seen: (u: number) => void): BatchAnswer {
    let body: { checks: CheckItem[]; atLeastRevision?: number };
    try {
      body = JSON.parse(text);
    } catch {
      return { kind: "malformed" };
    }
    if (!this.validate(body)) return { kind: "invalid", errors: this.validate.errors ?? [] };
    if (body.atLeastRevision !== undefined && index.revision < body.atLeastRevision) {
      return { kind: "behind", revision: body.atLeastRevision };
    }
    const results = checkBatch(index, body.checks, seen);
    return { kind: "answered", json: this.stringify({ results, revision: index.revision }) };
  }
}

import type { InviteUserInput, UpdateUserInput } from "../../../commands/index.ts";
import { type Attributes, fail, type User } from "../../../domain/index.ts";
import {
  ENTERPRISE_ATTRIBUTES,
  type EnterpriseAttribute,
  SCIM_ENTERPRISE_USER,
  SCIM_USER,
  type ScimUserRecord,
} from "../../../queries/index.ts";
import { etag } from "./context.ts";
import {
  type AttrPath,
  boolean,
  expandValue,
  field,
  isObject,
  type Json,
  type PatchOperation,
  patchOperations,
  text,
} from "./patch.ts";

/**
 * A Roster user as a SCIM User (RFC 7643 §4.1) and back.
 *
 * - `userName` is the user's email (unique per organization, compared
 *   case-insensitively); `emails` shows it as the one work email and writes to
 *   `emails` are not kept (the email is userName).
 * - `name.givenName` / `name.familyName` are the first and last name;
 *   `name.formatted` and `displayName` are made from them.
 * - `active` is the status: false deactivates (the user keeps its record and
 *   memberships and loses all access).
 * - The enterprise extension's attributes are kept as user attributes of the
 *   same name (`department: ["Sales"]`), where data filters can use them.
 * - Other attributes of the User schema (title, phoneNumbers, addresses, ...)
 *   and extensions other than the enterprise one are accepted and not kept.
 */

const EXTENSIONS = [SCIM_ENTERPRISE_USER];

/** The writable part of a SCIM user. */
export type UserDoc = {
  readonly userName: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly active: boolean;
  readonly externalId: string | null;
  readonly enterprise: Partial<Record<EnterpriseAttribute, string>>;
};

export function userDoc(user: User): UserDoc {
  const enterprise: Partial<Record<EnterpriseAttribute, string>> = {};
  for (const key of ENTERPRISE_ATTRIBUTES) {
    const value = user.attributes[key]?.[0];
    if (value !== undefined) enterprise[key] = value;
  }
  return {
    userName: user.email,
    givenName: user.firstName,
    familyName: user.lastName,
    active: user.status === "active",
    externalId: user.externalId,
    enterprise,
  };
}

/** The user as SCIM shows it. */
export function userResource(record: ScimUserRecord, base: string): Json {
  const { user } = record;
  const doc = userDoc(user);
  const formatted = `${user.firstName} ${user.lastName}`.trim();
  const name: Json = {
    ...(user.firstName && { givenName: user.firstName }),
    ...(user.lastName && { familyName: user.lastName }),
    ...(formatted && { formatted }),
  };
  const { manager, ...rest } = doc.enterprise;
  const enterprise: Json = {
    ...rest,
    ...(manager !== undefined && { manager: { value: manager, $ref: `${base}/Users/${manager}` } }),
  };
  const extended = Object.keys(enterprise).length > 0;
  return {
    schemas: extended ? [SCIM_USER, SCIM_ENTERPRISE_USER] : [SCIM_USER],
    id: user.id,
    ...(user.externalId !== null && { externalId: user.externalId }),
    userName: user.email,
    ...(Object.keys(name).length > 0 && { name }),
    displayName: formatted || user.email,
    active: doc.active,
    emails: [{ value: user.email, type: "work", primary: true }],
    ...(record.groups && {
      groups: record.groups.map((g) => ({
        value: g.id,
        $ref: `${base}/Groups/${g.id}`,
        display: g.name,
        type: "direct",
      })),
    }),
    ...(extended && { [SCIM_ENTERPRISE_USER]: enterprise }),
    meta: {
      resourceType: "User",
      created: user.createdAt,
      lastModified: record.lastModified,
      location: `${base}/Users/${user.id}`,
      version: etag(record.version),
    },
  };
}

/** A user attribute as the command takes it: the user's other attributes kept, in their order. */
function attributesWith(current: Attributes, enterprise: UserDoc["enterprise"]): Attributes {
  const out: Record<string, readonly string[]> = {};
  for (const [key, values] of Object.entries(current)) {
    const scim = ENTERPRISE_ATTRIBUTES.find((k) => k === key);
    if (!scim) out[key] = values;
    else if (enterprise[scim] !== undefined) out[key] = [enterprise[scim]];
  }
  for (const key of ENTERPRISE_ATTRIBUTES) {
    if (enterprise[key] !== undefined && !(key in out)) out[key] = [enterprise[key]];
  }
  return out;
}

/** The change that makes `user` what `doc` says. */
export function userUpdate(doc: UserDoc, user: User): UpdateUserInput {
  return {
    email: doc.userName,
    firstName: doc.givenName,
    lastName: doc.familyName,
    externalId: doc.externalId,
    status: doc.active ? "active" : "deactivated",
    attributes: attributesWith(user.attributes, doc.enterprise),
  };
}

export function userInvite(doc: UserDoc): InviteUserInput {
  return {
    email: doc.userName,
    firstName: doc.givenName,
    lastName: doc.familyName,
    externalId: doc.externalId,
    active: doc.active,
    attributes: attributesWith({}, doc.enterprise),
  };
}

// ---- POST and PUT bodies ---------------------------------------------------------------

const optionalText = (value: unknown, what: string): string | undefined =>
  value === undefined || value === null ? undefined : text(value, what);

function externalIdOf(value: unknown): string | null {
  const id = optionalText(value, "externalId")?.trim();
  return id ? id : null;
}

/**
 * A full user from a POST or PUT body. What it leaves out is cleared (RFC
 * 7644 §3.5.1), except `active`: left out, it stays as it is (a new user is
 * active).
 */
export function userFromBody(body: unknown): UserDoc & { readonly activeGiven: boolean } {
  if (!isObject(body)) fail("scim.invalid_syntax", "A User is a JSON object.");
  const userName = field(body, "userName");
  if (typeof userName !== "string" || userName.trim() === "") {
    fail("user.invalid", "userName is required: the user's email address.", { field: "userName" });
  }
  const name = field(body, "name");
  if (name !== undefined && name !== null && !isObject(name)) fail("user.invalid", "name must be an object.");
  const active = field(body, "active");
  const ext = field(body, SCIM_ENTERPRISE_USER);
  if (ext !== undefined && ext !== null && !isObject(ext)) {
    fail("user.invalid", `${SCIM_ENTERPRISE_USER} must be an object.`);
  }
  let enterprise: UserDoc["enterprise"] = {};
  if (isObject(ext)) enterprise = mergeEnterprise(enterprise, ext);
  return {
    userName,
    givenName: (isObject(name) && optionalText(field(name, "givenName"), "name.givenName")) || "",
    familyName: (isObject(name) && optionalText(field(name, "familyName"), "name.familyName")) || "",
    active: active === undefined || active === null ? true : boolean(active, "active"),
    activeGiven: active !== undefined && active !== null,
    externalId: externalIdOf(field(body, "externalId")),
    enterprise,
  };
}

/** The enterprise attributes of an object laid over the current ones; null removes one. */
function mergeEnterprise(current: UserDoc["enterprise"], value: Json): UserDoc["enterprise"] {
  let out = current;
  for (const [k, v] of Object.entries(value)) {
    const key = enterpriseKey(k, `${SCIM_ENTERPRISE_USER}:${k}`);
    out = setEnterprise(out, key, v);
  }
  return out;
}

function enterpriseKey(name: string, path: string): EnterpriseAttribute {
  return (
    ENTERPRISE_ATTRIBUTES.find((k) => k.toLowerCase() === name.toLowerCase()) ??
    fail("scim.invalid_path", `${path}: the enterprise extension has no attribute ${name}.`)
  );
}

/** One enterprise attribute set (or removed, with null); the manager as an id or as `{ value }`. */
function setEnterprise(
  current: UserDoc["enterprise"],
  key: EnterpriseAttribute,
  value: unknown,
): UserDoc["enterprise"] {
  const raw = key === "manager" && isObject(value) ? field(value, "value") : value;
  const { [key]: _, ...rest } = current;
  if (raw === null || raw === undefined || raw === "") return rest;
  return { ...rest, [key]: text(raw, key) };
}

// ---- PATCH ---------------------------------------------------------------------------

/** User Schema attributes that are accepted and not kept (see the module's comment). */
const NOT_KEPT = new Set([
  "displayname",
  "nickname",
  "profileurl",
  "title",
  "usertype",
  "preferredlanguage",
  "locale",
  "timezone",
  "password",
  "emails",
  "phonenumbers",
  "ims",
  "photos",
  "addresses",
  "entitlements",
  "roles",
  "x509certificates",
]);
/** Written by the server: a PATCH that names one is refused. */
const READ_ONLY = new Set(["id", "meta", "schemas", "groups"]);

/** Checks a PATCH body before anything is read: shape, paths, and what each path may do. */
export function userPatch(body: unknown): PatchOperation[] {
  const operations = patchOperations(body, SCIM_USER, EXTENSIONS);
  for (const o of operations) {
    if (o.path) target(o.path, true);
    else for (const e of expandValue(o, SCIM_USER, EXTENSIONS)) target(e.path, false);
  }
  return operations;
}

type Target =
  | {
      readonly kind:
        | "userName"
        | "name"
        | "givenName"
        | "familyName"
        | "active"
        | "externalId"
        | "enterprise";
    }
  | { readonly kind: "ext"; readonly key: EnterpriseAttribute }
  | { readonly kind: "ignored" };

/** What a path names. `explicit`: it was a path, not a key of a value-less operation's object. */
function target(path: AttrPath, explicit: boolean): Target {
  if (path.schema !== null) {
    if (path.schema !== SCIM_ENTERPRISE_USER.toLowerCase()) return { kind: "ignored" };
    if (path.attr === null) return { kind: "enterprise" };
    const key = enterpriseKey(path.attr, path.text);
    if (path.filter) fail("scim.invalid_path", `${path.text}: ${key} takes no [filter].`);
    if (path.sub !== null && !(key === "manager" && path.sub === "value")) {
      return key === "manager"
        ? { kind: "ignored" }
        : fail("scim.invalid_path", `${path.text}: no such attribute.`);
    }
    return { kind: "ext", key };
  }
  const attr = path.attr!;
  if (NOT_KEPT.has(attr)) return { kind: "ignored" };
  if (READ_ONLY.has(attr)) {
    if (!explicit) return { kind: "ignored" };
    return fail(
      "scim.mutability",
      attr === "groups"
        ? "A user's groups are changed through /Groups (members)."
        : `${attr} is set by the server and cannot be changed.`,
    );
  }
  if (path.filter)
    fail("scim.invalid_path", `${path.text}: ${attr} is not multi-valued and takes no [filter].`);
  if (attr === "name") {
    if (path.sub === null) return { kind: "name" };
    if (path.sub === "givenname") return { kind: "givenName" };
    if (path.sub === "familyname") return { kind: "familyName" };
    if (["formatted", "middlename", "honorificprefix", "honorificsuffix"].includes(path.sub)) {
      return { kind: "ignored" };
    }
    return fail("scim.invalid_path", `${path.text}: name has no sub-attribute ${path.sub}.`);
  }
  if (path.sub !== null) fail("scim.invalid_path", `${path.text}: ${attr} has no sub-attributes.`);
  if (attr === "username") return { kind: "userName" };
  if (attr === "active") return { kind: "active" };
  if (attr === "externalid") return { kind: "externalId" };
  return fail("scim.invalid_path", `${path.text}: the User schema has no attribute ${attr}.`);
}

/** The user after the operations, in order (RFC 7644 §3.5.2). */
export function applyUserPatch(doc: UserDoc, operations: readonly PatchOperation[]): UserDoc {
  let out = doc;
  for (const o of operations) {
    if (o.path) out = apply(out, o.op, target(o.path, true), o.value, o.path.text);
    else {
      for (const e of expandValue(o, SCIM_USER, EXTENSIONS)) {
        out = apply(out, e.op, target(e.path, false), e.value, e.path.text);
      }
    }
  }
  return out;
}

function apply(doc: UserDoc, op: PatchOperation["op"], t: Target, value: unknown, path: string): UserDoc {
  // RFC 7644 §3.5.2.3: replacing with null unassigns.
  const remove = op === "remove" || value === null;
  switch (t.kind) {
    case "ignored":
      return doc;
    case "userName":
      if (remove) fail("user.invalid", "userName is required: it cannot be removed.", { field: "userName" });
      return { ...doc, userName: text(value, "userName") };
    case "active":
      if (remove)
        fail("user.invalid", "active cannot be removed: set it to true or false.", { field: "active" });
      return { ...doc, active: boolean(value, "active") };
    case "givenName":
      return { ...doc, givenName: remove ? "" : text(value, "name.givenName") };
    case "familyName":
      return { ...doc, familyName: remove ? "" : text(value, "name.familyName") };
    case "name": {
      if (remove) return { ...doc, givenName: "", familyName: "" };
      if (!isObject(value)) fail("user.invalid", `${path}: the value must be an object.`);
      // Sub-attributes not given are left as they are (RFC 7644 §3.5.2.3).
      const given = field(value, "givenName");
      const family = field(value, "familyName");
      return {
        ...doc,
        ...(given !== undefined && { givenName: given === null ? "" : text(given, "name.givenName") }),
        ...(family !== undefined && { familyName: family === null ? "" : text(family, "name.familyName") }),
      };
    }
    case "externalId":
      return { ...doc, externalId: remove ? null : externalIdOf(value) };
    case "enterprise":
      if (remove) return { ...doc, enterprise: {} };
      if (!isObject(value)) fail("user.invalid", `${path}: the value must be an object.`);
      return { ...doc, enterprise: mergeEnterprise(doc.enterprise, value) };
    case "ext":
      return { ...doc, enterprise: setEnterprise(doc.enterprise, t.key, remove ? null : value) };
  }
}

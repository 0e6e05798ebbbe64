import { type ErrorCode, fail } from "./errors.ts";
import type { Attributes, NotifySetting, OrgRole } from "./model.ts";

/** Input checks shared by every surface (HTTP, SCIM, CLI): the schemas at the edge check shapes, these check meaning. */

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters (C0 and C1) is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const EMAIL = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]+$/;

/** A trimmed email, refused unless it looks like one. Uniqueness is case-insensitive. */
export function checkEmail(email: string, code: ErrorCode = "user.invalid"): string {
  const trimmed = email.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed) || CONTROL.test(trimmed)) {
    fail(code, `"${email}" is not an email address.`, { field: "email" });
  }
  return trimmed;
}

/** A trimmed, non-empty (unless `allowEmpty`) text of at most `max` characters, without control characters. */
export function checkText(
  code: ErrorCode,
  field: string,
  value: string,
  max: number,
  allowEmpty = false,
): string {
  const trimmed = value.trim();
  if (!allowEmpty && trimmed.length === 0) fail(code, `${field} cannot be empty.`, { field });
  if (trimmed.length > max) fail(code, `${field} is longer than ${max} characters.`, { field });
  if (CONTROL.test(trimmed)) fail(code, `${field} contains control characters.`, { field });
  return trimmed;
}

export function checkSlug(slug: string): string {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(slug)) {
    fail("organization.invalid", `"${slug}" is not a slug: lower-case letters, digits and dashes.`, {
      field: "slug",
    });
  }
  return slug;
}

/** Attributes: at most 50 keys, each a list of at most 100 strings of at most 200 characters. */
export function checkAttributes(input: unknown): Attributes {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return fail("user.invalid", "attributes must be an object of key to list of values.", {
      field: "attributes",
    });
  }
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > 50) fail("user.invalid", "A user has at most 50 attributes.", { field: "attributes" });
  const out: Record<string, string[]> = {};
  for (const [key, value] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(key) || key === "__proto__") {
      fail("user.invalid", `"${key}" is not an attribute name.`, { field: "attributes" });
    }
    const list = Array.isArray(value) ? value : [value];
    if (list.length > 100 || list.some((v) => typeof v !== "string" || v.length > 200 || CONTROL.test(v))) {
      fail("user.invalid", `Attribute ${key} must be a list of at most 100 strings.`, {
        field: "attributes",
      });
    }
    out[key] = [...new Set(list as string[])];
  }
  return out;
}

export type UserFields = {
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly externalId?: string | null;
  readonly attributes?: Attributes;
};

/** Validates the editable fields of a user. */
export function checkUserFields(f: UserFields): UserFields {
  return {
    ...(f.email !== undefined && { email: checkEmail(f.email) }),
    ...(f.firstName !== undefined && {
      firstName: checkText("user.invalid", "firstName", f.firstName, 100, true),
    }),
    ...(f.lastName !== undefined && {
      lastName: checkText("user.invalid", "lastName", f.lastName, 100, true),
    }),
    ...(f.externalId !== undefined && {
      externalId: f.externalId === null ? null : checkText("user.invalid", "externalId", f.externalId, 255),
    }),
    ...(f.attributes !== undefined && { attributes: checkAttributes(f.attributes) }),
  };
}

export function checkRole(role: string): OrgRole {
  if (role !== "owner" && role !== "admin" && role !== "member") {
    fail("user.invalid", `Unknown organization role "${role}": owner, admin or member.`, { field: "role" });
  }
  return role;
}

export function checkNotify(notify: string): NotifySetting {
  if (notify !== "none" && notify !== "email") {
    fail("group.invalid", `Unknown notification setting "${notify}": none or email.`, { field: "notify" });
  }
  return notify;
}

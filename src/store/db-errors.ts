import { type ErrorCode, RosterError } from "../domain/index.ts";

/**
 * Database errors translated by SQLSTATE and constraint name, in one place.
 * Commands check most of these first; the constraints are the last line when
 * two requests race. Anything unknown is rethrown unchanged (an opaque 500).
 */
const UNIQUE: Record<string, [ErrorCode, string]> = {
  organizations_slug_key: ["organization.slug_taken", "An organization with this slug exists."],
  users_org_email_key: ["user.email_taken", "A user with this email exists in the organization."],
  users_org_external_id_key: ["user.invalid", "A user with this externalId exists in the organization."],
  groups_org_name_key: ["group.name_taken", "A group with this name exists in the organization."],
  groups_org_external_id_key: ["group.invalid", "A group with this externalId exists in the organization."],
  roles_org_type_name_key: ["role.name_taken", "A role with this name exists for this type."],
  resources_org_type_key_key: ["resource.key_taken", "A resource with this key exists for this type."],
  resource_types_pkey: ["resource_type.key_taken", "This resource type exists."],
};

type PgLikeError = { code?: string; constraint?: string; cause?: unknown };

function pgError(e: unknown): PgLikeError | null {
  for (let cur = e, depth = 0; cur && typeof cur === "object" && depth < 5; depth++) {
    const err = cur as PgLikeError;
    if (typeof err.code === "string" && /^[0-9A-Z]{5}$/.test(err.code)) return err;
    cur = err.cause;
  }
  return null;
}

export function translateDbError(e: unknown): unknown {
  if (e instanceof RosterError) return e;
  const err = pgError(e);
  if (!err) return e;
  const known = err.code === "23505" && err.constraint ? UNIQUE[err.constraint] : undefined;
  if (known) return new RosterError(known[0], known[1]);
  if (err.code === "23503") return new RosterError("request.invalid", "A referenced record does not exist.");
  return e;
}

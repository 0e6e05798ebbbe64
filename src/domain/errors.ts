/**
 * Errors are values with a stable code. Domain and command code throw
 * `RosterError`; only `src/http` maps a kind to a status.
 */
export type ErrorKind =
  | "validation"
  | "not_found"
  | "conflict"
  | "invariant"
  | "forbidden"
  | "unauthenticated"
  | "plan"
  | "too_large"
  | "rate_limited"
  | "timeout";

/** Every stable code, `area.snake_case`, with its kind. Clients may rely on these. */
export const ERROR_CODES = {
  "request.invalid": "validation",
  "request.too_large": "too_large",
  "request.timeout": "timeout",
  "request.unsupported_media_type": "validation",
  "organization.not_found": "not_found",
  "organization.slug_taken": "conflict",
  "organization.invalid": "validation",
  "user.not_found": "not_found",
  "user.email_taken": "conflict",
  "user.invalid": "validation",
  "user.deactivated": "invariant",
  "user.role_inherited": "invariant",
  "resource.not_found": "not_found",
  "resource.key_taken": "conflict",
  "resource.invalid": "validation",
  "resource.type_mismatch": "validation",
  "resource.system": "invariant",
  "resource_type.not_found": "not_found",
  "resource_type.key_taken": "conflict",
  "resource_type.invalid": "validation",
  "capability.unknown": "validation",
  "capability.missing_dependency": "validation",
  "role.not_found": "not_found",
  "role.name_taken": "conflict",
  "role.invalid": "validation",
  "role.in_use": "conflict",
  "role.builtin": "invariant",
  "group.not_found": "not_found",
  "group.name_taken": "conflict",
  "group.invalid": "validation",
  "group.cycle": "invariant",
  "group.system": "invariant",
  "group.has_members": "conflict",
  "group.all_users": "invariant",
  "group.everyone_members": "invariant",
  "rule.not_found": "not_found",
  "rule.invalid": "validation",
  "rule.locked": "invariant",
  "filter.not_found": "not_found",
  "filter.invalid": "validation",
  "delegation.not_found": "not_found",
  "delegation.invalid": "validation",
  "delegation.out_of_scope": "forbidden",
  "admin.last_administrator": "invariant",
  "admin.owner_required": "forbidden",
  "plan.enterprise_required": "plan",
  "auth.forbidden": "forbidden",
  "auth.unauthenticated": "unauthenticated",
  "revision.timeout": "timeout",
  "rate.limited": "rate_limited",
  "store.locked": "conflict",
  "token.not_found": "not_found",
  "token.name_taken": "conflict",
  "route.not_found": "not_found",
  "auth.csrf": "forbidden",
  "auth.invalid_credentials": "unauthenticated",
  "auth.link_invalid": "validation",
  "request.precondition_failed": "conflict",
  "scim.invalid_filter": "validation",
  "scim.invalid_path": "validation",
  "scim.invalid_syntax": "validation",
  "scim.mutability": "validation",
  "scim.no_target": "validation",
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class RosterError extends Error {
  readonly kind: ErrorKind;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "RosterError";
    this.code = code;
    this.kind = ERROR_CODES[code];
    this.details = details;
  }
}

export function isRosterError(e: unknown): e is RosterError {
  return e instanceof RosterError;
}

/** Shorthand for the common `throw new RosterError(...)`. */
export function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new RosterError(code, message, details);
}

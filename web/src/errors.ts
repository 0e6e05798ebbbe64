/**
 * Errors from the API as sentences a person understands. The server answers
 * application/problem+json with a stable `code` (the catalogue is
 * ERROR_CODES in src/domain/errors.ts; test/unit/console-errors.test.ts fails
 * when a code is missing here). Each code maps to either:
 *
 * - a sentence of ours, when the server's `detail` is written for developers
 *   ("Missing or wrong X-CSRF-Token header.") or says too little, or
 * - DETAIL, when the server's `detail` is already the right sentence because
 *   it names what is wrong ("Finance cannot be nested in Sales: Sales is
 *   already inside it.").
 *
 * Unknown codes fall back to the server's `detail`. No DOM here: the unit test
 * imports this file.
 */

export type ProblemLike = {
  readonly status: number;
  readonly code: string;
  readonly detail?: string | undefined;
  readonly details?: Record<string, unknown> | undefined;
  readonly requestId?: string | undefined;
};

/** Use the server's `detail` as it is. */
export const DETAIL = Symbol("the server's detail");

type Wording = string | typeof DETAIL | ((p: ProblemLike) => string);

const withDetail =
  (lead: string) =>
  (p: ProblemLike): string =>
    p.detail ? `${lead} ${p.detail}` : lead;

export const WORDING: Readonly<Record<string, Wording>> = {
  "request.invalid": (p) => {
    const detail = p.detail ?? "";
    // Schema messages ("Invalid request: /email must ...") are for developers; ours are sentences.
    if (!detail || detail.startsWith("Invalid request:"))
      return "Some of what you entered is not valid: check the form and try again.";
    return detail;
  },
  "request.too_large": "That is too much at once: try again with fewer items.",
  "request.timeout": "The request took too long to reach the server: try again.",
  "request.unsupported_media_type": "The console sent a request the server does not accept: reload the page.",
  "organization.not_found": "That organization does not exist, or you are not a user of it.",
  "organization.slug_taken": DETAIL,
  "organization.invalid": DETAIL,
  "user.not_found": "That user does not exist in this organization (they may have been removed).",
  "user.email_taken": DETAIL,
  "user.invalid": DETAIL,
  "user.deactivated": (p) => `${p.detail ?? "This user is deactivated."} Reactivate them first.`,
  "user.role_inherited": DETAIL,
  "resource.not_found": "That resource does not exist in this organization (it may have been deleted).",
  // The server's detail reads "A app with key finance exists.": ours names the rule instead.
  "resource.key_taken": (p) =>
    `Another resource of this type already has the key ${typeof p.details?.key === "string" ? `"${p.details.key}"` : "you entered"}: keys are the platform's ids, unique per type.`,
  "resource.invalid": DETAIL,
  "resource.type_mismatch": DETAIL,
  "resource.system": DETAIL,
  "resource_type.not_found": "That resource type does not exist in this organization.",
  "resource_type.key_taken": DETAIL,
  "resource_type.invalid": DETAIL,
  "capability.unknown": DETAIL,
  "capability.missing_dependency": DETAIL,
  "role.not_found": "That role does not exist (it may have been deleted).",
  "role.name_taken": DETAIL,
  "role.invalid": DETAIL,
  "role.in_use": DETAIL,
  "role.builtin": DETAIL,
  "group.not_found": "That group does not exist in this organization (it may have been deleted).",
  "group.name_taken": DETAIL,
  "group.invalid": DETAIL,
  "group.cycle": DETAIL,
  "group.system": DETAIL,
  // The server's detail ends "or delete with force", which is API speech: the console asks to confirm instead.
  "group.has_members": (p) =>
    `${/^(.+) still has members/.exec(p.detail ?? "")?.[1] ?? "The group"} still has members: remove them first, or confirm that its members are removed with it.`,
  "group.all_users": DETAIL,
  "group.everyone_members": "Everyone always holds every user: its members cannot be added or removed.",
  "rule.not_found": "That rule no longer exists: someone may have removed it.",
  "rule.invalid": DETAIL,
  "rule.locked": (p) =>
    `${p.detail ?? "This is a locked system rule."} System groups such as Power Users carry their role on every workspace: to give someone that role, add them to the group.`,
  "filter.not_found": "That data filter no longer exists.",
  "filter.invalid": withDetail("The filter is not valid:"),
  "delegation.not_found": "That delegation no longer exists.",
  "delegation.invalid": DETAIL,
  "delegation.out_of_scope": withDetail("This is outside what your delegation lets you administer."),
  "admin.last_administrator":
    "This would leave the organization without an active administrator: make someone else an administrator first.",
  "admin.owner_required": "Only an owner of the organization may do this.",
  "plan.enterprise_required": DETAIL,
  "auth.forbidden": withDetail("You are not allowed to do this."),
  "auth.unauthenticated": "You are signed out: sign in again.",
  "revision.timeout": "The change was saved, but this server is slow to show it: reload in a moment.",
  "rate.limited": DETAIL,
  "store.locked": "The database is busy with another process: try again in a moment.",
  "token.not_found": "That token does not exist (it may have been revoked).",
  "token.name_taken": "A token with that name exists: choose another name, or revoke that one first.",
  "route.not_found": "The console asked the server for something it does not know: reload the page.",
  "auth.csrf": "Your session could not be confirmed: reload the page and try again.",
  "auth.invalid_credentials": "Wrong email or password.",
  "auth.link_invalid": "This link is unknown, used or expired: ask for a new one.",
  "request.precondition_failed": "Someone changed this in the meantime: reload the page and try again.",
  // SCIM's own codes: the console never calls /scim, but a code it does not word is a decision not taken.
  "scim.invalid_filter": DETAIL,
  "scim.invalid_path": DETAIL,
  "scim.invalid_syntax": DETAIL,
  "scim.mutability": DETAIL,
  "scim.no_target": DETAIL,
  "internal.error": (p) =>
    `Something went wrong on the server.${p.requestId ? ` If it happens again, quote request ${p.requestId}.` : ""}`,
};

/** The sentence for a problem: our wording for its code, else the server's detail, else its status. */
export function sentenceFor(p: ProblemLike): string {
  const wording = WORDING[p.code];
  if (typeof wording === "function") return wording(p);
  if (typeof wording === "string") return wording;
  if (p.detail) return p.detail;
  return `The server refused the request (${p.status}${p.code ? `, ${p.code}` : ""}).`;
}

/** When the server cannot be reached at all. */
export const OFFLINE = "The server cannot be reached: check your connection and try again.";

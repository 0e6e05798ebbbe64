import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { type ErrorCode, isRosterError, type RosterError } from "../../../domain/index.ts";
import { STATUS } from "../../errors.ts";

export const SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
export const SCIM_CONTENT_TYPE = "application/scim+json; charset=utf-8";

/** RFC 7644 §3.12: the error's `scimType`, for the 400s and 409s that have one. */
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

export type ScimErrorBody = {
  schemas: [typeof SCIM_ERROR];
  status: string;
  scimType?: ScimType;
  detail: string;
};

export function scimError(status: number, detail: string, scimType?: ScimType): ScimErrorBody {
  return { schemas: [SCIM_ERROR], status: String(status), ...(scimType && { scimType }), detail };
}

/** Codes whose SCIM status or scimType differ from what their kind gives. */
const BY_CODE: Partial<Record<ErrorCode, { status: number; scimType?: ScimType }>> = {
  "scim.invalid_filter": { status: 400, scimType: "invalidFilter" },
  "scim.invalid_path": { status: 400, scimType: "invalidPath" },
  "scim.invalid_syntax": { status: 400, scimType: "invalidSyntax" },
  "scim.mutability": { status: 400, scimType: "mutability" },
  "scim.no_target": { status: 400, scimType: "noTarget" },
  "user.email_taken": { status: 409, scimType: "uniqueness" },
  "group.name_taken": { status: 409, scimType: "uniqueness" },
  "request.precondition_failed": { status: 412 },
  "group.cycle": { status: 400, scimType: "invalidValue" },
};

/**
 * A RosterError as SCIM says it: bad values are `invalidValue`, a change the
 * current state refuses (the last administrator, a group of all users) is
 * `mutability` (RFC 7644 §3.12: "not compatible with ... current state").
 */
export function scimStatus(error: RosterError): { status: number; scimType?: ScimType } {
  const known = BY_CODE[error.code];
  if (known) return known;
  if (error.kind === "validation") return { status: 400, scimType: "invalidValue" };
  if (error.kind === "invariant") return { status: 400, scimType: "mutability" };
  return { status: STATUS[error.kind] };
}

function send(reply: FastifyReply, status: number, body: ScimErrorBody): void {
  if (status === 401) reply.header("www-authenticate", 'Bearer realm="Roster SCIM"');
  if (status === 429) reply.header("retry-after", "60");
  void reply.status(status).type(SCIM_CONTENT_TYPE).send(body);
}

/** The SCIM routes' error handler: every error in the SCIM error schema, with no stack or SQL. */
export function scimErrorHandler(
  error: FastifyError & { validation?: unknown[] },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (isRosterError(error)) {
    const { status, scimType } = scimStatus(error);
    send(reply, status, scimError(status, error.message, scimType));
    return;
  }
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    send(reply, 413, scimError(413, "The request body is too large."));
    return;
  }
  if (error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError) {
    send(reply, 400, scimError(400, "The body is not valid JSON.", "invalidSyntax"));
    return;
  }
  if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
    send(reply, error.statusCode, scimError(error.statusCode, error.message));
    return;
  }
  request.log.error({ err: error }, "unhandled error");
  send(
    reply,
    500,
    scimError(500, `Something went wrong on our side. Quote the request id ${request.id} when reporting it.`),
  );
}

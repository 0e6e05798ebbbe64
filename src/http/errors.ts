import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { type ErrorKind, isRosterError, RosterError } from "../domain/index.ts";

/** Every error kind to its HTTP status, once; the compiler checks it is complete. */
export const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  plan: 403,
  not_found: 404,
  conflict: 409,
  invariant: 409,
  too_large: 413,
  rate_limited: 429,
  timeout: 504,
};

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthenticated",
  403: "Forbidden",
  404: "Not found",
  408: "Request timeout",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  429: "Too many requests",
  431: "Request header fields too large",
  500: "Internal error",
  504: "Timeout",
};

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  details?: Record<string, unknown>;
  requestId: string;
};

export function problem(
  status: number,
  code: string,
  detail: string,
  requestId: string,
  details?: Record<string, unknown>,
): ProblemBody {
  return {
    type: `https://roster.dev/problems/${code}`,
    title: TITLES[status] ?? "Error",
    status,
    code,
    detail,
    ...(details && { details }),
    requestId,
  };
}

/** Framework errors (bad JSON, too large, schema validation) as RosterErrors with stable codes. */
function translate(
  error: FastifyError & { validation?: unknown[] },
): RosterError | { status: number; code: string; detail: string } | null {
  if (error.code === "FST_ERR_BAD_URL")
    return new RosterError("request.invalid", "The address is not valid (bad percent-encoding).");
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return new RosterError("request.too_large", "The request body is too large.");
  if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    return { status: 415, code: "request.unsupported_media_type", detail: "Send application/json." };
  }
  if (
    error.code === "FST_ERR_CTP_INVALID_JSON_BODY" ||
    error.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ||
    error instanceof SyntaxError
  ) {
    return new RosterError("request.invalid", "The body is not valid JSON.");
  }
  if (error.validation) {
    const issues = (
      error.validation as {
        instancePath?: string;
        message?: string;
        params?: { issue?: { path?: unknown[] }; additionalProperty?: string; allowedValues?: unknown[] };
      }[]
    ).map((v) => ({ path: v.instancePath ?? "", message: ajvMessage(v.message, v.params) }));
    // What was validated: the body, or the query of a GET.
    const part = error.validationContext === "querystring" ? "query" : (error.validationContext ?? "body");
    return new RosterError(
      "request.invalid",
      `Invalid request: ${issues.map((i) => `${i.path || part} ${i.message}`).join("; ")}`,
      {
        issues,
      },
    );
  }
  return null;
}

/** ajv's message, naming the unknown property or the allowed values it leaves out. */
function ajvMessage(
  message = "invalid",
  params?: { additionalProperty?: string; allowedValues?: unknown[] },
): string {
  if (params?.additionalProperty) return `${message}: ${params.additionalProperty}`;
  if (params?.allowedValues) return `${message}: ${params.allowedValues.join(", ")}`;
  return message;
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = isRosterError(error) ? error : translate(error);
  if (known instanceof RosterError) {
    const status = STATUS[known.kind];
    if (known.kind === "rate_limited")
      reply.header("retry-after", String(known.details?.retryAfterSeconds ?? 60));
    if (known.kind === "unauthenticated") reply.header("www-authenticate", 'Bearer realm="roster"');
    void reply
      .status(status)
      .type("application/problem+json")
      .send(problem(status, known.code, known.message, request.id, known.details));
    return;
  }
  if (known) {
    void reply
      .status(known.status)
      .type("application/problem+json")
      .send(problem(known.status, known.code, known.detail, request.id));
    return;
  }
  // Unknown: an opaque 500 with the request id; the cause goes to the log only.
  request.log.error({ err: error }, "unhandled error");
  void reply
    .status(500)
    .type("application/problem+json")
    .send(
      problem(
        500,
        "internal.error",
        "Something went wrong on our side. Quote the request id when reporting it.",
        request.id,
      ),
    );
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (an address
 * and headers over Node's 16 KB, a request that is not HTTP, one that never
 * finished arriving) is answered as problem+json with a stable code, like
 * every other error, and the connection closed, as Node does. A reset
 * connection has nobody to answer.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, detail] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "request.too_large", "The address and headers exceed 16 KB: send long lists in a request body."]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "request.timeout", "The request did not arrive in time."]
        : [400, "request.invalid", "The request is not valid HTTP."];
  if (socket.writable) {
    const body = JSON.stringify(problem(status, code, detail, randomUUID()));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

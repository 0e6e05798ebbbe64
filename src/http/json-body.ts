import type { FastifyInstance, FastifyRequest } from "fastify";
import { RosterError } from "../domain/index.ts";

type JsonParser = ReturnType<FastifyInstance["getDefaultJsonParser"]>;
type Done = (error: Error | null, body?: unknown) => void;

/** A \ud800-\udfff escape: the only way a lone surrogate gets into a body (UTF-8 cannot carry one). */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A key Fastify's parser refuses (prototype poisoning), though the JSON is valid. */
const FORBIDDEN_KEY = /"(__proto__|constructor)"\s*:/;

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function wellFormed(value: unknown): boolean {
  if (typeof value === "string") return !LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.every(wellFormed);
  if (value && typeof value === "object")
    return Object.entries(value).every(([k, v]) => wellFormed(k) && wellFormed(v));
  return true;
}

/**
 * JSON bodies with Fastify's parser (which refuses `__proto__` and
 * `constructor` keys); an empty body is no body (clients send a JSON
 * content type on a DELETE too), and a string that is not valid Unicode (a
 * lone surrogate, which PostgreSQL's json refuses) is refused here.
 */
export function jsonBody(json: JsonParser) {
  return (request: FastifyRequest, body: string, done: Done) => {
    if (body.trim() === "") return done(null, undefined);
    json(request, body, (error: Error | null, value?: unknown) => {
      if (error && FORBIDDEN_KEY.test(body) && isValidJson(body)) {
        return done(
          new RosterError(
            "request.invalid",
            "The body has a __proto__ or constructor key, which is refused.",
          ),
        );
      }
      if (error) return done(error);
      if (ESCAPED_SURROGATE.test(body) && !wellFormed(value)) {
        return done(
          new RosterError(
            "request.invalid",
            "The body has a string that is not valid Unicode (a lone surrogate).",
          ),
        );
      }
      done(null, value);
    });
  };
}

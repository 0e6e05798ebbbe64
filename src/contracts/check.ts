import { z } from "zod";
import { Problem } from "./common.ts";

/**
 * The check API's schemas are plain JSON Schema, not zod: these routes are the
 * hot path, validated by ajv's compiled validators and serialised by
 * fast-json-stringify's compiled serializers, through Fastify or, for
 * batches, src/http/checks.ts (STACK.md, pitfall 13).
 */

const checkItem = {
  type: "object",
  required: ["user", "resource", "capability"],
  additionalProperties: false,
  properties: {
    user: { type: "string", minLength: 1, maxLength: 320, description: "A user id or email" },
    resource: {
      type: "string",
      minLength: 1,
      maxLength: 200,
      description: "A resource id, or its key (with `type`)",
    },
    type: { type: "string", maxLength: 40, description: "The resource type, when `resource` is a key" },
    capability: { type: "string", minLength: 1, maxLength: 40 },
  },
} as const;

const atLeastRevision = {
  type: "integer",
  minimum: 0,
  description: "Answer only once this server has applied at least this revision (from a write's response)",
} as const;

export const CheckBody = {
  ...checkItem,
  properties: { ...checkItem.properties, atLeastRevision },
} as const;

export const CheckResponse = {
  type: "object",
  required: ["allowed", "revision"],
  properties: { allowed: { type: "boolean" }, revision: { type: "integer" } },
} as const;

export const MAX_BATCH = 1000;

export const BatchBody = {
  type: "object",
  required: ["checks"],
  additionalProperties: false,
  properties: {
    checks: { type: "array", minItems: 1, maxItems: MAX_BATCH, items: checkItem },
    atLeastRevision,
  },
} as const;

export const BatchResponse = {
  type: "object",
  required: ["results", "revision"],
  properties: {
    results: {
      type: "array",
      items: {
        type: "object",
        required: ["allowed"],
        properties: {
          allowed: { type: "boolean" },
          error: { type: "string", description: "A stable error code when the user or resource is unknown" },
        },
      },
    },
    revision: { type: "integer" },
  },
} as const;

const subjectQuery = {
  user: { type: "string", minLength: 1, maxLength: 320 },
  resource: { type: "string", minLength: 1, maxLength: 200 },
  type: { type: "string", maxLength: 40 },
  atLeastRevision,
} as const;

export const AccessQuery = {
  type: "object",
  required: ["user", "resource"],
  additionalProperties: false,
  properties: subjectQuery,
} as const;

export const AccessResponse = {
  type: "object",
  required: ["user", "resource", "capabilities", "role", "custom", "revision"],
  properties: {
    user: { type: "string" },
    resource: { type: "string" },
    capabilities: { type: "array", items: { type: "string" } },
    role: { type: ["string", "null"], description: "The highest named role the capabilities contain" },
    custom: { type: "boolean", description: "True when the capabilities exceed that role, or contain none" },
    revision: { type: "integer" },
  },
} as const;

export const ResourcesQuery = {
  type: "object",
  required: ["user", "type"],
  additionalProperties: false,
  properties: {
    user: subjectQuery.user,
    type: { type: "string", minLength: 1, maxLength: 40 },
    capability: { type: "string", maxLength: 40 },
    atLeastRevision,
  },
} as const;

export const ResourcesResponse = {
  type: "object",
  required: ["resources", "revision"],
  properties: {
    resources: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "key", "name"],
        properties: { id: { type: "string" }, key: { type: "string" }, name: { type: "string" } },
      },
    },
    revision: { type: "integer" },
  },
} as const;

export const UsersQuery = {
  type: "object",
  required: ["resource"],
  additionalProperties: false,
  properties: {
    resource: subjectQuery.resource,
    type: subjectQuery.type,
    capability: { type: "string", maxLength: 40 },
    atLeastRevision,
  },
} as const;

export const UsersResponse = {
  type: "object",
  required: ["users", "revision"],
  properties: {
    users: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "email"],
        properties: { id: { type: "string" }, email: { type: "string" } },
      },
    },
    revision: { type: "integer" },
  },
} as const;

export const ExplainResponse = {
  type: "object",
  required: ["capabilities", "role", "custom", "contributions", "truncated", "revision"],
  properties: {
    capabilities: { type: "array", items: { type: "string" } },
    role: { type: ["string", "null"] },
    custom: { type: "boolean" },
    contributions: {
      type: "array",
      items: {
        type: "object",
        required: ["kind", "path", "text"],
        properties: {
          kind: { type: "string", enum: ["rule", "organization_role"] },
          role: { type: "string" },
          ruleId: { type: "string" },
          capabilities: { type: "array", items: { type: "string" } },
          holder: {
            type: "object",
            properties: { kind: { type: "string" }, id: { type: "string" }, name: { type: "string" } },
          },
          path: {
            type: "array",
            description: "The groups from the user to the rule's holder",
            items: { type: "object", properties: { id: { type: "string" }, name: { type: "string" } } },
          },
          text: {
            type: "string",
            description: "e.g. alice@x.com -> Analysts -> EMEA team: Writer on Finance",
          },
        },
      },
    },
    truncated: { type: "boolean" },
    revision: { type: "integer" },
  },
} as const;

export const FilterResponse = {
  type: "object",
  required: ["access", "revision"],
  properties: {
    access: { type: "string", enum: ["none", "unfiltered", "filtered"] },
    predicate: { description: "The effective filter as a structured predicate" },
    sql: { type: "string", description: "A parameterised SQL WHERE fragment" },
    params: { type: "array", items: {} },
    revision: { type: "integer" },
  },
} as const;

export const FilterQuery = {
  type: "object",
  required: ["user", "resource"],
  additionalProperties: false,
  properties: {
    ...subjectQuery,
    placeholder: { type: "string", enum: ["dollar", "question"], description: "$1, $2 (default) or ?" },
  },
} as const;

/**
 * The errors of the check API: the admin routes' zod `Problem`, as plain JSON
 * Schema like the rest of it (its one definition, without the `$ref` its id makes).
 */
const ProblemJson = {
  ...z.toJSONSchema(Problem).$defs?.Problem,
  description: "An error: application/problem+json with a stable `code`",
} as const;

/**
 * The answers of a check route besides 200: bad input (400), no or a bad
 * token (401), a token without the check scope (403), an unknown user or
 * resource (404), a body too large (413), an unsupported media type (415),
 * a revision not reached in time (504).
 */
export const CheckErrors = {
  400: ProblemJson,
  401: ProblemJson,
  403: ProblemJson,
  404: ProblemJson,
  413: ProblemJson,
  415: ProblemJson,
  504: ProblemJson,
} as const;

import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";
import { z } from "zod";
import { $ZodType } from "zod/v4/core";
import { RosterError } from "../domain/index.ts";
import { authenticateFirst } from "./auth.ts";
import { checkValidatorCompiler } from "./checks.ts";
import { clientErrorHandler, errorHandler, problem } from "./errors.ts";
import { jsonBody } from "./json-body.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import { authRoutes } from "./routes/auth.ts";
import { checkRoutes } from "./routes/check.ts";
import { scimRoutes } from "./routes/scim/index.ts";
import type { Services } from "./services.ts";

/**
 * The admin routes' validator: zod's, refusing a body's unknown properties
 * (400 request.invalid) rather than dropping them, so that a misspelt field
 * (`firstname` for `firstName`) is not lost without a word, as the check
 * routes' schemas already refuse them. Nested objects keep zod's default.
 */
const strictBodies: typeof validatorCompiler = (route) =>
  validatorCompiler(
    route.httpPart === "body" && route.schema instanceof z.ZodObject
      ? { ...route, schema: route.schema.strict() }
      : route,
  );

export type AppOptions = {
  readonly logger?: boolean | object;
  /** Largest accepted request body, in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  readonly version?: string;
  /** The URL people reach this server at, for links in emails. */
  readonly publicUrl?: string;
  /** The built console (`npm run build`), served at `/`; default `dist/web` of the repository. */
  readonly consoleDir?: string;
};

const CONSOLE_DIR = fileURLToPath(new URL("../../dist/web", import.meta.url));

/** Paths the console never answers for: the APIs keep their JSON 404. */
const NOT_CONSOLE = /^\/(api|scim|healthz)(\/|\?|$)/;

/** A page load the console's router may answer (a deep link or a refresh): GET, wants HTML, not an API. */
function isConsolePage(request: FastifyRequest): boolean {
  return (
    (request.method === "GET" || request.method === "HEAD") &&
    !NOT_CONSOLE.test(request.url) &&
    (request.headers.accept ?? "").includes("text/html")
  );
}

/** What `/` says when the console has not been built. */
const CONSOLE_MISSING =
  '<!doctype html><meta charset="utf-8"><title>Roster</title>' +
  '<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">' +
  "<h1>Roster</h1><p>The server is running, but the web console has not been built: " +
  "run <code>npm run build</code> and restart the server.</p>" +
  '<ul><li><a href="/api/docs">API documentation</a></li><li><a href="/api/openapi.json">OpenAPI document</a></li>' +
  '<li><a href="/healthz">Health</a></li></ul></body>';

const isZod = (v: unknown) => v instanceof $ZodType;

/**
 * The OpenAPI document mixes zod schemas (admin routes) and plain JSON Schema
 * (the check routes, which Fastify compiles): convert only the zod ones.
 */
function transform(doc: Parameters<typeof jsonSchemaTransform>[0]) {
  const schema = doc.schema as Record<string, unknown> | undefined;
  const parts = schema
    ? [schema.body, schema.querystring, schema.params, ...Object.values((schema.response as object) ?? {})]
    : [];
  if (parts.some(isZod)) return jsonSchemaTransform(doc);
  return { schema: doc.schema, url: doc.url };
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: "x-request-id",
    // A malformed address (bad percent-encoding) answers problem+json like every other error.
    frameworkErrors: (error, request, reply) => errorHandler(error, request, reply),
    clientErrorHandler,
  });
  app.setErrorHandler(errorHandler);
  app.decorateRequest("rosterCaller", null);
  const consoleDir = options.consoleDir ?? CONSOLE_DIR;
  const consoleBuilt = existsSync(join(consoleDir, "index.html"));
  app.setNotFoundHandler((request, reply) => {
    // The console routes in the browser: a deep link or a refresh gets its index.html.
    if (isConsolePage(request)) {
      if (consoleBuilt) return reply.header("cache-control", "no-cache").sendFile("index.html");
      return reply.status(404).type("text/html; charset=utf-8").send(CONSOLE_MISSING);
    }
    return reply
      .status(404)
      .type("application/problem+json")
      .send(
        problem(
          404,
          "route.not_found",
          `No route ${request.method} ${request.url.split("?")[0]}.`,
          request.id,
        ),
      );
  });
  // A callback hook, not an async one: no promise per request on the check path.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    // PostgreSQL's text cannot hold a NUL: refused here rather than by a query (a 500).
    if (request.url.includes("%00")) {
      done(new RosterError("request.invalid", "The address contains a NUL character (%00)."));
      return;
    }
    done();
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Roster",
        version: options.version ?? "0.1.0",
        description:
          "Users, groups and permissions for analytics platforms. Errors are application/problem+json with a stable `code`. " +
          "Every write answers with the organization's revision (body and `Roster-Revision` header); reads may ask for `atLeastRevision`.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "An API token of the organization" },
        },
      },
      security: [{ bearer: [] }],
    },
    transform,
    // Schemas with an id (Problem) go to components.schemas, where the routes' $refs point.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.get("/healthz", { schema: { hide: true } }, async () => ({ ok: true }));
  if (consoleBuilt) {
    // The console's files: hashed assets cached for good, index.html revalidated. Looked up per
    // request (wildcard), so a rebuild while the server runs serves the new files; a miss goes
    // to the not-found handler above.
    await app.register(fastifyStatic, {
      root: consoleDir,
      wildcard: true,
      cacheControl: false,
      setHeaders: (reply, path) =>
        void reply.header(
          "cache-control",
          /[\\/]assets[\\/]/.test(path) ? "public, max-age=31536000, immutable" : "no-cache",
        ),
    });
  } else {
    app.get("/", { schema: { hide: true } }, async (_request, reply) =>
      reply.type("text/html; charset=utf-8").send(CONSOLE_MISSING),
    );
  }

  // The check API: plain JSON Schema, validated by ajv through Fastify's own compiler (checks.ts)
  // and serialised by Fastify's compiled serializer; batches are answered by checks.ts's
  // BatchAnswerer, on a check thread when one runs.
  await app.register(async (check) => {
    check.addHook("preParsing", authenticateFirst(services.auth, "check"));
    // Plain JSON.parse, without secure-json-parse's scan of every key: the check
    // schemas allow no other properties, so `__proto__` or `constructor` keys are refused by validation.
    check.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    check.removeContentTypeParser("text/plain");
    check.setValidatorCompiler(checkValidatorCompiler);
    checkRoutes(check, services);
  });

  // Admin routes: zod schemas from src/contracts for validation, types and the OpenAPI document.
  await app.register(async (admin) => {
    admin.addHook("preParsing", authenticateFirst(services.auth, "admin"));
    // JSON only (other media types answer 415), an empty body as none.
    const json = admin.getDefaultJsonParser("error", "error");
    admin.removeAllContentTypeParsers();
    admin.addContentTypeParser("application/json", { parseAs: "string" }, jsonBody(json));
    admin.setValidatorCompiler(strictBodies);
    admin.setSerializerCompiler(serializerCompiler);
    adminRoutes(admin, services);
    authRoutes(admin, services, { ...(options.publicUrl && { publicUrl: options.publicUrl }) });
  });

  // SCIM 2.0 for identity providers: its own body parsing and error schema; self-described, not in OpenAPI.
  await app.register(scimRoutes(services, { publicUrl: options.publicUrl }), { prefix: "/scim/v2" });
  return app;
}

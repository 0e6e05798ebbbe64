import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";
import { $ZodType } from "zod/v4/core";
import { errorHandler, problem } from "./errors.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import { authRoutes } from "./routes/auth.ts";
import { checkRoutes } from "./routes/check.ts";
import type { Services } from "./services.ts";

export type AppOptions = {
  readonly logger?: boolean | object;
  /** Largest accepted request body, in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  readonly version?: string;
  /** The URL people reach this server at, for links in emails. */
  readonly publicUrl?: string;
};

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
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", allErrors: false } },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply
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
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
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
  // Until the console lands (web/), the root says where things are.
  app.get("/", { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .send(
        '<!doctype html><meta charset="utf-8"><title>Roster</title>' +
          '<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">' +
          "<h1>Roster</h1><p>The server is running. The web console is not part of this version yet.</p>" +
          '<ul><li><a href="/api/docs">API documentation</a></li><li><a href="/api/openapi.json">OpenAPI document</a></li>' +
          '<li><a href="/healthz">Health</a></li></ul></body>',
      ),
  );

  // The check API: plain JSON Schema, Fastify's compiled validator and serializer.
  checkRoutes(app, services);

  // Admin routes: zod schemas from src/contracts for validation, types and the OpenAPI document.
  await app.register(async (admin) => {
    admin.setValidatorCompiler(validatorCompiler);
    admin.setSerializerCompiler(serializerCompiler);
    adminRoutes(admin, services);
    authRoutes(admin, services, { ...(options.publicUrl && { publicUrl: options.publicUrl }) });
  });
  return app;
}

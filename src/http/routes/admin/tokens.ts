import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createToken, revokeToken } from "../../../commands/index.ts";
import { Problem, TokenBody, TokenCreated, TokenList, TokenRevoked } from "../../../contracts/index.ts";
import { listOrganizationTokens } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, adminOrg, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

export function tokenRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    "/api/v1/tokens",
    {
      schema: {
        tags: ["tokens"],
        summary: "Create an API token; the token is in this answer only, and stored as an HMAC",
        body: TokenBody,
        response: { 201: TokenCreated, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await createToken(await adminContext(s, request), request.body), 201),
  );
  app.get(
    "/api/v1/tokens",
    {
      schema: {
        tags: ["tokens"],
        summary: "The organization's API tokens (never the secrets)",
        response: { 200: TokenList, ...errors },
      },
    },
    async (request) => ({ tokens: await listOrganizationTokens(s.store, await adminOrg(s, request)) }),
  );
  app.delete(
    "/api/v1/tokens/:id",
    {
      schema: {
        tags: ["tokens"],
        summary: "Revoke a token",
        params: z.object({ id: z.string() }),
        response: { 200: TokenRevoked, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await revokeToken(await adminContext(s, request), request.params.id);
      s.auth.forget(request.params.id);
      return written(reply, outcome);
    },
  );
}

import type { FastifyInstance } from "fastify";
import type { Services } from "../../services.ts";
import { organizationRoutes } from "./organizations.ts";
import { tokenRoutes } from "./tokens.ts";

/** Every admin route, registered in a context whose validator and serializer are zod's. */
export function adminRoutes(app: FastifyInstance, s: Services): void {
  organizationRoutes(app, s);
  tokenRoutes(app, s);
}

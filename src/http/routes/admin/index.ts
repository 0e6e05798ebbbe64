import type { FastifyInstance } from "fastify";
import type { Services } from "../../services.ts";
import { auditRoutes } from "./audit.ts";
import { catalogRoutes } from "./catalog.ts";
import { delegationRoutes } from "./delegations.ts";
import { filterRoutes } from "./filters.ts";
import { groupDefinitionRoutes } from "./group-definitions.ts";
import { groupRoutes } from "./groups.ts";
import { organizationRoutes } from "./organizations.ts";
import { ruleRoutes } from "./rules.ts";
import { smtpRoutes } from "./smtp.ts";
import { tokenRoutes } from "./tokens.ts";
import { userAccessRoutes } from "./user-access.ts";
import { userRoutes } from "./users.ts";

/** Every admin route, registered in a context whose validator and serializer are zod's. */
export function adminRoutes(app: FastifyInstance, s: Services): void {
  organizationRoutes(app, s);
  smtpRoutes(app, s);
  tokenRoutes(app, s);
  catalogRoutes(app, s);
  ruleRoutes(app, s);
  filterRoutes(app, s);
  delegationRoutes(app, s);
  auditRoutes(app, s);
  userRoutes(app, s);
  userAccessRoutes(app, s);
  groupRoutes(app, s);
  groupDefinitionRoutes(app, s);
}

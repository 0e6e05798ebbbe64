import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createOrganization, createToken, updateOrganization } from "../../../commands/index.ts";
import { Organization, Plan, Problem, User } from "../../../contracts/index.ts";
import { RosterError } from "../../../domain/index.ts";
import { findOrganizationById, listAllOrganizations } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, adminOrg, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

export function organizationRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/api/v1/organizations",
    {
      config: { operatorOnly: true },
      schema: {
        tags: ["organizations"],
        summary:
          "Create an organization with its first administrator and an admin API token (operator token only)",
        body: z.object({
          name: z.string().min(1).max(120),
          slug: z.string().min(1).max(63),
          plan: Plan.default("free"),
          admin: z.object({
            email: z.string().min(3).max(254),
            firstName: z.string().max(100).optional(),
            lastName: z.string().max(100).optional(),
          }),
        }),
        response: {
          201: z.object({
            organization: Organization,
            admin: User,
            token: z.string(),
            revision: z.number().int(),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const actor = { kind: "operator", id: null, label: "operator" } as const;
      const created = await createOrganization(s.store, request.body, actor);
      const token = await createToken(
        {
          store: s.store,
          orgId: created.value.organization.id,
          actor,
          authority: { kind: "owner" },
          requestId: request.id,
        },
        { name: "bootstrap", scopes: ["admin"] },
      );
      void reply.status(201).header("roster-revision", String(token.revision));
      return {
        organization: created.value.organization,
        admin: created.value.admin,
        token: token.value.token,
        revision: token.revision,
      };
    },
  );

  app.get(
    "/api/v1/organizations",
    {
      schema: {
        tags: ["organizations"],
        summary: "List organizations: all of them for the operator, the token's own otherwise",
        response: {
          200: z.object({ organizations: z.array(Organization.extend({ revision: z.number().int() })) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const caller = await s.auth.caller(request);
      if (caller.kind === "operator") return { organizations: await listAllOrganizations(s.store) };
      const own = await findOrganizationById(s.store, caller.orgId);
      return { organizations: own ? [own] : [] };
    },
  );

  app.get(
    "/api/v1/organization",
    {
      schema: {
        tags: ["organizations"],
        summary: "The caller's organization",
        response: { 200: Organization.extend({ revision: z.number().int() }), ...errors },
      },
    },
    async (request) => {
      const org = await findOrganizationById(s.store, await adminOrg(s, request));
      if (!org) throw new RosterError("organization.not_found", "No such organization.");
      return org;
    },
  );

  app.patch(
    "/api/v1/organization",
    {
      schema: {
        tags: ["organizations"],
        summary: "Rename the organization (administrators) or change its plan or slug (owners)",
        body: z.object({
          name: z.string().min(1).max(120).optional(),
          slug: z.string().max(63).optional(),
          plan: Plan.optional(),
        }),
        response: { 200: z.object({ organization: Organization, revision: z.number().int() }), ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await updateOrganization(await adminContext(s, request), request.body)),
  );
}

import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { createDelegation, removeDelegation } from "../../../commands/index.ts";
import {
  DelegationBody,
  DelegationList,
  DelegationWritten,
  EntityIdParams,
  Problem,
} from "../../../contracts/index.ts";
import type { DelegationId, RuleScope, UserId } from "../../../domain/index.ts";
import { listDelegations } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, adminOrg, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

/** Delegated administration of a subset of resources. */
export function delegationRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/api/v1/delegations",
    {
      schema: {
        tags: ["delegations"],
        summary:
          "Delegate administration of some resources to a user: they may create groups, manage them and set their rules in the scope",
        body: DelegationBody,
        response: { 201: DelegationWritten, ...errors },
      },
    },
    async (request, reply) => {
      const input = { userId: request.body.userId as UserId, scope: request.body.scope as RuleScope };
      return written(reply, await createDelegation(await adminContext(s, request), input), 201);
    },
  );

  app.get(
    "/api/v1/delegations",
    {
      schema: {
        tags: ["delegations"],
        summary: "Every delegation, with the delegate's email and the resources delegated",
        response: { 200: DelegationList, ...errors },
      },
    },
    async (request) => ({ delegations: await listDelegations(s.store, await adminOrg(s, request)) }),
  );

  app.delete(
    "/api/v1/delegations/:id",
    {
      schema: {
        tags: ["delegations"],
        summary: "End a delegation; the groups created under it stay, without the mark",
        params: EntityIdParams,
        response: { 200: DelegationWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await removeDelegation(await adminContext(s, request), request.params.id as DelegationId),
      ),
  );
}

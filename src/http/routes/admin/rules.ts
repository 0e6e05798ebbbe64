import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { removeRules, type SetRulesInput, setRules } from "../../../commands/index.ts";
import {
  EntityIdParams,
  Problem,
  RemoveRulesBody,
  RulesPage,
  RulesQuery,
  RulesRemoved,
  SetRulesBody,
  SetRulesResult,
} from "../../../contracts/index.ts";
import type { RuleId } from "../../../domain/index.ts";
import { listRules } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, adminOrg, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

/** Rules (grants) and the per-resource permissions page of the console. */
export function ruleRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/api/v1/rules",
    {
      schema: {
        tags: ["rules"],
        summary:
          "Give a user or group a role on a scope: the same role again changes nothing, another replaces it (201 when a rule was created)",
        body: SetRulesBody,
        response: { 200: SetRulesResult, 201: SetRulesResult, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await setRules(await adminContext(s, request), request.body as SetRulesInput);
      return written(reply, outcome, outcome.value.rules.some((r) => r.status === "created") ? 201 : 200);
    },
  );

  app.get(
    "/api/v1/rules",
    {
      schema: {
        tags: ["rules"],
        summary:
          "A resource's permissions (groups or users holding a rule that covers it), or a subject's rules, a page at a time",
        querystring: RulesQuery,
        response: { 200: RulesPage, ...errors },
      },
    },
    async (request) => listRules(s.store, await adminOrg(s, request), request.query),
  );

  app.delete(
    "/api/v1/rules/:id",
    {
      schema: {
        tags: ["rules"],
        summary: "Remove a rule (locked system rules cannot be removed)",
        params: EntityIdParams,
        response: { 200: RulesRemoved, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await removeRules(await adminContext(s, request), [request.params.id as RuleId])),
  );

  app.post(
    "/api/v1/rules/remove",
    {
      schema: {
        tags: ["rules"],
        summary: "Remove several rules in one change: all of them or, on any error, none",
        body: RemoveRulesBody,
        response: { 200: RulesRemoved, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await removeRules(await adminContext(s, request), request.body.ruleIds as RuleId[])),
  );
}

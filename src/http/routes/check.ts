import type { FastifyInstance, FastifyRequest } from "fastify";
import type { OrgIndex } from "../../access/index.ts";
import {
  AccessQuery,
  AccessResponse,
  BatchBody,
  BatchResponse,
  CheckBody,
  CheckErrors,
  CheckResponse,
  ExplainResponse,
  FilterQuery,
  FilterResponse,
  ResourcesQuery,
  ResourcesResponse,
  UsersQuery,
  UsersResponse,
} from "../../contracts/index.ts";
import { type OrgId, RosterError, summarize, toSql, type UserId } from "../../domain/index.ts";
import { ActivityGate } from "../activity-gate.ts";
import { requireScope } from "../auth.ts";
import { type BatchAnswer, BatchAnswerer, type CheckItem, checkItem, resourceOf, userOf } from "../checks.ts";
import type { Services } from "../services.ts";
import { sessionAuthority } from "./admin/context.ts";

/** The index of the caller's organization, at least at the asked revision (waiting, bounded, when behind). */
async function indexFor(
  s: Services,
  request: FastifyRequest,
  atLeast?: number,
): Promise<{ orgId: OrgId; index: OrgIndex }> {
  const caller = await s.auth.caller(request);
  const orgId = requireScope(caller, "check");
  if (caller.kind === "session") await sessionAuthority(s, caller);
  const index = s.index.get(orgId);
  if (index && (atLeast === undefined || index.revision >= atLeast)) return { orgId, index };
  return { orgId, index: await s.index.atLeast(orgId, atLeast ?? 0) };
}

/** The check API: the platform's hot path, answered from memory. */
export function checkRoutes(app: FastifyInstance, s: Services): void {
  const gate = new ActivityGate();
  const answerer = new BatchAnswerer();
  /** Hears the users checked at `now`, for "last active" (the gate lets each through once a minute). */
  const seen = (orgId: OrgId, index: OrgIndex, now: number) => (u: number) => {
    if (gate.pass(index, u, now)) s.activity.record(orgId, index.userId(u), now);
  };

  app.post<{ Body: CheckItem & { atLeastRevision?: number } }>(
    "/api/v1/access/check",
    {
      schema: {
        tags: ["check"],
        summary: "May this user use this capability on this resource?",
        body: CheckBody,
        response: { 200: CheckResponse, ...CheckErrors },
      },
    },
    async (request) => {
      const { orgId, index } = await indexFor(s, request, request.body.atLeastRevision);
      const allowed = checkItem(index, request.body, seen(orgId, index, Date.now()));
      return { allowed, revision: index.revision };
    },
  );

  /** A batch's answer from a check thread when one runs, else from this thread. */
  const answerBatch = async (orgId: OrgId, index: OrgIndex, text: string): Promise<BatchAnswer> => {
    const threaded = await s.checks?.answer(orgId, text);
    if (threaded?.answer) {
      const now = Date.now();
      for (const id of threaded.seen) s.activity.record(orgId, id as UserId, now);
      return threaded.answer;
    }
    return answerer.answer(index, text, seen(orgId, index, Date.now()));
  };

  // The batch route takes its body as text, parsed and validated with the answer (checks.ts), so
  // that all the work that grows with a batch can run on a check thread. The body schema stays
  // for the OpenAPI document; BatchAnswerer validates with it, as Fastify would.
  void app.register(async (batch) => {
    batch.removeContentTypeParser("application/json");
    batch.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) =>
      done(null, body),
    );
    batch.setValidatorCompiler(() => () => true);
    batch.post(
      "/api/v1/access/check/batch",
      {
        schema: {
          tags: ["check"],
          summary:
            "Up to 1,000 checks in one request; unknown users or resources answer an error code per item",
          body: BatchBody,
          response: { 200: BatchResponse, ...CheckErrors },
        },
      },
      async (request, reply) => {
        // No body at all (no content type) is validated as none, as Fastify's validator would.
        const text = typeof request.body === "string" ? request.body : "null";
        const { orgId, index } = await indexFor(s, request);
        let answer = await answerBatch(orgId, index, text);
        if (answer.kind === "behind") {
          await s.index.atLeast(orgId, answer.revision);
          answer = await answerBatch(orgId, index, text);
        }
        switch (answer.kind) {
          case "answered":
            return reply.type("application/json; charset=utf-8").send(answer.json);
          case "malformed":
            throw new RosterError("request.invalid", "The body is not valid JSON.");
          case "invalid":
            // As Fastify's validator reports it: errors.ts words it like every other route's.
            throw Object.assign(new Error("The body is not a batch."), { validation: answer.errors });
          case "behind":
            throw new RosterError("revision.timeout", `Revision ${answer.revision} was not reached.`);
          case "failed":
            throw new Error(`A check thread failed on a batch: ${answer.message}`);
        }
      },
    );
  });

  app.get<{ Querystring: { user: string; resource: string; type?: string; atLeastRevision?: number } }>(
    "/api/v1/access/effective",
    {
      schema: {
        tags: ["check"],
        summary: "A user's effective capabilities on a resource, with the highest named role they contain",
        querystring: AccessQuery,
        response: { 200: AccessResponse, ...CheckErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const { index } = await indexFor(s, request, q.atLeastRevision);
      const u = userOf(index, q.user);
      const r = resourceOf(index, q.resource, q.type);
      const summary = summarize(index.typeOf(r)!, index.mask(u, r));
      return { user: index.userId(u), resource: index.resource(r)!.id, ...summary, revision: index.revision };
    },
  );

  app.get<{ Querystring: { user: string; type: string; capability?: string; atLeastRevision?: number } }>(
    "/api/v1/access/resources",
    {
      schema: {
        tags: ["check"],
        summary: "The resources of a type a user can use (with a capability, if given)",
        querystring: ResourcesQuery,
        response: { 200: ResourcesResponse, ...CheckErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const { index } = await indexFor(s, request, q.atLeastRevision);
      const u = userOf(index, q.user);
      const type = index.type(q.type);
      if (!type) throw new RosterError("resource_type.not_found", `No resource type ${q.type}.`);
      let need = -1;
      if (q.capability) {
        const i = type.index.get(q.capability);
        if (i === undefined)
          throw new RosterError("capability.unknown", `${q.capability} is not a capability of ${q.type}.`);
        need = 1 << i;
      }
      const resources = index.resourcesOf(u, q.type, need).map((r) => {
        const rec = index.resource(r)!;
        return { id: rec.id, key: rec.key, name: rec.name };
      });
      return { resources, revision: index.revision };
    },
  );

  app.get<{
    Querystring: { resource: string; type?: string; capability?: string; atLeastRevision?: number };
  }>(
    "/api/v1/access/users",
    {
      schema: {
        tags: ["check"],
        summary:
          "The active users who can use a resource (with a capability, if given), from the reverse index",
        querystring: UsersQuery,
        response: { 200: UsersResponse, ...CheckErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const { index } = await indexFor(s, request, q.atLeastRevision);
      const r = resourceOf(index, q.resource, q.type);
      let need = -1;
      if (q.capability) {
        need = index.capabilityBit(r, q.capability);
        if (need === 0)
          throw new RosterError(
            "capability.unknown",
            `${q.capability} is not a capability of this resource's type.`,
          );
      }
      const users = index.usersOf(r, need).map((u) => ({ id: index.userId(u), email: index.user(u)!.email }));
      return { users, revision: index.revision };
    },
  );

  app.get<{ Querystring: { user: string; resource: string; type?: string; atLeastRevision?: number } }>(
    "/api/v1/access/explain",
    {
      schema: {
        tags: ["check"],
        summary:
          "Why a user has what they have on a resource: every contributing rule with one shortest path",
        querystring: AccessQuery,
        response: { 200: ExplainResponse, ...CheckErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const { index } = await indexFor(s, request, q.atLeastRevision);
      const u = userOf(index, q.user);
      const r = resourceOf(index, q.resource, q.type);
      const type = index.typeOf(r)!;
      const resource = index.resource(r)!;
      const email = index.user(u)!.email;
      const why = index.explain(u, r);
      const contributions = why.contributions.map((c) => {
        const path = c.path.map((g) => ({ id: g, name: index.group(g)?.name ?? g }));
        const chain = [email, ...path.map((p) => p.name)].join(" -> ");
        if (c.kind === "organization_role") {
          return { kind: c.kind, role: c.role, path, text: `${chain}: ${c.role} of the organization` };
        }
        const holder =
          c.rule.subject.kind === "group"
            ? {
                kind: "group",
                id: c.rule.subject.id,
                name: index.group(c.rule.subject.id as never)?.name ?? "",
              }
            : { kind: "user", id: c.rule.subject.id, name: email };
        const where = c.rule.resourceId === null ? `all ${type.def.label.toLowerCase()}s` : resource.name;
        return {
          kind: c.kind,
          role: c.role.name,
          ruleId: c.rule.id,
          capabilities: c.role.capabilities as string[],
          holder,
          path,
          text: `${chain}: ${c.role.name} on ${where}`,
        };
      });
      return {
        ...summarize(type, why.mask),
        contributions,
        truncated: why.truncated,
        revision: index.revision,
      };
    },
  );

  app.get<{
    Querystring: {
      user: string;
      resource: string;
      type?: string;
      atLeastRevision?: number;
      placeholder?: "dollar" | "question";
    };
  }>(
    "/api/v1/access/filter",
    {
      schema: {
        tags: ["check"],
        summary: "A user's row filter on a dataset: no access, unfiltered, or filtered (predicate and SQL)",
        querystring: FilterQuery,
        response: { 200: FilterResponse, ...CheckErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const { index } = await indexFor(s, request, q.atLeastRevision);
      const u = userOf(index, q.user);
      const r = resourceOf(index, q.resource, q.type ?? "dataset");
      if (index.typeOf(r)?.def.key !== "dataset")
        throw new RosterError("resource.type_mismatch", "Data filters apply to datasets.");
      const filter = index.dataFilter(u, r);
      if (filter.access !== "filtered") return { access: filter.access, revision: index.revision };
      const { sql, params } = toSql(filter.predicate, { placeholder: q.placeholder ?? "dollar" });
      return { access: "filtered", predicate: filter.predicate, sql, params, revision: index.revision };
    },
  );
}

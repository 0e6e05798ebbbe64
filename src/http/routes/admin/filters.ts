import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { OrgIndex } from "../../../access/index.ts";
import { removeDataFilter, setDataFilter } from "../../../commands/index.ts";
import {
  EntityIdParams,
  FilterBody,
  FilterList,
  FilterListQuery,
  FilterPreview,
  FilterPreviewQuery,
  FilterWritten,
  Problem,
} from "../../../contracts/index.ts";
import {
  DATASET_TYPE,
  type DataFilter,
  type FilterId,
  formatPredicate,
  type OrgId,
  parseFilterExpression,
  type ResourceId,
  RosterError,
  type Subject,
  toSql,
} from "../../../domain/index.ts";
import { findOrganizationById, listFilters } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, adminOrg, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

const withExpression = (filter: DataFilter) => ({
  filter: { ...filter, expression: formatPredicate(filter.predicate) },
});

/** The access index of the organization, at least at the asked revision or else at the current one (read your writes). */
async function indexAt(s: Services, orgId: OrgId, atLeast: number | undefined): Promise<OrgIndex> {
  const revision = atLeast ?? (await findOrganizationById(s.store, orgId))?.revision ?? 0;
  return s.index.atLeast(orgId, revision);
}

/** What the check API's /access/filter answers for this user on this dataset. */
function preview(index: OrgIndex, user: string, resource: string, placeholder: "dollar" | "question") {
  const u = index.userIndex(user);
  if (u === undefined) throw new RosterError("user.not_found", `No user ${user} in this organization.`);
  const r = index.resourceIndex(resource, DATASET_TYPE) ?? index.resourceIndex(resource);
  if (r === undefined) throw new RosterError("resource.not_found", `No dataset with id or key ${resource}.`);
  const dataset = index.resource(r)!;
  if (dataset.type !== DATASET_TYPE)
    throw new RosterError("resource.type_mismatch", "Data filters apply to datasets only.");
  const head = {
    user: { id: index.userId(u), email: index.user(u)!.email },
    resource: { id: dataset.id, key: dataset.key, name: dataset.name },
    revision: index.revision,
  };
  const filter = index.dataFilter(u, r);
  if (filter.access !== "filtered") return { ...head, access: filter.access };
  return {
    ...head,
    access: filter.access,
    predicate: filter.predicate,
    ...toSql(filter.predicate, { placeholder }),
  };
}

/** Data filters (row-level security) on datasets, and their preview for a user. */
export function filterRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.put(
    "/api/v1/filters",
    {
      schema: {
        tags: ["filters"],
        summary:
          "Set the row filter a group or user carries on a dataset, as structured JSON or as text (`region = {{user.region}}`)",
        body: FilterBody,
        response: { 200: FilterWritten, ...errors },
      },
    },
    async (request, reply) => {
      const { subject, resourceId, predicate, expression } = request.body;
      const input = {
        subject: subject as Subject,
        resourceId: resourceId as ResourceId,
        predicate: expression !== undefined ? parseFilterExpression(expression) : predicate,
      };
      const outcome = await setDataFilter(await adminContext(s, request), input);
      return written(reply, { ...outcome, value: withExpression(outcome.value.filter) });
    },
  );

  app.get(
    "/api/v1/filters",
    {
      schema: {
        tags: ["filters"],
        summary: "Data filters, of one dataset or all, each also written as text",
        querystring: FilterListQuery,
        response: { 200: FilterList, ...errors },
      },
    },
    async (request) => ({
      filters: await listFilters(s.store, await adminOrg(s, request), request.query.resource),
    }),
  );

  app.get(
    "/api/v1/filters/preview",
    {
      schema: {
        tags: ["filters"],
        summary:
          "A user's effective row filter on a dataset (no access, unfiltered, or filtered with its SQL), as the check API answers it",
        querystring: FilterPreviewQuery,
        response: { 200: FilterPreview, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const index = await indexAt(s, await adminOrg(s, request), q.atLeastRevision);
      return preview(index, q.user, q.resource, q.placeholder);
    },
  );

  app.delete(
    "/api/v1/filters/:id",
    {
      schema: {
        tags: ["filters"],
        summary: "Remove a data filter",
        params: EntityIdParams,
        response: { 200: FilterWritten, ...errors },
      },
    },
    async (request, reply) => {
      const outcome = await removeDataFilter(await adminContext(s, request), request.params.id as FilterId);
      return written(reply, { ...outcome, value: withExpression(outcome.value.filter) });
    },
  );
}

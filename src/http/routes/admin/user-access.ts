import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { OrgIndex } from "../../../access/index.ts";
import { Problem, UserAccessPage, UserAccessQuery, UserIdParams } from "../../../contracts/index.ts";
import { DATASET_TYPE, fail, type OrgId, RosterError, summarize, toSql } from "../../../domain/index.ts";
import { findOrganizationById } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminOrg } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 504: Problem };

type Query = {
  type: string;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
  atLeastRevision?: number | undefined;
};

/** The keyset of the list: the resource's name, case-insensitive, then its id. */
type Key = readonly [name: string, id: string];

const before = (a: Key, b: Key) => (a[0] < b[0] ? true : a[0] > b[0] ? false : a[1] < b[1]);

function decodeCursor(text: string | undefined): Key | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string")
      return [v[0], v[1]];
  } catch {
    // falls through to the error below
  }
  return fail("request.invalid", "cursor: not a cursor of this list; pass nextCursor as given.", {
    field: "cursor",
  });
}

/** The index at the asked revision, or at the organization's current one (read your writes). */
async function indexAt(s: Services, orgId: OrgId, atLeast: number | undefined): Promise<OrgIndex> {
  const revision = atLeast ?? (await findOrganizationById(s.store, orgId))?.revision ?? 0;
  return s.index.atLeast(orgId, revision);
}

/** One page of what a user can use among the resources of a type, from the access index. */
function userAccess(index: OrgIndex, userId: string, query: Query) {
  const u = index.userIndex(userId);
  if (u === undefined) throw new RosterError("user.not_found", `No user ${userId} in this organization.`);
  const type = index.type(query.type);
  if (!type) throw new RosterError("resource_type.not_found", `No resource type "${query.type}".`);
  const q = query.q?.trim().toLowerCase();
  const keyed = index
    .resourcesOf(u, query.type)
    .map((r) => ({ r, resource: index.resource(r)! }))
    .filter(
      ({ resource }) =>
        !q || resource.name.toLowerCase().includes(q) || resource.key.toLowerCase().includes(q),
    )
    .map((x) => ({ ...x, key: [x.resource.name.toLowerCase(), x.resource.id] as Key }))
    .sort((a, b) => (before(a.key, b.key) ? -1 : before(b.key, a.key) ? 1 : 0));
  const after = decodeCursor(query.cursor);
  const rest = after ? keyed.filter((x) => before(after, x.key)) : keyed;
  const page = rest.slice(0, query.limit);
  const last = page[page.length - 1];
  const user = index.user(u)!;
  return {
    user: { id: user.id, email: user.email, status: user.status, role: index.orgRole(u) },
    type: { key: type.def.key, label: type.def.label },
    resources: page.map(({ r, resource }) => {
      const row = {
        resource: { id: resource.id, key: resource.key, name: resource.name },
        ...summarize(type, index.mask(u, r)),
      };
      if (type.def.key !== DATASET_TYPE) return row;
      const filter = index.dataFilter(u, r);
      if (filter.access !== "filtered") return { ...row, filter: { access: filter.access } };
      return { ...row, filter: { access: filter.access, ...toSql(filter.predicate) } };
    }),
    total: keyed.length,
    nextCursor:
      rest.length > query.limit && last
        ? Buffer.from(JSON.stringify(last.key), "utf8").toString("base64url")
        : null,
    revision: index.revision,
  };
}

/** A user's effective access, resource by resource: the user page of the console. */
export function userAccessRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/api/v1/users/:id/access",
    {
      schema: {
        tags: ["users"],
        summary:
          "A user's effective access on the resources of a type, each with its highest named role (and, for datasets, the row filter)",
        params: UserIdParams,
        querystring: UserAccessQuery,
        response: { 200: UserAccessPage, ...errors },
      },
    },
    async (request) => {
      const orgId = await adminOrg(s, request);
      const index = await indexAt(s, orgId, request.query.atLeastRevision);
      return userAccess(index, request.params.id, request.query);
    },
  );
}

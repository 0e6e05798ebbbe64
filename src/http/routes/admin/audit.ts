import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  AuditPage,
  AuditQuery,
  ExportParams,
  ExportQuery,
  ExportRows,
  NotificationPage,
  NotificationQuery,
  Problem,
} from "../../../contracts/index.ts";
import type { OrgId } from "../../../domain/index.ts";
import {
  AUDIT_COLUMNS,
  type AuditFilter,
  exportAudit,
  exportGroups,
  exportRules,
  exportUsers,
  GROUP_COLUMNS,
  listNotifications,
  type Row,
  RULE_COLUMNS,
  searchAudit,
  toCsv,
  USER_COLUMNS,
} from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminOrg } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

/** The exports of PRODUCT.md, with the columns of their CSV form. */
const EXPORTS: Record<
  "groups" | "users" | "rules" | "audit",
  { columns: readonly string[]; rows: (s: Services, orgId: OrgId, filter: AuditFilter) => Promise<Row[]> }
> = {
  groups: { columns: GROUP_COLUMNS, rows: (s, orgId) => exportGroups(s.store, orgId) },
  users: { columns: USER_COLUMNS, rows: (s, orgId) => exportUsers(s.store, orgId) },
  rules: { columns: RULE_COLUMNS, rows: (s, orgId) => exportRules(s.store, orgId) },
  audit: { columns: AUDIT_COLUMNS, rows: (s, orgId, filter) => exportAudit(s.store, orgId, filter) },
};

/** The audit log, the exports and the notifications kept in the outbox. */
export function auditRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/api/v1/audit",
    {
      schema: {
        tags: ["audit"],
        summary: "The audit log, newest first: who changed what, when, from which request, before and after",
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errors },
      },
    },
    async (request) => searchAudit(s.store, await adminOrg(s, request), request.query),
  );

  app.get(
    "/api/v1/exports/:what",
    {
      schema: {
        tags: ["audit"],
        summary: "Export groups, users, rules or the audit log as CSV (an attachment) or JSON",
        params: ExportParams,
        querystring: ExportQuery,
        response: { 200: ExportRows, ...errors },
      },
    },
    async (request, reply) => {
      const { what } = request.params;
      const { format, ...filter } = request.query;
      const rows = await EXPORTS[what].rows(s, await adminOrg(s, request), filter);
      const filename = `roster-${what}-${new Date().toISOString().slice(0, 10)}.${format}`;
      void reply.header("content-disposition", `attachment; filename="${filename}"`);
      if (format === "json") return rows;
      return reply.type("text/csv; charset=utf-8").send(toCsv(rows, EXPORTS[what].columns));
    },
  );

  app.get(
    "/api/v1/notifications",
    {
      schema: {
        tags: ["audit"],
        summary:
          "The notifications of the outbox, newest first (with no SMTP server configured they are kept and listed here)",
        querystring: NotificationQuery,
        response: { 200: NotificationPage, ...errors },
      },
    },
    async (request) => listNotifications(s.store, await adminOrg(s, request), request.query),
  );
}

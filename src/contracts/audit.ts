import { z } from "zod";

/** The audit log, exports and the notifications kept in the outbox. */

const Cursor = z.string().max(1000).optional().describe("`nextCursor` of the previous page");
const NextCursor = z.string().nullable().describe("Pass as `cursor` for the next page; null on the last one");

export const AuditFilterQuery = z.object({
  actor: z.string().max(320).optional().describe("An actor's id, or part of their email or token name"),
  target: z.string().max(320).optional().describe("A target's id, or part of its email or name"),
  action: z
    .string()
    .max(100)
    .optional()
    .describe(
      "An action (`group.create`), or a prefix of whole segments (`group` matches `group.members.add`)",
    ),
  from: z
    .string()
    .max(40)
    .optional()
    .describe("From this date or time on: 2024-05-01 or 2024-05-01T08:00:00Z"),
  to: z.string().max(40).optional().describe("Up to this date (the whole day, UTC) or time (inclusive)"),
});

export const AuditQuery = AuditFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: Cursor,
});

export const AuditEntryInfo = z.object({
  id: z.string(),
  at: z.string(),
  revision: z.number().int(),
  actor: z.object({ kind: z.string(), id: z.string().nullable(), label: z.string() }),
  requestId: z.string().nullable(),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() }),
  before: z.unknown(),
  after: z.unknown(),
});

export const AuditPage = z.object({
  entries: z.array(AuditEntryInfo).describe("Newest first"),
  nextCursor: NextCursor,
});

export const ExportKind = z.enum(["groups", "users", "rules", "audit"]);

export const ExportParams = z.object({ what: ExportKind });

export const ExportQuery = AuditFilterQuery.extend({
  format: z.enum(["csv", "json"]).default("csv"),
}).describe("actor, target, action, from and to filter the audit export only");

export const ExportRows = z
  .union([z.array(z.record(z.string(), z.unknown())), z.string()])
  .describe("format=json: the rows; format=csv: text/csv (RFC 4180) with a header line, as an attachment");

export const NotificationStatus = z.enum(["pending", "sent", "failed"]);

export const NotificationQuery = z.object({
  status: NotificationStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: Cursor,
});

export const NotificationInfo = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  revision: z.number().int().describe("The revision of the change that caused it"),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

export const NotificationPage = z.object({
  notifications: z.array(NotificationInfo).describe("Newest first"),
  nextCursor: NextCursor,
});

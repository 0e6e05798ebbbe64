import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/*
 * Every table has org_id and every query filters on it. Constraint names are
 * stable: db-errors.ts maps them to error codes. Timestamps are written from
 * JS (millisecond precision) so rows and their change-log copies agree.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const organizations = pgTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique("organizations_slug_key"),
  plan: text("plan").notNull(),
  /** The per-organization revision: incremented under the row's lock by each command. */
  revision: bigint("revision", { mode: "number" }).notNull().default(0),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  createdAt: ts("created_at").notNull(),
});

const orgId = () =>
  text("org_id")
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

export const resourceTypes = pgTable(
  "resource_types",
  {
    orgId: orgId(),
    key: text("key").notNull(),
    definition: jsonb("definition").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ name: "resource_types_pkey", columns: [t.orgId, t.key] })],
);

export const roles = pgTable(
  "roles",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    type: text("type").notNull(),
    name: text("name").notNull(),
    capabilities: text("capabilities").array().notNull(),
    builtin: boolean("builtin").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [uniqueIndex("roles_org_type_name_key").on(t.orgId, t.type, sql`lower(${t.name})`)],
);

export const resources = pgTable(
  "resources",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    type: text("type").notNull(),
    key: text("key").notNull(),
    name: text("name").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    unique("resources_org_type_key_key").on(t.orgId, t.type, t.key),
    index("resources_org_name_idx").on(t.orgId, t.name),
  ],
);

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    email: text("email").notNull(),
    emailNormalized: text("email_normalized").notNull(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    status: text("status").notNull(),
    externalId: text("external_id"),
    attributes: jsonb("attributes").$type<Record<string, string[]>>().notNull(),
    owner: boolean("owner").notNull(),
    createdAt: ts("created_at").notNull(),
    lastActiveAt: ts("last_active_at"),
  },
  (t) => [
    unique("users_org_email_key").on(t.orgId, t.emailNormalized),
    uniqueIndex("users_org_external_id_key")
      .on(t.orgId, t.externalId)
      .where(sql`${t.externalId} is not null`),
    // The users table sorted by name, case-insensitively, paged by keyset.
    index("users_org_name_idx").on(t.orgId, sql`lower(${t.lastName})`, sql`lower(${t.firstName})`, t.id),
    // "Recent activity" sorting and paging of the users table.
    index("users_org_active_idx").on(t.orgId, t.lastActiveAt.desc().nullsLast(), t.id.desc()),
  ],
);

export const delegations = pgTable("delegations", {
  id: text("id").primaryKey(),
  orgId: orgId(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  type: text("type").notNull(),
  /** Null: every resource of the type, current and future. */
  resourceIds: text("resource_ids").array(),
  createdAt: ts("created_at").notNull(),
});

export const groups = pgTable(
  "groups",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    system: text("system"),
    privileges: boolean("privileges").notNull(),
    notify: text("notify").notNull(),
    allUsers: boolean("all_users").notNull(),
    delegationId: text("delegation_id").references(() => delegations.id, { onDelete: "set null" }),
    /** The identity provider's id of the group (SCIM `externalId`). */
    externalId: text("external_id"),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("groups_org_name_key").on(t.orgId, sql`lower(${t.name})`),
    uniqueIndex("groups_org_system_key").on(t.orgId, t.system).where(sql`${t.system} is not null`),
    uniqueIndex("groups_org_external_id_key")
      .on(t.orgId, t.externalId)
      .where(sql`${t.externalId} is not null`),
  ],
);

export const groupUserMembers = pgTable(
  "group_user_members",
  {
    orgId: orgId(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "group_user_members_pkey", columns: [t.groupId, t.userId] }),
    index("group_user_members_user_idx").on(t.userId),
  ],
);

export const groupGroupMembers = pgTable(
  "group_group_members",
  {
    orgId: orgId(),
    parentId: text("parent_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    childId: text("child_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "group_group_members_pkey", columns: [t.parentId, t.childId] }),
    index("group_group_members_child_idx").on(t.childId),
  ],
);

export const rules = pgTable(
  "rules",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** Null: all current and future resources of the type. */
    resourceId: text("resource_id").references(() => resources.id, { onDelete: "cascade" }),
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id),
    locked: boolean("locked").notNull(),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    unique("rules_subject_scope_key")
      .on(t.orgId, t.userId, t.groupId, t.type, t.resourceId)
      .nullsNotDistinct(),
    check("rules_one_subject", sql`(${t.userId} is null) <> (${t.groupId} is null)`),
    index("rules_resource_idx").on(t.resourceId),
    index("rules_group_idx").on(t.groupId),
    index("rules_user_idx").on(t.userId),
  ],
);

export const dataFilters = pgTable(
  "data_filters",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    resourceId: text("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    predicate: jsonb("predicate").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    unique("data_filters_subject_resource_key")
      .on(t.orgId, t.userId, t.groupId, t.resourceId)
      .nullsNotDistinct(),
    check("data_filters_one_subject", sql`(${t.userId} is null) <> (${t.groupId} is null)`),
  ],
);

/** The change log: gapless per organization, in commit order. */
export const changes = pgTable(
  "changes",
  {
    orgId: orgId(),
    revision: bigint("revision", { mode: "number" }).notNull(),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    event: jsonb("event").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ name: "changes_pkey", columns: [t.orgId, t.revision, t.seq] })],
);

/** Append-only: who did what, when, from which request, before and after. */
export const audit = pgTable(
  "audit",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: orgId(),
    revision: bigint("revision", { mode: "number" }).notNull(),
    at: ts("at").notNull(),
    actorKind: text("actor_kind").notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label").notNull(),
    requestId: text("request_id"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    targetLabel: text("target_label"),
    before: jsonb("before"),
    after: jsonb("after"),
  },
  (t) => [
    index("audit_org_at_idx").on(t.orgId, t.at, t.id),
    index("audit_org_target_idx").on(t.orgId, t.targetId),
    index("audit_org_actor_idx").on(t.orgId, t.actorId),
  ],
);

/** Notifications to deliver, written in the transaction of the change that caused them. */
export const outbox = pgTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    revision: bigint("revision", { mode: "number" }).notNull(),
    userId: text("user_id"),
    toEmail: text("to_email").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    messageId: text("message_id").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: ts("created_at").notNull(),
    sentAt: ts("sent_at"),
  },
  (t) => [
    index("outbox_due_idx").on(t.status, t.nextAttemptAt),
    index("outbox_org_idx").on(t.orgId, t.createdAt),
    // Pending messages by organization: delivery finds the organizations with due messages without
    // reading every message of one that has no SMTP server (those stay pending, however many).
    index("outbox_pending_org_idx").on(t.orgId, t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);

/** Server-wide settings shared by every server on the database (e.g. the token-hashing key). */
export const serverSettings = pgTable("server_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** API tokens: stored as an HMAC of the secret, never in clear. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    name: text("name").notNull(),
    scopes: text("scopes").array().notNull(),
    secretHash: text("secret_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: ts("created_at").notNull(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("api_tokens_org_idx").on(t.orgId, t.createdAt)],
);

/** One password per person (email), whatever organizations they belong to. */
export const credentials = pgTable("credentials", {
  email: text("email").primaryKey(),
  passwordHash: text("password_hash").notNull(),
  updatedAt: ts("updated_at").notNull(),
});

/** One-time links: set a password (first run, invitation) or reset it. Stored hashed. */
export const loginLinks = pgTable(
  "login_links",
  {
    tokenHash: text("token_hash").primaryKey(),
    email: text("email").notNull(),
    orgId: text("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    purpose: text("purpose").notNull(),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
  },
  (t) => [index("login_links_email_idx").on(t.email)],
);

/** Console sessions, by the hash of their cookie. */
export const sessions = pgTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    email: text("email").notNull(),
    orgId: text("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("sessions_email_idx").on(t.email)],
);

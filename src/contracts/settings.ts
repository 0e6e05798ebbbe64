import { z } from "zod";
import { TokenScope } from "./common.ts";

/** The organization's settings: its own SMTP server, and its API tokens. */

export const SmtpSettingsBody = z.object({
  host: z.string().min(1).max(253).describe("The SMTP server's host name, e.g. smtp.example.com"),
  port: z.number().int().min(1).max(65535).describe("Usually 587 (STARTTLS) or 465 (TLS)"),
  secure: z
    .boolean()
    .default(false)
    .describe("true: TLS from the start (port 465); false: STARTTLS when the server offers it"),
  user: z.string().max(254).nullable().optional().describe("The user name to sign in with, if any"),
  password: z
    .string()
    .max(500)
    .nullable()
    .optional()
    .describe("A new password; leave it out to keep the one set, null or empty to remove it"),
  from: z
    .string()
    .max(320)
    .nullable()
    .optional()
    .describe("The From address of the messages, e.g. `Roster <roster@example.com>`"),
});

export const SmtpSettingsInfo = z
  .object({
    host: z.string(),
    port: z.number().int(),
    secure: z.boolean(),
    user: z.string().nullable(),
    from: z.string().nullable(),
    passwordSet: z.boolean().describe("Whether a password is set; the password itself is never returned"),
  })
  .nullable()
  .describe("null: the organization has no SMTP server of its own (the platform's is used, if any)");

export const SmtpSettingsAnswer = z.object({ smtp: SmtpSettingsInfo });

export const SmtpSettingsWritten = z.object({ smtp: SmtpSettingsInfo, revision: z.number().int() });

export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const TokenList = z.object({ tokens: z.array(TokenInfo) });

export const TokenBody = z.object({ name: z.string().min(1).max(100), scopes: z.array(TokenScope).min(1) });

export const TokenCreated = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  token: z.string(),
  createdAt: z.string(),
  revision: z.number(),
});

export const TokenRevoked = z.object({ id: z.string(), revision: z.number() });

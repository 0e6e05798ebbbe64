import { fail } from "../domain/index.ts";
import { deliverySettings, writeOrganizationSettings } from "../store/index.ts";
import { type CommandContext, requireAdmin, runCommand } from "./context.ts";

/**
 * An organization's own SMTP server, kept in `settings.smtp` of its row in
 * the shape notification delivery reads (`smtpFromOrganizationSettings` in
 * src/notify): `{ host, port, secure, user?, password?, from? }`. It wins
 * over the platform's server (ROSTER_SMTP_URL). The password is stored for
 * delivery, and never shown again: not in answers, not in the audit log.
 */

/** What anyone may see of the settings: everything but the password, and whether one is set. */
export type SmtpSettingsView = {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user: string | null;
  readonly from: string | null;
  readonly passwordSet: boolean;
};

export type SmtpSettingsInput = {
  readonly host: string;
  readonly port: number;
  readonly secure?: boolean | undefined;
  readonly user?: string | null | undefined;
  /** A new password; omitted: keep the one set; null or "": none. */
  readonly password?: string | null | undefined;
  readonly from?: string | null | undefined;
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A host name, an IPv4 address or an IPv6 one: no scheme, no port, no path. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?)*\.?|[0-9A-Fa-f:.]+)$/;
const ADDRESS = /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]+$/;

const invalid = (field: string, message: string): never =>
  fail("organization.invalid", message, { field: `smtp.${field}` });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The stored `smtp` object, or null. */
function storedSmtp(settings: Record<string, unknown> | null): Record<string, unknown> | null {
  const smtp = settings?.smtp;
  return isObject(smtp) ? smtp : null;
}

/** The view of stored settings (read leniently: settings written by hand still show). */
export function smtpView(smtp: Record<string, unknown> | null): SmtpSettingsView | null {
  if (!smtp) return null;
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : null);
  const port = typeof smtp.port === "string" ? Number(smtp.port) : smtp.port;
  return {
    host: typeof smtp.host === "string" ? smtp.host : "",
    port: typeof port === "number" && Number.isFinite(port) ? port : 0,
    secure: smtp.secure === true,
    user: text(smtp.user),
    from: text(smtp.from),
    passwordSet: text(smtp.password) !== null,
  };
}

/** A trimmed text without control characters, of at most `max` characters; "" when empty is allowed. */
function text(field: string, label: string, value: string, max: number, allowEmpty: boolean): string {
  const trimmed = value.trim();
  if (!allowEmpty && trimmed === "") invalid(field, `${label} cannot be empty.`);
  if (trimmed.length > max) invalid(field, `${label} is longer than ${max} characters.`);
  if (CONTROL.test(trimmed)) invalid(field, `${label} contains control characters.`);
  return trimmed;
}

/** The same JSON whatever the order of keys (jsonb does not keep it). */
function canonical(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
}

/** Checks the input; returns the `smtp` object to store (without the password, which the caller decides). */
function checkSmtp(input: SmtpSettingsInput): {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  from?: string;
} {
  const host = text("host", "The SMTP host", input.host, 253, false);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host))
    invalid(
      "host",
      `Give the SMTP host alone, without "${host.split("://")[0]}://" (e.g. smtp.example.com).`,
    );
  if (!HOST.test(host)) invalid("host", `"${host}" is not a host name (e.g. smtp.example.com).`);
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)
    invalid("port", "The SMTP port is a number from 1 to 65535 (usually 587, or 465 with TLS).");
  const user = input.user == null ? "" : text("user", "The SMTP user", input.user, 254, true);
  let from = "";
  if (input.from != null && input.from.trim() !== "") {
    from = text("from", "The From address", input.from, 320, false);
    const address = /<([^<>]*)>\s*$/.exec(from)?.[1] ?? from;
    if (!ADDRESS.test(address.trim()))
      invalid("from", `"${from}" is not an email address (e.g. Roster <roster@example.com>).`);
  }
  return {
    host,
    port: input.port,
    secure: input.secure ?? false,
    ...(user && { user }),
    ...(from && { from }),
  };
}

/** The organization's own SMTP settings, without the password: administrators only. */
export async function readSmtpSettings(ctx: CommandContext): Promise<SmtpSettingsView | null> {
  const k = ctx.authority.kind;
  if (k !== "owner" && k !== "admin") fail("auth.forbidden", "Only organization administrators may do this.");
  return smtpView(storedSmtp(await deliverySettings(ctx.store.db, ctx.orgId)));
}

/**
 * Sets the organization's SMTP server. The password is kept when none is
 * given, removed with null or "", and dropped with the user name. Audited
 * with `passwordSet` in place of the password. Changes no access: the
 * revision stays (like a password change).
 */
export async function setSmtpSettings(ctx: CommandContext, input: SmtpSettingsInput) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const next: Record<string, unknown> = checkSmtp(input);
    const settings = (await deliverySettings(w.tx, w.org.id)) ?? {};
    const current = storedSmtp(settings);
    if (input.password != null && input.password !== "") {
      if (CONTROL.test(input.password)) invalid("password", "The SMTP password contains control characters.");
      if (input.password.length > 500)
        invalid("password", "The SMTP password is longer than 500 characters.");
      if (next.user === undefined) invalid("user", "A password needs the user name it belongs to.");
      next.password = input.password;
    } else if (
      input.password === undefined &&
      next.user !== undefined &&
      typeof current?.password === "string" &&
      current.password
    ) {
      next.password = current.password;
    }
    const before = smtpView(current);
    const after = smtpView(next)!;
    if (current && canonical(current) === canonical(next)) return { smtp: after };
    await writeOrganizationSettings(w.tx, w.org.id, { ...settings, smtp: next });
    w.audit({
      action: "organization.smtp.set",
      targetType: "organization",
      targetId: w.org.id,
      targetLabel: w.org.name,
      before,
      after,
    });
    return { smtp: after };
  });
}

/** Removes the organization's own SMTP server: its messages go through the platform's, or wait. */
export async function removeSmtpSettings(ctx: CommandContext) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const settings = (await deliverySettings(w.tx, w.org.id)) ?? {};
    const current = storedSmtp(settings);
    if (!current && settings.smtp === undefined) return { smtp: null };
    const { smtp: _removed, ...rest } = settings;
    await writeOrganizationSettings(w.tx, w.org.id, rest);
    w.audit({
      action: "organization.smtp.remove",
      targetType: "organization",
      targetId: w.org.id,
      targetLabel: w.org.name,
      before: smtpView(current),
      after: null,
    });
    return { smtp: null };
  });
}

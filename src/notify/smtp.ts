import type { OrgId } from "../domain/index.ts";
import { deliverySettings, type Store } from "../store/index.ts";

/** An SMTP server to deliver through, from the environment or an organization's settings. */
export type SmtpSettings = {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure?: boolean;
  readonly user?: string;
  readonly password?: string;
  /** The From address of the messages (`Roster <roster@example.com>`). */
  readonly from?: string;
};

/** Where delivery finds the SMTP server of an organization; null: none, its messages stay pending. */
export type SmtpResolver = (orgId: OrgId) => Promise<SmtpSettings | null> | SmtpSettings | null;

/** SMTP settings that cannot be used. The message names the setting, never its value (it may be a password). */
export class SmtpSettingsError extends Error {
  override readonly name = "SmtpSettingsError";
}

/**
 * The platform's SMTP server: `ROSTER_SMTP_URL` (`smtp://user:pass@host:587`,
 * or `smtps://` for TLS from the start, port 465 by default) and
 * `ROSTER_SMTP_FROM`. Null when `ROSTER_SMTP_URL` is not set.
 */
export function smtpFromEnv(env: Readonly<Record<string, string | undefined>>): SmtpSettings | null {
  const raw = env.ROSTER_SMTP_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not the URL in the message: it holds the password.
    throw new SmtpSettingsError("ROSTER_SMTP_URL is not a URL (expected smtp://user:password@host:port).");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new SmtpSettingsError("ROSTER_SMTP_URL must start with smtp:// or smtps://.");
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw new SmtpSettingsError("ROSTER_SMTP_URL has no host.");
  const secure = url.protocol === "smtps:";
  const from = env.ROSTER_SMTP_FROM?.trim();
  return {
    host,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(from ? { from } : {}),
  };
}

/**
 * An organization's own SMTP server: `settings.smtp` of its row, shaped like
 * `SmtpSettings`. Null when it has none; a malformed one throws.
 */
export function smtpFromOrganizationSettings(settings: unknown): SmtpSettings | null {
  if (!isObject(settings) || settings.smtp === undefined || settings.smtp === null) return null;
  const smtp = settings.smtp;
  if (!isObject(smtp)) throw new SmtpSettingsError("settings.smtp must be an object.");
  const { host, port, secure, user, password, from } = smtp;
  if (typeof host !== "string" || host.trim() === "") {
    throw new SmtpSettingsError("settings.smtp.host must be a host name.");
  }
  const portNumber = typeof port === "string" && /^\d+$/.test(port) ? Number(port) : port;
  if (
    typeof portNumber !== "number" ||
    !Number.isInteger(portNumber) ||
    portNumber < 1 ||
    portNumber > 65535
  ) {
    throw new SmtpSettingsError("settings.smtp.port must be a port number.");
  }
  if (secure !== undefined && typeof secure !== "boolean") {
    throw new SmtpSettingsError("settings.smtp.secure must be true or false.");
  }
  for (const [key, value] of Object.entries({ user, password, from })) {
    if (value !== undefined && value !== null && typeof value !== "string") {
      throw new SmtpSettingsError(`settings.smtp.${key} must be a string.`);
    }
  }
  return {
    host: host.trim(),
    port: portNumber,
    ...(typeof secure === "boolean" ? { secure } : {}),
    ...(typeof user === "string" && user !== "" ? { user } : {}),
    ...(typeof password === "string" && password !== "" ? { password } : {}),
    ...(typeof from === "string" && from.trim() !== "" ? { from: from.trim() } : {}),
  };
}

/**
 * The `smtpFor` of delivery: an organization's own server (its settings) wins
 * over the platform's (the environment, read once, here: a malformed
 * `ROSTER_SMTP_URL` fails at start). An organization whose own settings are
 * malformed gets no server (the error is thrown; delivery logs it and keeps
 * its messages) rather than the platform's, which it did not choose.
 */
export function resolveSmtp(store: Store, env: Readonly<Record<string, string | undefined>>): SmtpResolver {
  const platform = smtpFromEnv(env);
  return async (orgId) => {
    const settings = await deliverySettings(store.db, orgId);
    if (settings === null) return null;
    return smtpFromOrganizationSettings(settings) ?? platform;
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

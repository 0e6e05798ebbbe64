import {
  createTransport,
  type Mail,
  type NodemailerError,
  type SMTPSentMessageInfo,
  type SMTPTransportOptions,
} from "nodemailer";
import type { OrgId } from "../domain/index.ts";
import {
  claimDue,
  dueOrganizations,
  markFailed,
  markSent,
  type OutboxRow,
  releaseClaim,
  type Store,
} from "../store/index.ts";
import type { SmtpResolver, SmtpSettings } from "./smtp.ts";

/** pino's shape (`logger.info({ ...fields }, "message")`), so fastify's logger fits. */
export type DeliveryLogger = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
};

export type DeliveryOptions = {
  /** The SMTP server of an organization; null: none, its messages stay pending (see `resolveSmtp`). */
  readonly smtpFor: SmtpResolver;
  /** The From address when the SMTP settings give none. */
  readonly from?: string;
  /** Pause between rounds of `start()` (2 s); a round that found a full batch is followed at once. */
  readonly intervalMs?: number;
  /**
   * How long a claimed message is the claimer's (60 s). After a crash between
   * sending and recording, the message goes again once this has passed.
   */
  readonly leaseMs?: number;
  /** Attempts before a message is `failed` (10). */
  readonly maxAttempts?: number;
  /** Wait before the next attempt after the `attempt`-th failed (30 s doubling, at most 1 h). */
  readonly backoffMs?: (attempt: number) => number;
  /** Messages claimed per round: at most (and by default) 100. */
  readonly batchSize?: number;
  /** A clock for tests; defaults to the wall clock. */
  readonly clock?: () => Date;
  readonly logger?: DeliveryLogger;
  /** Added to every transport's options (a private CA in `tls`, say); the settings' own fields win. */
  readonly transportOptions?: Partial<SMTPTransportOptions>;
  /**
   * Called once the mail server has accepted a message, before that is
   * recorded. A throw is taken for a crash at that point: the round stops,
   * records nothing more and rejects with it (tests use it to show that such a
   * message goes again, with the same Message-ID, after its lease).
   */
  readonly afterSend?: (message: OutboxRow) => void | Promise<void>;
};

export type RoundResult = { readonly sent: number; readonly failed: number; readonly retried: number };

const MAX_BATCH = 100;
/** Sends under way at once in a round (each on its own SMTP connection). */
const CONCURRENCY = 4;
/** Transports unused this long are dropped: settings that changed do not pile up. */
const TRANSPORT_IDLE_MS = 15 * 60_000;
const ERROR_MAX_LENGTH = 300;

export function defaultBackoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(attempt - 1, 0), 3_600_000);
}

type Transport = Mail<SMTPSentMessageInfo, SMTPTransportOptions>;

/**
 * Delivers the outbox by SMTP: never loses a message, and may send one twice
 * only after a crash between the server's acceptance and its record, with the
 * same Message-ID. A round claims due messages in one short statement (the
 * attempt is counted and the message leased to this round), commits, sends,
 * then records each outcome. Several servers may run it on one database: a
 * message is claimed by one of them at a time.
 */
export class OutboxDelivery {
  readonly #store: Store;
  readonly #smtpFor: SmtpResolver;
  readonly #from: string | undefined;
  readonly #intervalMs: number;
  readonly #leaseMs: number;
  readonly #maxAttempts: number;
  readonly #backoffMs: (attempt: number) => number;
  readonly #batchSize: number;
  readonly #clock: () => Date;
  readonly #logger: DeliveryLogger | null;
  readonly #transportOptions: Partial<SMTPTransportOptions>;
  readonly #afterSend: DeliveryOptions["afterSend"];
  readonly #transports = new Map<string, { transport: Transport; usedAt: number }>();
  /** Organizations already reported as having no SMTP server, reported once each. */
  readonly #withoutSmtp = new Set<OrgId>();
  /** Rounds of this instance run one after another: the last one, settled. */
  #tail: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #running = false;

  constructor(store: Store, options: DeliveryOptions) {
    this.#store = store;
    this.#smtpFor = options.smtpFor;
    this.#from = options.from;
    this.#intervalMs = positive("intervalMs", options.intervalMs ?? 2000);
    this.#leaseMs = positive("leaseMs", options.leaseMs ?? 60_000);
    this.#maxAttempts = positive("maxAttempts", options.maxAttempts ?? 10);
    this.#backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.#batchSize = Math.min(positive("batchSize", options.batchSize ?? MAX_BATCH), MAX_BATCH);
    this.#clock = options.clock ?? (() => new Date());
    this.#logger = options.logger ?? null;
    this.#transportOptions = options.transportOptions ?? {};
    this.#afterSend = options.afterSend;
  }

  /** Runs rounds every `intervalMs` until `stop()`. The timer does not keep the process alive. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops the rounds; resolves once the round under way (if any) has finished. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#tail;
    for (const { transport } of this.#transports.values()) transport.close();
    this.#transports.clear();
  }

  /** One round: what was sent, given up (`failed`) and left for a later attempt (`retried`). */
  async deliverDue(): Promise<RoundResult> {
    const { sent, failed, retried } = await this.#serialized();
    return { sent, failed, retried };
  }

  #serialized(): Promise<RoundResult & { full: boolean }> {
    const round = this.#tail.then(() => this.#round());
    this.#tail = round.catch(() => {});
    return round;
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(async () => {
      this.#timer = null;
      let full = false;
      try {
        full = (await this.#serialized()).full;
      } catch (e) {
        this.#logger?.warn({ error: describeError(e, null) }, "outbox delivery round failed");
      }
      this.#schedule(full ? 0 : this.#intervalMs);
    }, delayMs);
    this.#timer.unref();
  }

  async #round(): Promise<RoundResult & { full: boolean }> {
    const now = this.#clock();
    const db = this.#store.db;
    const smtp = new Map<OrgId, SmtpSettings>();
    for (const orgId of await dueOrganizations(db, now)) {
      const settings = await this.#resolve(orgId);
      if (settings) smtp.set(orgId, settings);
    }
    const claimed = await claimDue(db, {
      orgIds: [...smtp.keys()],
      now,
      leaseUntil: new Date(now.getTime() + this.#leaseMs),
      limit: this.#batchSize,
    });
    // Past half the lease, a message not yet tried is given back rather than
    // sent late, when another server could already have claimed it again.
    const sendBy = now.getTime() + this.#leaseMs / 2;
    let sent = 0;
    let failed = 0;
    let retried = 0;
    let crashed = false;

    await eachLimited(claimed, CONCURRENCY, async (message) => {
      if (crashed) return;
      const orgId = message.orgId as OrgId;
      if (this.#clock().getTime() > sendBy) {
        await releaseClaim(db, orgId, message.id, message.attempts, this.#clock());
        return;
      }
      const settings = smtp.get(orgId)!;
      let error: unknown = null;
      try {
        await this.#transport(settings).sendMail({
          from: settings.from ?? this.#from ?? "Roster <roster@localhost>",
          to: message.toEmail,
          subject: message.subject,
          text: message.body,
          // The same Message-ID and Date on every attempt: a repeat is recognisably the same message.
          messageId: message.messageId,
          date: message.createdAt,
          headers: { "Auto-Submitted": "auto-generated" },
        });
      } catch (e) {
        error = e;
      }
      if (crashed) return;
      if (error === null) {
        try {
          await this.#afterSend?.(message);
        } catch (e) {
          crashed = true;
          throw e;
        }
        if (crashed) return;
        await markSent(db, orgId, message.id, this.#clock());
        sent++;
        return;
      }
      const at = this.#clock();
      const giveUp = message.attempts >= this.#maxAttempts;
      const text = describeError(error, settings);
      const retryAt = giveUp ? null : new Date(at.getTime() + Math.max(0, this.#backoffMs(message.attempts)));
      const recorded = await markFailed(db, orgId, message.id, {
        attempts: message.attempts,
        error: text,
        retryAt,
      });
      if (!recorded) return;
      if (giveUp) failed++;
      else retried++;
      this.#logger?.warn(
        {
          orgId,
          message: message.id,
          attempt: message.attempts,
          error: text,
          retryAt: retryAt?.toISOString(),
        },
        giveUp ? "outbox message failed for good" : "outbox message not sent; will retry",
      );
    });

    this.#dropIdleTransports();
    if (sent + failed + retried > 0) this.#logger?.info({ sent, failed, retried }, "outbox delivery round");
    return { sent, failed, retried, full: claimed.length === this.#batchSize };
  }

  async #resolve(orgId: OrgId): Promise<SmtpSettings | null> {
    let settings: SmtpSettings | null;
    try {
      settings = await this.#smtpFor(orgId);
    } catch (e) {
      if (!this.#withoutSmtp.has(orgId)) {
        this.#withoutSmtp.add(orgId);
        this.#logger?.warn(
          { orgId, error: describeError(e, null) },
          "SMTP settings of the organization unusable; its messages stay pending",
        );
      }
      return null;
    }
    if (settings) this.#withoutSmtp.delete(orgId);
    else if (!this.#withoutSmtp.has(orgId)) {
      this.#withoutSmtp.add(orgId);
      this.#logger?.info({ orgId }, "no SMTP server for the organization; its messages stay pending");
    }
    return settings;
  }

  /** One transport per distinct server and credentials, kept across rounds. */
  #transport(settings: SmtpSettings): Transport {
    const key = JSON.stringify([
      settings.host,
      settings.port,
      settings.secure ?? null,
      settings.user ?? null,
      settings.password ?? null,
    ]);
    const usedAt = this.#clock().getTime();
    const known = this.#transports.get(key);
    if (known) {
      known.usedAt = usedAt;
      return known.transport;
    }
    const transport = createTransport({
      // Bounded well within the lease, so that a send does not outlive its claim.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      ...this.#transportOptions,
      host: settings.host,
      port: settings.port,
      secure: settings.secure ?? settings.port === 465,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? "" } } : {}),
    });
    this.#transports.set(key, { transport, usedAt });
    return transport;
  }

  #dropIdleTransports(): void {
    const now = this.#clock().getTime();
    for (const [key, entry] of this.#transports) {
      if (now - entry.usedAt > TRANSPORT_IDLE_MS) {
        entry.transport.close();
        this.#transports.delete(key);
      }
    }
  }
}

/**
 * `last_error`: one short line, the SMTP reply when there is one, and never
 * the credentials (removed should a server echo them).
 */
function describeError(e: unknown, settings: SmtpSettings | null): string {
  const err = (e ?? {}) as NodemailerError;
  const message = typeof err.message === "string" && err.message ? err.message : String(e);
  let text = err.code ? `${err.code}: ${message}` : message;
  for (const secret of [settings?.password, settings?.user]) {
    if (secret && secret.length >= 3) text = text.split(secret).join("***");
  }
  text = text.replace(/\s+/g, " ").trim();
  return text.length > ERROR_MAX_LENGTH ? `${text.slice(0, ERROR_MAX_LENGTH - 1)}…` : text;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number.`);
  return value;
}

/**
 * Runs `fn` on the items, at most `limit` at a time. Every started call is
 * awaited; after a failure no new one starts, and the first failure is thrown.
 */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}

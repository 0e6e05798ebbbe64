import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import {
  addGroupMembers,
  createGroup,
  createResource,
  inviteUser,
  setRules,
} from "../../src/commands/index.ts";
import type { OrgId, UserId } from "../../src/domain/index.ts";
import {
  type DeliveryOptions,
  defaultBackoffMs,
  OutboxDelivery,
  resolveSmtp,
  type SmtpSettings,
  SmtpSettingsError,
  smtpFromEnv,
  smtpFromOrganizationSettings,
} from "../../src/notify/index.ts";
import {
  claimDue,
  countMessages,
  listMessages,
  markFailed,
  markSent,
  type OutboxRow,
  type Store,
  tables,
} from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { newOrg, type TestOrg } from "../support/org.ts";

// ---- a real SMTP listener on loopback ----------------------------------------

type Mail = { readonly to: string[]; readonly messageId: string | null; readonly body: string };

type Listener = {
  readonly port: number;
  /** Messages the listener accepted. */
  readonly received: Mail[];
  /** Every DATA it was sent, accepted or not. */
  readonly offered: Mail[];
  close(): Promise<void>;
};

/**
 * An SMTP server on 127.0.0.1 (random port, no STARTTLS, no authentication
 * needed). `reply(n)` gives a reply code to refuse the n-th DATA (from 0), or
 * null to accept it.
 */
async function smtpListener(
  reply: (n: number) => number | null = () => null,
  extra: { onAuth?: SMTPServer["onAuth"]; allowInsecureAuth?: boolean } = {},
): Promise<Listener> {
  const received: Mail[] = [];
  const offered: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    ...(extra.allowInsecureAuth ? { allowInsecureAuth: true } : {}),
    ...(extra.onAuth ? { onAuth: extra.onAuth } : {}),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const mail = parse(
          Buffer.concat(chunks).toString("utf8"),
          session.envelope.rcptTo.map((r) => r.address),
        );
        const code = reply(offered.length);
        offered.push(mail);
        if (code === null) {
          received.push(mail);
          callback();
        } else {
          callback(Object.assign(new Error("Try again later"), { responseCode: code }));
        }
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, offered, close: () => new Promise<void>((resolve) => server.close(resolve)) };
}

/** The recipients, the Message-ID and the decoded text of a raw message. */
function parse(raw: string, to: string[]): Mail {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const header = (name: string) =>
    head
      .split("\r\n")
      .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim() ?? null;
  const encoded = raw.slice(split + 4);
  const encoding = header("Content-Transfer-Encoding")?.toLowerCase();
  const body =
    encoding === "quoted-printable"
      ? decodeQuotedPrintable(encoded)
      : encoding === "base64"
        ? Buffer.from(encoded, "base64").toString("utf8")
        : encoded;
  return { to, messageId: header("Message-ID"), body: body.replace(/\r\n/g, "\n") };
}

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

// ---- organizations with notifications waiting ----------------------------------

type Notified = { readonly org: TestOrg; readonly orgId: OrgId; readonly messages: OutboxRow[] };

/**
 * A fresh organization where an email-notified group giving Writer on Finance
 * gains these users in one change: one pending message each.
 */
async function notified(store: Store, names: readonly string[] = ["dana"]): Promise<Notified> {
  const org = await newOrg(store);
  const ctx = org.ctx();
  const app = (await createResource(ctx, { type: "app", key: "fin", name: "Finance" })).value.resource;
  const group = (await createGroup(ctx, { name: "Finance team", notify: "email" })).value.group;
  await setRules(ctx, {
    subject: { kind: "group", id: group.id },
    role: { role: "Writer" },
    scope: { kind: "resource", resourceId: app.id },
  });
  const userIds: UserId[] = [];
  for (const name of names) {
    userIds.push((await inviteUser(ctx, { email: `${name}@example.com`, firstName: name })).value.user.id);
  }
  await addGroupMembers(ctx, group.id, { userIds });
  const orgId = org.organization.id;
  const messages = await listMessages(store.db, orgId);
  assert.equal(messages.length, names.length);
  assert.ok(messages.every((m) => m.status === "pending" && m.attempts === 0));
  return { org, orgId, messages };
}

/** A clock that moves only when told, starting now (after the messages were stored, so they are due). */
function manualClock() {
  let now = new Date();
  return {
    now: () => now,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

/** Delivery for one organization only: the test database is shared with other suites' organizations. */
function deliveryFor(
  store: Store,
  orgId: OrgId,
  port: number | null,
  options: Partial<DeliveryOptions> & { clock: () => Date },
): OutboxDelivery {
  const smtp: SmtpSettings | null = port
    ? { host: "127.0.0.1", port, secure: false, from: "Roster <roster@example.test>" }
    : null;
  return new OutboxDelivery(store, {
    smtpFor: (id) => (id === orgId ? smtp : null),
    transportOptions: { ignoreTLS: true },
    ...options,
  });
}

async function messageRow(store: Store, orgId: OrgId, id: string): Promise<OutboxRow> {
  const row = (await listMessages(store.db, orgId, { limit: 1000 })).find((m) => m.id === id);
  assert.ok(row, `message ${id} is listed`);
  return row;
}

const nothing = { sent: 0, failed: 0, retried: 0 };

describeBackends("outbox delivery", (store) => {
  test("a due message is sent with its own Message-ID, recorded as sent, and not sent again", async (t) => {
    const smtp = await smtpListener();
    t.after(() => smtp.close());
    const { orgId, messages } = await notified(store());
    const clock = manualClock();
    const delivery = deliveryFor(store(), orgId, smtp.port, { clock: clock.now });
    t.after(() => delivery.stop());

    assert.deepEqual(await delivery.deliverDue(), { sent: 1, failed: 0, retried: 0 });
    assert.equal(smtp.received.length, 1);
    const mail = smtp.received[0]!;
    assert.deepEqual(mail.to, ["dana@example.com"]);
    assert.match(mail.body, /You were added to Finance team, which gives Writer on Finance\./);
    assert.equal(mail.messageId, messages[0]!.messageId);
    const row = await messageRow(store(), orgId, messages[0]!.id);
    assert.equal(row.status, "sent");
    assert.equal(row.attempts, 1);
    assert.equal(row.sentAt?.getTime(), clock.now().getTime());
    assert.equal(row.lastError, null);

    clock.advance(24 * 3_600_000);
    assert.deepEqual(await delivery.deliverDue(), nothing);
    assert.equal(smtp.offered.length, 1);
  });

  test("a message the server refuses for now (451) is retried after its backoff, then sent", async (t) => {
    const smtp = await smtpListener((n) => (n === 0 ? 451 : null));
    t.after(() => smtp.close());
    const { orgId, messages } = await notified(store());
    const clock = manualClock();
    const delivery = deliveryFor(store(), orgId, smtp.port, {
      clock: clock.now,
      backoffMs: (attempt) => attempt * 60_000,
    });
    t.after(() => delivery.stop());

    assert.deepEqual(await delivery.deliverDue(), { sent: 0, failed: 0, retried: 1 });
    let row = await messageRow(store(), orgId, messages[0]!.id);
    assert.equal(row.status, "pending");
    assert.equal(row.attempts, 1);
    assert.match(row.lastError ?? "", /451 Try again later/);
    assert.equal(row.nextAttemptAt.getTime(), clock.now().getTime() + 60_000);

    // Not before the backoff has passed.
    assert.deepEqual(await delivery.deliverDue(), nothing);
    clock.advance(59_999);
    assert.deepEqual(await delivery.deliverDue(), nothing);
    assert.equal(smtp.offered.length, 1);

    clock.advance(1);
    assert.deepEqual(await delivery.deliverDue(), { sent: 1, failed: 0, retried: 0 });
    row = await messageRow(store(), orgId, messages[0]!.id);
    assert.equal(row.status, "sent");
    assert.equal(row.attempts, 2);
    assert.deepEqual(
      smtp.offered.map((m) => m.messageId),
      [row.messageId, row.messageId],
    );
    assert.equal(smtp.received.length, 1);
  });

  test("after a crash between the server's acceptance and its record, the message goes again after its lease, with the same Message-ID", async (t) => {
    const smtp = await smtpListener();
    t.after(() => smtp.close());
    const { orgId, messages } = await notified(store());
    const clock = manualClock();
    const crashing = deliveryFor(store(), orgId, smtp.port, {
      clock: clock.now,
      leaseMs: 120_000,
      afterSend: () => {
        throw new Error("crash after sending");
      },
    });
    t.after(() => crashing.stop());
    await assert.rejects(crashing.deliverDue(), /crash after sending/);
    assert.equal(smtp.received.length, 1);
    let row = await messageRow(store(), orgId, messages[0]!.id);
    assert.equal(row.status, "pending");
    assert.equal(row.attempts, 1);
    assert.equal(row.nextAttemptAt.getTime(), clock.now().getTime() + 120_000);

    // The server that comes back, or another one: nothing until the lease has run out.
    const restarted = deliveryFor(store(), orgId, smtp.port, { clock: clock.now, leaseMs: 120_000 });
    t.after(() => restarted.stop());
    clock.advance(119_999);
    assert.deepEqual(await restarted.deliverDue(), nothing);
    assert.equal(smtp.received.length, 1);
    clock.advance(1);
    assert.deepEqual(await restarted.deliverDue(), { sent: 1, failed: 0, retried: 0 });

    row = await messageRow(store(), orgId, messages[0]!.id);
    assert.equal(row.status, "sent");
    assert.equal(row.attempts, 2);
    assert.equal(smtp.received.length, 2);
    assert.deepEqual(
      smtp.received.map((m) => m.messageId),
      [row.messageId, row.messageId],
    );
    assert.equal(smtp.received[0]!.body, smtp.received[1]!.body);
  });

  test("without SMTP an organization's messages stay pending and are listed, page by page; others still go", async (t) => {
    const smtp = await smtpListener();
    t.after(() => smtp.close());
    const without = await notified(store(), ["ann", "ben", "cat"]);
    const other = await notified(store());
    const clock = manualClock();
    const smtpFor = (id: OrgId): SmtpSettings | null =>
      id === other.orgId ? { host: "127.0.0.1", port: smtp.port, secure: false } : null;
    const delivery = new OutboxDelivery(store(), {
      smtpFor,
      clock: clock.now,
      transportOptions: { ignoreTLS: true },
    });
    t.after(() => delivery.stop());

    assert.deepEqual(await delivery.deliverDue(), { sent: 1, failed: 0, retried: 0 });
    assert.deepEqual(
      smtp.received.map((m) => m.to),
      [["dana@example.com"]],
    );
    assert.deepEqual(await countMessages(store().db, without.orgId), { pending: 3, sent: 0, failed: 0 });

    // The three messages of one change share their created_at: pages are cut on (created_at, id).
    const pages: OutboxRow[][] = [];
    let after: OutboxRow | null = null;
    for (;;) {
      const page: OutboxRow[] = await listMessages(store().db, without.orgId, {
        status: "pending",
        limit: 2,
        after: after && { createdAt: after.createdAt, id: after.id },
      });
      if (page.length === 0) break;
      pages.push(page);
      after = page.at(-1)!;
    }
    assert.deepEqual(
      pages.map((p) => p.length),
      [2, 1],
    );
    const listed = pages.flat();
    assert.deepEqual(
      listed.map((m) => m.id),
      without.messages.map((m) => m.id).sort(),
    );
    assert.ok(listed.every((m) => m.status === "pending" && m.attempts === 0 && m.lastError === null));
    assert.deepEqual(await listMessages(store().db, without.orgId, { status: ["sent", "failed"] }), []);
    // Tenancy: another organization's messages are not listed.
    assert.ok(!listed.some((m) => m.orgId !== without.orgId));
  });

  test("an organization's own SMTP settings win over the environment's", async (t) => {
    const platform = await smtpListener();
    const own = await smtpListener();
    t.after(() => platform.close());
    t.after(() => own.close());
    const withOwn = await notified(store());
    const withPlatform = await notified(store());
    await store()
      .db.update(tables.organizations)
      .set({ settings: { smtp: { host: "127.0.0.1", port: own.port, from: "IT <it@own.test>" } } })
      .where(eq(tables.organizations.id, withOwn.orgId));
    const resolve = resolveSmtp(store(), {
      ROSTER_SMTP_URL: `smtp://127.0.0.1:${platform.port}`,
      ROSTER_SMTP_FROM: "Roster <roster@platform.test>",
    });
    assert.deepEqual(await resolve(withOwn.orgId), {
      host: "127.0.0.1",
      port: own.port,
      from: "IT <it@own.test>",
    });
    assert.deepEqual(await resolve(withPlatform.orgId), {
      host: "127.0.0.1",
      port: platform.port,
      secure: false,
      from: "Roster <roster@platform.test>",
    });

    const mine = new Set([withOwn.orgId, withPlatform.orgId]);
    const clock = manualClock();
    const delivery = new OutboxDelivery(store(), {
      smtpFor: (id) => (mine.has(id) ? resolve(id) : null),
      clock: clock.now,
      transportOptions: { ignoreTLS: true },
    });
    t.after(() => delivery.stop());
    assert.deepEqual(await delivery.deliverDue(), { sent: 2, failed: 0, retried: 0 });
    assert.deepEqual(
      own.received.map((m) => m.messageId),
      [withOwn.messages[0]!.messageId],
    );
    assert.deepEqual(
      platform.received.map((m) => m.messageId),
      [withPlatform.messages[0]!.messageId],
    );
  });

  test("after maxAttempts a message is failed, still listed, and not tried again", async (t) => {
    const smtp = await smtpListener(() => 451);
    t.after(() => smtp.close());
    const { orgId, messages } = await notified(store());
    const clock = manualClock();
    const delivery = deliveryFor(store(), orgId, smtp.port, {
      clock: clock.now,
      maxAttempts: 3,
      backoffMs: () => 1000,
    });
    t.after(() => delivery.stop());

    assert.deepEqual(await delivery.deliverDue(), { sent: 0, failed: 0, retried: 1 });
    clock.advance(1000);
    assert.deepEqual(await delivery.deliverDue(), { sent: 0, failed: 0, retried: 1 });
    clock.advance(1000);
    assert.deepEqual(await delivery.deliverDue(), { sent: 0, failed: 1, retried: 0 });
    clock.advance(24 * 3_600_000);
    assert.deepEqual(await delivery.deliverDue(), nothing);
    assert.equal(smtp.offered.length, 3);

    const failed = await listMessages(store().db, orgId, { status: "failed" });
    assert.deepEqual(
      failed.map((m) => m.id),
      [messages[0]!.id],
    );
    assert.equal(failed[0]!.attempts, 3);
    assert.match(failed[0]!.lastError ?? "", /451/);
    assert.equal(failed[0]!.sentAt, null);
    assert.deepEqual(await countMessages(store().db, orgId), { pending: 0, sent: 0, failed: 1 });
  });

  test("last_error is one short line and carries no credentials", async (t) => {
    const password = "pa55-word-never-shown";
    const smtp = await smtpListener(() => null, {
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) =>
        callback(
          Object.assign(new Error(`Invalid credentials ${auth.username} ${auth.password}`), {
            responseCode: 535,
          }),
        ),
    });
    t.after(() => smtp.close());
    const { orgId, messages } = await notified(store());
    const clock = manualClock();
    const delivery = new OutboxDelivery(store(), {
      smtpFor: (id) =>
        id === orgId ? { host: "127.0.0.1", port: smtp.port, secure: false, user: "mailer", password } : null,
      clock: clock.now,
      transportOptions: { ignoreTLS: true },
    });
    t.after(() => delivery.stop());
    assert.deepEqual(await delivery.deliverDue(), { sent: 0, failed: 0, retried: 1 });
    const row = await messageRow(store(), orgId, messages[0]!.id);
    assert.match(row.lastError ?? "", /535/);
    assert.ok(!row.lastError!.includes(password), row.lastError!);
    assert.ok(!row.lastError!.includes("\n"));
    assert.ok(row.lastError!.length <= 300);
    assert.equal(smtp.offered.length, 0);
  });

  test("two deliveries running rounds at once on one database send each message once", async (t) => {
    const smtp = await smtpListener();
    t.after(() => smtp.close());
    const { orgId, messages } = await notified(store(), ["a1", "a2", "a3", "a4", "a5", "a6", "a7"]);
    const clock = manualClock();
    const one = deliveryFor(store(), orgId, smtp.port, { clock: clock.now, batchSize: 2 });
    const two = deliveryFor(store(), orgId, smtp.port, { clock: clock.now, batchSize: 2 });
    t.after(() => one.stop());
    t.after(() => two.stop());
    const drain = async (delivery: OutboxDelivery) => {
      let sent = 0;
      for (;;) {
        const round = await delivery.deliverDue();
        assert.equal(round.failed + round.retried, 0);
        if (round.sent === 0) return sent;
        sent += round.sent;
      }
    };
    const counts = await Promise.all([drain(one), drain(two)]);
    // A round that claimed nothing may end a drain while the other still holds claims: finish.
    counts.push(await drain(one));
    assert.equal(
      counts.reduce((a, b) => a + b),
      messages.length,
    );

    const ids = messages.map((m) => m.messageId).sort();
    assert.deepEqual(smtp.received.map((m) => m.messageId).sort(), ids);
    const rows = await listMessages(store().db, orgId, { limit: 1000 });
    assert.ok(rows.every((r) => r.status === "sent"));
    // Claimed once each: a message claimed twice would count two attempts.
    assert.deepEqual(
      rows.map((r) => r.attempts),
      rows.map(() => 1),
    );
  });

  test("a claim is the claimer's until its lease ends; a stale claim's outcome does not undo a newer one", async () => {
    const { orgId, messages } = await notified(store(), ["x", "y"]);
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + 60_000);
    const claim = { orgIds: [orgId], now, leaseUntil, limit: 1 };
    const [first, second, third] = await Promise.all([
      claimDue(store().db, claim),
      claimDue(store().db, claim),
      claimDue(store().db, claim),
    ]);
    const claimed = [...first, ...second, ...third];
    assert.deepEqual(claimed.map((m) => m.id).sort(), messages.map((m) => m.id).sort());
    assert.ok(claimed.every((m) => m.attempts === 1 && m.nextAttemptAt.getTime() === leaseUntil.getTime()));
    assert.deepEqual(await claimDue(store().db, { ...claim, limit: 10 }), []);
    const again = await claimDue(store().db, { ...claim, now: leaseUntil, limit: 10 });
    assert.deepEqual(
      again.map((m) => m.attempts),
      [2, 2],
    );

    // The outcome of a claim whose lease ran out does not undo the newer claim's...
    const [x, y] = again as [OutboxRow, OutboxRow];
    const retryAt = new Date(leaseUntil.getTime() + 1000);
    assert.equal(await markFailed(store().db, orgId, x.id, { attempts: 1, error: "late", retryAt }), false);
    assert.equal(await markFailed(store().db, orgId, x.id, { attempts: 2, error: "451", retryAt }), true);
    // ... but a send, whichever claim made it, is recorded, and then stands.
    assert.equal(await markSent(store().db, orgId, y.id, leaseUntil), true);
    assert.equal(
      await markFailed(store().db, orgId, y.id, { attempts: 2, error: "late", retryAt: null }),
      false,
    );
    assert.equal(await markSent(store().db, orgId, y.id, retryAt), false);
    // Tenancy: another organization's id changes nothing.
    const other = await newOrg(store());
    assert.equal(await markSent(store().db, other.organization.id, x.id, leaseUntil), false);

    const rows = await listMessages(store().db, orgId);
    const byId = new Map(rows.map((r) => [r.id, r]));
    assert.deepEqual(
      [byId.get(x.id)?.status, byId.get(x.id)?.lastError, byId.get(x.id)?.nextAttemptAt.getTime()],
      ["pending", "451", retryAt.getTime()],
    );
    assert.deepEqual(
      [byId.get(y.id)?.status, byId.get(y.id)?.sentAt?.getTime()],
      ["sent", leaseUntil.getTime()],
    );
  });

  test("start() delivers in the background and stop() waits for the round under way", async (t) => {
    const smtp = await smtpListener();
    t.after(() => smtp.close());
    const { orgId, messages } = await notified(store());
    const delivery = deliveryFor(store(), orgId, smtp.port, { clock: () => new Date(), intervalMs: 10 });
    delivery.start();
    while ((await countMessages(store().db, orgId)).sent === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await delivery.stop();
    assert.deepEqual(
      smtp.received.map((m) => m.messageId),
      [messages[0]!.messageId],
    );
  });
});

// ---- settings -------------------------------------------------------------------

test("smtpFromEnv reads ROSTER_SMTP_URL and ROSTER_SMTP_FROM, and never repeats the URL in an error", () => {
  assert.equal(smtpFromEnv({}), null);
  assert.deepEqual(
    smtpFromEnv({
      ROSTER_SMTP_URL: "smtp://mailer%40corp:p%3Ass@mail.example.com:2525",
      ROSTER_SMTP_FROM: "Roster <roster@example.com>",
    }),
    {
      host: "mail.example.com",
      port: 2525,
      secure: false,
      user: "mailer@corp",
      password: "p:ss",
      from: "Roster <roster@example.com>",
    },
  );
  assert.deepEqual(smtpFromEnv({ ROSTER_SMTP_URL: "smtps://mail.example.com" }), {
    host: "mail.example.com",
    port: 465,
    secure: true,
  });
  assert.equal(smtpFromEnv({ ROSTER_SMTP_URL: "smtp://mail.example.com" })?.port, 587);
  assert.throws(
    () => smtpFromEnv({ ROSTER_SMTP_URL: "smtp//user:secret-pw@host" }),
    (e: unknown) => e instanceof SmtpSettingsError && !e.message.includes("secret-pw"),
  );
  assert.throws(() => smtpFromEnv({ ROSTER_SMTP_URL: "https://host" }), SmtpSettingsError);
});

test("smtpFromOrganizationSettings reads settings.smtp and refuses a malformed one", () => {
  assert.equal(smtpFromOrganizationSettings({}), null);
  assert.equal(smtpFromOrganizationSettings({ smtp: null }), null);
  assert.deepEqual(
    smtpFromOrganizationSettings({
      smtp: { host: "smtp.corp", port: 465, secure: true, user: "u", password: "p", from: "IT <it@corp>" },
    }),
    { host: "smtp.corp", port: 465, secure: true, user: "u", password: "p", from: "IT <it@corp>" },
  );
  assert.deepEqual(smtpFromOrganizationSettings({ smtp: { host: "smtp.corp", port: "25" } }), {
    host: "smtp.corp",
    port: 25,
  });
  assert.throws(() => smtpFromOrganizationSettings({ smtp: { port: 25 } }), /settings\.smtp\.host/);
  assert.throws(
    () => smtpFromOrganizationSettings({ smtp: { host: "h", port: 70000 } }),
    /settings\.smtp\.port/,
  );
  assert.throws(
    () => smtpFromOrganizationSettings({ smtp: { host: "h", port: 25, password: 42 } }),
    (e: unknown) => e instanceof SmtpSettingsError && !e.message.includes("42"),
  );
});

test("the default backoff doubles from 30 s and stops at 1 h", () => {
  assert.deepEqual(
    [1, 2, 3, 7, 8, 20].map(defaultBackoffMs),
    [30_000, 60_000, 120_000, 1_920_000, 3_600_000, 3_600_000],
  );
});

import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import type { OrgId } from "../../src/domain/index.ts";
import { OutboxDelivery, resolveSmtp } from "../../src/notify/index.ts";
import { listMessages, tables } from "../../src/store/index.ts";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

/**
 * An organization's own SMTP server, set through GET/PUT/DELETE
 * /api/v1/organization/smtp: stored in `organizations.settings.smtp` where
 * delivery reads it, never answered nor audited with its password, refused
 * to everyone but administrators, and used to send the organization's
 * notifications to a real SMTP listener.
 */

type Org = Awaited<ReturnType<TestApi["newOrg"]>>;

const PASSWORD = "s3cret-smtp-pa55word";

/** A real SMTP server on loopback that wants this user name and password, and keeps what it receives. */
async function smtpListener(user: string, password: string) {
  const received: { to: string[]; raw: string; user: string | undefined }[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error("Invalid credentials"), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          user: typeof session.user === "string" ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(resolve)) };
}

describeBackends("HTTP: the organization's SMTP settings", (store) => {
  let api: TestApi;
  let org: Org;

  const call = (method: string, body?: unknown, token = org.token) =>
    api.call(token, method as "GET", "/api/v1/organization/smtp", body);
  const stored = async (o: Org = org) => {
    const [row] = await store()
      .db.select({ settings: tables.organizations.settings })
      .from(tables.organizations)
      .where(eq(tables.organizations.id, o.orgId));
    return row!.settings;
  };
  const audit = async (o: Org = org) =>
    (await api.call(o.token, "GET", "/api/v1/audit?action=organization.smtp&limit=500")).body.entries as {
      action: string;
      before: unknown;
      after: unknown;
    }[];
  const revision = async () => (await api.call(org.token, "GET", "/api/v1/organization")).body.revision;

  before(async () => {
    api = await startApi(store());
  });
  after(() => api.close());

  test("set, read, change and remove; the password is stored for delivery but never answered nor audited", async () => {
    org = await api.newOrg();
    const empty = await call("GET");
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.body, { smtp: null });
    const revisionBefore = await revision();

    const set = await call("PUT", {
      host: "smtp.example.com",
      port: 587,
      user: "mailer",
      password: PASSWORD,
      from: "IT <it@example.com>",
    });
    assert.equal(set.status, 200, set.text);
    const view = {
      host: "smtp.example.com",
      port: 587,
      secure: false,
      user: "mailer",
      from: "IT <it@example.com>",
      passwordSet: true,
    };
    assert.deepEqual(set.body, { smtp: view, revision: revisionBefore });
    assert.ok(!set.text.includes(PASSWORD));
    const read = await call("GET");
    assert.deepEqual(read.body, { smtp: view });
    assert.ok(!read.text.includes(PASSWORD));
    // Stored where delivery reads it, in the shape it reads.
    assert.deepEqual((await stored()).smtp, {
      host: "smtp.example.com",
      port: 587,
      secure: false,
      user: "mailer",
      password: PASSWORD,
      from: "IT <it@example.com>",
    });
    // Changes no access: the revision stays.
    assert.equal(await revision(), revisionBefore);

    const [entry] = await audit();
    assert.equal(entry!.action, "organization.smtp.set");
    assert.equal(entry!.before, null);
    assert.deepEqual(entry!.after, view);
    const everything = await api.call(org.token, "GET", "/api/v1/audit?limit=500");
    assert.ok(!everything.text.includes(PASSWORD), "no audit entry holds the password");
    const exported = await api.call(org.token, "GET", "/api/v1/exports/audit?format=csv");
    assert.ok(!exported.text.includes(PASSWORD), "nor the audit export");

    // Without a password, the one set stays; the same settings again change nothing.
    const again = await call("PUT", {
      host: "smtp.example.com",
      port: 587,
      user: "mailer",
      from: "IT <it@example.com>",
    });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.smtp.passwordSet, true);
    assert.equal(((await stored()).smtp as { password: string }).password, PASSWORD);
    assert.equal((await audit()).length, 1, "nothing changed, nothing audited");

    // TLS from the start on 465, and the password removed with null.
    const tls = await call("PUT", {
      host: "mail.example.com",
      port: 465,
      secure: true,
      user: "mailer",
      password: null,
    });
    assert.equal(tls.status, 200, tls.text);
    assert.deepEqual(tls.body.smtp, {
      host: "mail.example.com",
      port: 465,
      secure: true,
      user: "mailer",
      from: null,
      passwordSet: false,
    });
    assert.deepEqual((await stored()).smtp, {
      host: "mail.example.com",
      port: 465,
      secure: true,
      user: "mailer",
    });
    const [changed] = await audit();
    assert.equal(changed!.action, "organization.smtp.set");
    assert.deepEqual(changed!.before, view);

    const removed = await call("DELETE");
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.body, { smtp: null, revision: revisionBefore });
    assert.deepEqual(await call("GET").then((r) => r.body), { smtp: null });
    assert.equal((await stored()).smtp, undefined);
    const [gone] = await audit();
    assert.equal(gone!.action, "organization.smtp.remove");
    assert.equal(gone!.after, null);
    // Removing what is not there changes nothing.
    assert.equal((await call("DELETE")).status, 200);
    assert.equal((await audit()).length, 3);
  });

  test("other settings of the organization are kept; dropping the user name drops the password", async () => {
    org = await api.newOrg();
    await store()
      .db.update(tables.organizations)
      .set({ settings: { theme: "dark" } })
      .where(eq(tables.organizations.id, org.orgId));
    await call("PUT", { host: "smtp.example.com", port: 587, user: "mailer", password: PASSWORD });
    const noUser = await call("PUT", { host: "smtp.example.com", port: 587, user: "" });
    assert.equal(noUser.status, 200, noUser.text);
    assert.equal(noUser.body.smtp.passwordSet, false);
    assert.equal(noUser.body.smtp.user, null);
    assert.deepEqual(await stored(), {
      theme: "dark",
      smtp: { host: "smtp.example.com", port: 587, secure: false },
    });
    await call("DELETE");
    assert.deepEqual(await stored(), { theme: "dark" });
  });

  test("bad settings are refused with a sentence naming the field, and nothing is written", async () => {
    org = await api.newOrg();
    await call("PUT", { host: "smtp.example.com", port: 587, user: "mailer", password: PASSWORD });
    const settingsBefore = await stored();
    const auditBefore = (await audit()).length;
    const cases: [unknown, number, string, RegExp | null][] = [
      [{ host: "smtp://smtp.example.com", port: 587 }, 400, "organization.invalid", /without "smtp:\/\/"/],
      [{ host: "smtp example com", port: 587 }, 400, "organization.invalid", /not a host name/],
      [{ host: "", port: 587 }, 400, "request.invalid", null],
      [{ host: "smtp.example.com", port: 0 }, 400, "request.invalid", null],
      [{ host: "smtp.example.com", port: 70000 }, 400, "request.invalid", null],
      [{ host: "smtp.example.com", port: "587" }, 400, "request.invalid", null],
      [
        { host: "smtp.example.com", port: 587, from: "it at example" },
        400,
        "organization.invalid",
        /not an email address/,
      ],
      [
        { host: "smtp.example.com", port: 587, password: "alone" },
        400,
        "organization.invalid",
        /needs the user name/,
      ],
      [
        { host: "smtp.example.com", port: 587, user: "a\u0007b" },
        400,
        "organization.invalid",
        /control characters/,
      ],
    ];
    for (const [body, status, code, detail] of cases) {
      const res = await call("PUT", body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.code, code, JSON.stringify(body));
      if (detail) assert.match(res.body.detail, detail);
      if (code === "organization.invalid") assert.match(String(res.body.details?.field), /^smtp\./);
    }
    assert.deepEqual(await stored(), settingsBefore);
    assert.equal((await audit()).length, auditBefore);
  });

  test("only administrators read or change them: a delegate's session and a check token are refused", async () => {
    org = await api.newOrg();
    await call("PUT", { host: "smtp.example.com", port: 587 });
    const user = (await api.call(org.token, "POST", "/api/v1/users", { email: `dee@${org.slug}.test` })).body
      .user;
    const app = (
      await api.call(org.token, "POST", "/api/v1/resources", { type: "app", key: "fin", name: "Finance" })
    ).body.resource;
    const delegated = await api.call(org.token, "POST", "/api/v1/delegations", {
      userId: user.id,
      scope: { kind: "resource", resourceId: app.id },
    });
    assert.equal(delegated.status, 201, delegated.text);
    const link = await api.call(org.token, "POST", `/api/v1/users/${user.id}/password-link`, {
      email: false,
    });
    const token = new URL(link.body.url).hash.replace(/^#token=/, "");
    await api.call(null, "POST", "/api/v1/auth/password", { token, password: "a long enough password" });
    const signedIn = await api.app.inject({
      method: "POST",
      url: "/api/v1/auth/sign-in",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: user.email, password: "a long enough password" }),
    });
    assert.equal(signedIn.statusCode, 200, signedIn.body);
    const cookie = String(signedIn.headers["set-cookie"]).split(";")[0]!;
    const csrf = JSON.parse(signedIn.body).csrfToken as string;
    for (const [method, payload] of [
      ["GET", undefined],
      ["PUT", { host: "evil.example.com", port: 25 }],
      ["DELETE", undefined],
    ] as const) {
      const res = await api.app.inject({
        method,
        url: "/api/v1/organization/smtp",
        headers: {
          cookie,
          "x-csrf-token": csrf,
          ...(payload && { "content-type": "application/json" }),
        },
        ...(payload && { payload: JSON.stringify(payload) }),
      });
      assert.equal(res.statusCode, 403, `${method}: ${res.body}`);
      assert.equal(JSON.parse(res.body).code, "auth.forbidden");
    }
    const check = (await api.call(org.token, "POST", "/api/v1/tokens", { name: "c", scopes: ["check"] })).body
      .token;
    assert.equal((await call("GET", undefined, check)).status, 403);
    assert.equal(((await stored()).smtp as { host: string }).host, "smtp.example.com");
  });

  test("a notification goes out through the organization's own SMTP server, signed in with its user and password", async (t) => {
    org = await api.newOrg();
    const smtp = await smtpListener("mailer", PASSWORD);
    t.after(() => smtp.close());
    const put = await call("PUT", {
      host: "127.0.0.1",
      port: smtp.port,
      user: "mailer",
      password: PASSWORD,
      from: "IT desk <it@own.example>",
    });
    assert.equal(put.status, 200, put.text);

    // A change that notifies: Dana joins an email-notified group that gives Writer on Finance.
    const w = async (method: string, url: string, body: unknown) => {
      const res = await api.call(org.token, method as "POST", url, body);
      assert.ok(res.status < 300, res.text);
      return res.body;
    };
    const app = (await w("POST", "/api/v1/resources", { type: "app", key: "fin", name: "Finance" })).resource;
    const group = (await w("POST", "/api/v1/groups", { name: "Finance team", notify: "email" })).group;
    await w("POST", "/api/v1/rules", {
      subject: { kind: "group", id: group.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: app.id },
    });
    const dana = (await w("POST", "/api/v1/users", { email: "dana@example.com", firstName: "Dana" })).user;
    await w("POST", `/api/v1/groups/${group.id}/members`, { userIds: [dana.id] });
    const waiting = (await listMessages(store().db, org.orgId as OrgId, { limit: 100 })).filter(
      (m) => m.toEmail === "dana@example.com" && m.subject.startsWith("Your access"),
    );
    assert.equal(waiting.length, 1);

    // Delivery as `roster serve` wires it, with no platform server: the organization's own is used.
    const resolve = resolveSmtp(store(), {});
    const delivery = new OutboxDelivery(store(), {
      smtpFor: (id) => (id === org.orgId ? resolve(id) : null),
      transportOptions: { ignoreTLS: true },
    });
    t.after(() => delivery.stop());
    const round = await delivery.deliverDue();
    assert.ok(round.sent >= 1, JSON.stringify(round));
    const mail = smtp.received.find((m) => m.to.includes("dana@example.com"));
    assert.ok(mail, "the listener received Dana's message");
    assert.equal(mail.user, "mailer", "signed in with the organization's user and password");
    assert.match(mail.raw, /^From: IT desk <it@own\.example>/m);
    assert.ok(mail.raw.includes(waiting[0]!.messageId), "with the message's own Message-ID");
    const listed = await api.call(org.token, "GET", "/api/v1/notifications?status=sent");
    assert.ok(
      listed.body.notifications.some((n: { to: string }) => n.to === "dana@example.com"),
      listed.text,
    );

    // Removed, the organization has no server (none on the platform either): new messages wait.
    await call("DELETE");
    assert.equal(await resolve(org.orgId as OrgId), null);
  });
});

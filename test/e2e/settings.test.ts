import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import {
  ADMIN_EMAIL,
  eventually,
  launchBrowser,
  newPage,
  type RosterServer,
  screenshots,
  setPassword,
  signInAs,
  startServer,
} from "./support.ts";

/**
 * The settings page, driven like a person would: the organization's name
 * and plan; its own SMTP server, set in the page and used at once by the
 * running server to send the messages waiting (to a real SMTP listener),
 * its password never shown again; API tokens created with scopes, shown
 * once, copied, revoked (and then refused); the SCIM base URL and token.
 */

const SMTP_USER = "mailer";
const SMTP_PASSWORD = "smtp-pa55word-never-shown";

type Received = { to: string[]; raw: string; user: string | undefined };

/** A real SMTP server on loopback that wants a user name and password. */
async function smtpListener() {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
        callback(null, { user: auth.username });
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

describe("console: settings", () => {
  let server: RosterServer;
  let smtp: Awaited<ReturnType<typeof smtpListener>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const PASSWORD = "the admin's password";

  const row = (text: string) => page.getByRole("row").filter({ hasText: text });
  const section = (name: string) => page.getByRole("region", { name });

  async function openSettings() {
    await page.goto("/settings");
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
  }

  before(async () => {
    server = await startServer();
    smtp = await smtpListener();
    browser = await launchBrowser();
    await setPassword(server, server.firstRunLink, PASSWORD);
    // A message waits: Alice joined an email-notified group while no SMTP server was set.
    const post = (path: string, body: unknown) => server.ok("POST", path, body);
    const app = (await post("/api/v1/resources", { type: "app", key: "finance", name: "Finance" })).resource;
    const group = (await post("/api/v1/groups", { name: "Finance team", notify: "email" })).group;
    await post("/api/v1/rules", {
      subject: { kind: "group", id: group.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: app.id },
    });
    const alice = (await post("/api/v1/users", { email: "alice@x.test", firstName: "Alice" })).user;
    await post(`/api/v1/groups/${group.id}/members`, { userIds: [alice.id] });
    const waiting = await server.ok("GET", "/api/v1/notifications?status=pending");
    assert.equal(waiting.notifications.length, 1);

    ({ context, page, errors } = await newPage(browser, server));
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await signInAs(context, ADMIN_EMAIL, PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  test("rename the organization and change its plan", async () => {
    await openSettings();
    const org = section("Organization");
    const name = org.getByLabel("Name", { exact: true });
    assert.equal(await name.inputValue(), "My organization");
    await name.fill("Acme Retail");
    await org.getByRole("button", { name: "Save organization" }).click();
    await org.getByText("Saved: the organization is Acme Retail, on the Enterprise plan.").waitFor();
    // The navigation shows the new name.
    await page.getByRole("navigation").getByText("Acme Retail").waitFor();

    await org.getByRole("combobox", { name: "Plan" }).click();
    await page.getByRole("option", { name: "Team" }).click();
    await org.getByText("On the Team plan no custom group can be created").waitFor();
    await org.getByRole("button", { name: "Save organization" }).click();
    await org.getByText("Saved: the organization is Acme Retail, on the Team plan.").waitFor();
    assert.equal((await server.ok("GET", "/api/v1/organization")).plan, "team");
    await org.getByRole("combobox", { name: "Plan" }).click();
    await page.getByRole("option", { name: "Enterprise" }).click();
    await org.getByRole("button", { name: "Save organization" }).click();
    await org.getByText("on the Enterprise plan.").waitFor();
    const saved = await server.ok("GET", "/api/v1/organization");
    assert.deepEqual([saved.name, saved.plan], ["Acme Retail", "enterprise"]);
    assert.deepEqual(errors, []);
  });

  test("SMTP: a bad host is refused in words; once saved, waiting messages go out and the password never comes back", async () => {
    await openSettings();
    const form = section("Email (SMTP)");
    await form.getByText("No server of its own").waitFor();
    await form.getByRole("textbox", { name: "Host" }).fill("smtp://127.0.0.1");
    await form.getByRole("textbox", { name: "Port" }).fill(String(smtp.port));
    await form.getByRole("button", { name: "Save SMTP settings" }).click();
    await form
      .getByRole("alert")
      .filter({ hasText: 'Give the SMTP host alone, without "smtp://" (e.g. smtp.example.com).' })
      .waitFor();
    assert.deepEqual(await server.ok("GET", "/api/v1/organization/smtp"), { smtp: null });

    await form.getByRole("textbox", { name: "Host" }).fill("127.0.0.1");
    await form.getByLabel("Password", { exact: true }).fill(SMTP_PASSWORD);
    await form.getByRole("button", { name: "Save SMTP settings" }).click();
    await form
      .getByRole("alert")
      .filter({ hasText: "A password needs the user name it belongs to." })
      .waitFor();
    await form.getByLabel("User", { exact: true }).fill(SMTP_USER);
    await form.getByLabel("From address").fill("IT desk <it@acme.example>");
    await form.getByRole("button", { name: "Save SMTP settings" }).click();
    await form
      .getByText(`Saved: notifications go through 127.0.0.1:${smtp.port}, signing in with the password set.`)
      .waitFor();
    await form.getByText("Own server").waitFor();
    await form.getByText("A password is set. Leave this empty to keep it.").waitFor();
    assert.equal(await form.getByLabel("Password", { exact: true }).inputValue(), "");
    assert.ok(!(await page.content()).includes(SMTP_PASSWORD), "the page holds no password");
    const stored = await server.ok("GET", "/api/v1/organization/smtp");
    assert.deepEqual(stored.smtp, {
      host: "127.0.0.1",
      port: smtp.port,
      secure: false,
      user: SMTP_USER,
      from: "IT desk <it@acme.example>",
      passwordSet: true,
    });

    // The running server sends the waiting message through it, signed in.
    await eventually(async () => assert.equal(smtp.received.length, 1), 20_000);
    const mail = smtp.received[0]!;
    assert.deepEqual(mail.to, ["alice@x.test"]);
    assert.equal(mail.user, SMTP_USER);
    assert.match(mail.raw, /^From: IT desk <it@acme\.example>/m);
    await screenshots(await atTop(page), "settings");

    await page.goto("/notifications?status=sent");
    await row("alice@x.test").getByText("Sent", { exact: true }).waitFor();
    await page.getByText("Messages wait without an SMTP server").waitFor({ state: "detached" });

    // Changing the From address keeps the password.
    await openSettings();
    await form.getByLabel("From address").fill("Acme IT <it@acme.example>");
    await form.getByRole("button", { name: "Save SMTP settings" }).click();
    await form.getByText("signing in with the password set").waitFor();
    assert.equal((await server.ok("GET", "/api/v1/organization/smtp")).smtp.passwordSet, true);

    await form.getByRole("button", { name: "Stop using this server" }).click();
    const dialog = page.getByRole("dialog", { name: "Stop using 127.0.0.1?" });
    await dialog.getByText("wait in Notifications otherwise").waitFor();
    await dialog.getByRole("button", { name: "Stop using it" }).click();
    await form.getByText("127.0.0.1 is no longer used: its settings and password are forgotten.").waitFor();
    await form.getByText("No server of its own").waitFor();
    assert.deepEqual(await server.ok("GET", "/api/v1/organization/smtp"), { smtp: null });
    assert.deepEqual(errors, []);
  });

  test("API tokens: created with scopes, shown once and copied, revoked after a confirmation, then refused", async () => {
    await openSettings();
    const tokens = section("API tokens");
    await row("first run").getByText("Administer").waitFor();
    await tokens.getByRole("button", { name: "Create a token" }).click();
    const dialog = page.getByRole("dialog", { name: "Create an API token" });
    await dialog.getByRole("button", { name: "Create token" }).click();
    await dialog.getByText("Name the token after what will use it").waitFor();
    await dialog.getByText("Choose what the token may do.").waitFor();
    await dialog.getByRole("textbox", { name: "Name" }).fill("Metabase");
    await dialog.getByRole("checkbox", { name: "Check access" }).check();
    await dialog.getByRole("button", { name: "Create token" }).click();

    const created = page.getByRole("dialog", { name: "Token Metabase created" });
    await created.getByText("It is shown only this once").waitFor();
    const token = (await created.getByLabel("The new token").innerText()).trim();
    assert.match(token, /^rst_/);
    await created.getByRole("button", { name: "Copy token" }).click();
    await created.getByRole("button", { name: "Copied" }).waitFor();
    assert.equal(await page.evaluate<string>("navigator.clipboard.readText()"), token);
    await screenshots(page, "settings-token", { fullPage: false });
    await created.getByRole("button", { name: "Done" }).click();
    await row("Metabase").getByText("Check access").waitFor();

    const check = { user: ADMIN_EMAIL, resource: "finance", type: "app", capability: "view" };
    const allowed = await server.api("POST", "/api/v1/access/check", check, token);
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    assert.equal(allowed.body.allowed, true);
    const refusedScope = await server.api("GET", "/api/v1/users", undefined, token);
    assert.equal(refusedScope.status, 403, "a check token administers nothing");

    await page.getByRole("button", { name: "Revoke the token Metabase" }).click();
    const confirm = page.getByRole("dialog", { name: "Revoke the token Metabase?" });
    await confirm.getByText("Whatever uses it (Check access) is refused from now on").waitFor();
    await confirm.getByRole("button", { name: "Revoke token" }).click();
    await confirm.waitFor({ state: "hidden" });
    await row("Metabase")
      .getByText(/^Revoked/)
      .waitFor();
    const refused = await server.api("POST", "/api/v1/access/check", check, token);
    assert.equal(refused.status, 401, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "auth.unauthenticated");
    assert.deepEqual(errors, []);
  });

  test("SCIM: the base URL to paste and a SCIM token that provisions", async () => {
    await openSettings();
    const scim = section("SCIM provisioning");
    const base = `${server.url}/scim/v2`;
    await scim.getByText(base, { exact: true }).waitFor();
    await scim.getByRole("button", { name: "Copy URL" }).click();
    assert.equal(await page.evaluate<string>("navigator.clipboard.readText()"), base);
    await scim.getByText("No SCIM token yet").waitFor();

    await scim.getByRole("button", { name: "Create a SCIM token" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a SCIM token" });
    await dialog.getByRole("textbox", { name: "Name" }).fill("Entra ID");
    assert.equal(await dialog.getByRole("checkbox", { name: "Provision (SCIM)" }).isChecked(), true);
    assert.equal(await dialog.getByRole("checkbox", { name: "Administer" }).isChecked(), false);
    await dialog.getByRole("button", { name: "Create token" }).click();
    const created = page.getByRole("dialog", { name: "Token Entra ID created" });
    const token = (await created.getByLabel("The new token").innerText()).trim();
    await created.getByRole("button", { name: "Done" }).click();
    await scim.getByRole("list", { name: "Active SCIM tokens" }).getByText("Entra ID").waitFor();

    // What Entra ID would do with them: list the users at the base URL.
    const res = await fetch(`${base}/Users?filter=${encodeURIComponent('userName eq "alice@x.test"')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const listed = (await res.json()) as { totalResults: number; Resources: { userName: string }[] };
    assert.equal(listed.totalResults, 1);
    assert.equal(listed.Resources[0]!.userName, "alice@x.test");
    await screenshots(await atTop(page), "settings-scim");
    assert.deepEqual(errors, []);
  });
});

/** The page scrolled back to its top, for a full-page screenshot (the header and navbar are fixed: mid-page, they would be drawn mid-picture). */
async function atTop(page: Page): Promise<Page> {
  await page.evaluate("window.scrollTo(0, 0)");
  return page;
}

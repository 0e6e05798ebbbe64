import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
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
 * The audit log and the notifications, driven like a person would: every
 * change with who, when, the action, its target and what it was before and
 * after; filters by actor, target, action and time range kept in the URL;
 * keyset pages; exports with the same filters; the outbox's messages with
 * their recipient, subject and text.
 */
describe("console: audit log and notifications", () => {
  let server: RosterServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const ids: Record<string, string> = {};
  const PASSWORD = "the admin's password";
  const APPS = 55;

  const rows = () => page.locator("table tbody tr");
  const row = (text: string) => page.getByRole("row").filter({ hasText: text });
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  async function openAudit(query = "") {
    await page.goto(`/audit${query}`);
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await setPassword(server, server.firstRunLink, PASSWORD);
    const post = (path: string, body: unknown) => server.ok("POST", path, body);
    ids.finance = (
      await post("/api/v1/resources", { type: "app", key: "finance", name: "Finance" })
    ).resource.id;
    ids.team = (await post("/api/v1/groups", { name: "Finance team", notify: "email" })).group.id;
    await post("/api/v1/rules", {
      subject: { kind: "group", id: ids.team },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: ids.finance },
    });
    ids.alice = (
      await post("/api/v1/users", { email: "alice@x.test", firstName: "Alice", lastName: "Martin" })
    ).user.id;
    ids.bob = (
      await post("/api/v1/users", { email: "bob@x.test", firstName: "Bob", lastName: "Stone" })
    ).user.id;
    await post(`/api/v1/groups/${ids.team}/members`, { userIds: [ids.alice, ids.bob] });
    for (let i = 1; i <= APPS; i++) {
      const n = String(i).padStart(2, "0");
      await post("/api/v1/resources", { type: "app", key: `app-${n}`, name: `App ${n}` });
    }

    ({ context, page, errors } = await newPage(browser, server));
    await signInAs(context, ADMIN_EMAIL, PASSWORD);
    // The newest change is the administrator's own, made from the console's session.
    const me = await context.request.get("/api/v1/auth/me");
    const csrf = (await me.json()).csrfToken as string;
    const renamed = await context.request.patch(`/api/v1/groups/${ids.team}`, {
      data: { name: "Finance people" },
      headers: { "x-csrf-token": csrf },
    });
    assert.equal(renamed.status(), 200, await renamed.text());
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("every change with who, when, the action, the target, and before and after", async () => {
    await openAudit();
    await rows().first().waitFor();
    const first = rows().first();
    await first.getByText(ADMIN_EMAIL).waitFor();
    await first.getByText("Changed a group").waitFor();
    await first.getByRole("link", { name: "Finance people" }).waitFor();
    await first.getByText("just now").waitFor();
    // Before and after, readably: the name that changed, struck through, and the new one.
    await first.getByText("Finance team", { exact: true }).waitFor();
    assert.match(
      String(await first.getByText("Finance team", { exact: true }).getAttribute("style")),
      /text-decoration: line-through/,
    );
    await first.getByText("Finance people", { exact: true }).last().waitFor();

    // The apps registered with the first run's API token.
    const app = row("Registered a resource").filter({ hasText: "App 55" });
    await app.getByText("token first run").waitFor();
    await app.getByText("API token").waitFor();
    await app.getByText("key: app-55").waitFor();
    await screenshots(await atTop(page), "audit");

    await first.getByRole("button", { name: /^Details of changed a group/ }).click();
    const details = page.getByRole("dialog", { name: "Changed a group" });
    await details.getByText(`Who: ${ADMIN_EMAIL} (user)`).waitFor();
    await details.getByText('"name": "Finance team"').waitFor();
    await details.getByText('"name": "Finance people"').waitFor();
    await screenshots(page, "audit-details", { fullPage: false });
    await details.getByRole("button", { name: "Close" }).click();
    assert.deepEqual(errors, []);
  });

  test("keyset pages go forward and back", async () => {
    await openAudit();
    await page.getByText("Changes 1–50").waitFor();
    assert.equal(await rows().count(), 50);
    const firstPage = await rows().allInnerTexts();
    await page.getByRole("button", { name: "Next page" }).click();
    await page.getByText(/^Changes 51–\d+$/).waitFor();
    const second = await rows().allInnerTexts();
    assert.ok(second.length > 10, `${second.length} entries on the second page`);
    assert.ok(!second.some((r) => firstPage.includes(r)), "no entry on both pages");
    await page.getByRole("button", { name: "Previous page" }).click();
    await page.getByText("Changes 1–50").waitFor();
    assert.deepEqual(await rows().allInnerTexts(), firstPage);
    assert.deepEqual(errors, []);
  });

  test("filters by actor, target, action and time range live in the URL", async () => {
    await openAudit();
    await page.getByLabel("Who").fill(ADMIN_EMAIL);
    await page.waitForURL(/actor=/);
    await eventually(async () => assert.equal(await rows().count(), 1));
    await page.getByLabel("Who").fill("");
    await page.waitForURL((url) => !url.searchParams.has("actor"));

    await page.getByRole("combobox", { name: "Action" }).click();
    await page.getByRole("option", { name: "Rules (every action)" }).click();
    await page.waitForURL(/action=rule/);
    await eventually(async () => {
      const texts = await rows().allInnerTexts();
      assert.equal(texts.length, 1);
      assert.match(texts[0]!, /Added a rule/);
    });
    await page.getByLabel("Target").fill("Finance");
    await eventually(async () => assert.equal(await rows().count(), 1));
    await page.getByLabel("Target").fill("alice");
    await page.getByText("No entry matches").waitFor();
    await page.getByRole("button", { name: "Clear the filters" }).click();
    await page.waitForURL((url) => !url.search);
    await page.getByText("Changes 1–50").waitFor();

    // alice: invited, then added to Finance team.
    await page.getByLabel("Target").fill("alice@x.test");
    await eventually(async () => {
      const texts = (await rows().allInnerTexts()).join("\n");
      assert.match(texts, /Invited a user/);
      assert.equal(await rows().count(), 1);
    });
    await page.getByLabel("Target").fill("");
    await page.getByLabel("From").fill(day(1));
    await page.getByText("No entry matches").waitFor();
    await page.getByLabel("From").fill(day(-1));
    await page.getByLabel("To").fill(day(1));
    await page.getByText("Changes 1–50").waitFor();
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("from"), day(-1));
    assert.equal(url.searchParams.get("to"), day(1));
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has("to"));
    assert.deepEqual(errors, []);
  });

  test("exports as CSV and JSON with the same filters", async () => {
    await openAudit("?action=rule");
    await eventually(async () => assert.equal(await rows().count(), 1));
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    assert.match(csv.suggestedFilename(), /^roster-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile((await csv.path())!, "utf8");
    const lines = text.trim().split(/\r?\n/);
    assert.match(lines[0]!, /action/);
    assert.equal(lines.length, 2, text);
    assert.match(lines[1]!, /rule\.create/);

    const [json] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export JSON" }).click(),
    ]);
    const entries = JSON.parse(await readFile((await json.path())!, "utf8")) as { action: string }[];
    assert.deepEqual(
      entries.map((e) => e.action),
      ["rule.create"],
    );

    // Without filters, everything.
    await openAudit();
    const [all] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export JSON" }).click(),
    ]);
    const everything = JSON.parse(await readFile((await all.path())!, "utf8")) as unknown[];
    assert.ok(everything.length > APPS, `${everything.length} entries exported`);
    assert.deepEqual(errors, []);
  });

  test("notifications: the messages waiting, with their recipient, subject and text", async () => {
    await page.goto("/notifications");
    await page.getByRole("heading", { name: "Notifications", level: 1 }).waitFor();
    await page.getByText("Messages wait without an SMTP server").waitFor();
    const alice = row("alice@x.test").filter({ hasText: "Your access in My organization changed" });
    await alice.getByText("Waiting").waitFor();
    await alice.getByText("You were added to Finance team, which gives Writer on Finance.").waitFor();
    await row("bob@x.test").filter({ hasText: "Your access in My organization changed" }).waitFor();
    await screenshots(await atTop(page), "notifications");

    await alice.getByRole("button", { name: /^Read the message to alice@x\.test/ }).click();
    const message = page.getByRole("dialog", { name: "Your access in My organization changed" });
    await message.getByText("To: alice@x.test").waitFor();
    const body = await message.getByLabel("Message text").innerText();
    assert.match(body, /^Hello Alice,/);
    assert.match(body, /You were added to Finance team, which gives Writer on Finance\./);
    await screenshots(page, "notifications-message", { fullPage: false });
    await message.getByRole("button", { name: "Close" }).click();

    await page.locator("label", { hasText: /^Sent$/ }).click();
    await page.waitForURL(/status=sent/);
    await page.getByText("No sent messages").waitFor();
    await page.getByRole("button", { name: "Show every message" }).click();
    await alice.waitFor();
    await page.locator("label", { hasText: /^Waiting$/ }).click();
    await page.waitForURL(/status=pending/);
    const listed = await server.ok("GET", "/api/v1/notifications?status=pending");
    await eventually(async () => assert.equal(await rows().count(), listed.notifications.length));
    assert.deepEqual(errors, []);
  });
});

/** The page scrolled back to its top, for a full-page screenshot (the header and navbar are fixed: mid-page, they would be drawn mid-picture). */
async function atTop(page: Page): Promise<Page> {
  await page.evaluate("window.scrollTo(0, 0)");
  return page;
}

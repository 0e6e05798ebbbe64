import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import {
  ADMIN_EMAIL,
  eventually,
  launchBrowser,
  newPage,
  OPERATOR_TOKEN,
  PHONE,
  type RosterServer,
  screenshots,
  setPassword,
  signInAs,
  startServer,
  switchOrganization,
} from "./support.ts";

/** Signing in and out, one-time password links (first run, reset), and switching organization, in a browser. */
describe("console: sign in, passwords, organizations", () => {
  let server: RosterServer;
  let browser: Browser;
  const PASSWORD = "first run password";
  const NEW_PASSWORD = "a brand new password";

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the first start's link opens a page that sets the password and signs the administrator in", async () => {
    const { page, errors } = await newPage(browser, server);
    assert.match(server.firstRunLink, /^http:\/\/127\.0\.0\.1:\d+\/set-password#token=/);
    await page.goto(server.firstRunLink);
    await page.getByRole("heading", { name: "Set your password" }).waitFor();
    await screenshots(page, "set-password");

    // Too short, then two different passwords: refused in the page, nothing sent.
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await page.getByText("At least 10 characters.", { exact: true }).waitFor();
    await page.getByLabel("New password").fill(PASSWORD);
    await page.getByLabel("Repeat the password").fill(`${PASSWORD}!`);
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await page.getByText("The two passwords differ.").waitFor();

    await page.getByLabel("Repeat the password").fill(PASSWORD);
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await page.waitForURL("**/users");
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await page.getByRole("button", { name: `Account: ${ADMIN_EMAIL}` }).waitFor();
    await page.getByRole("cell", { name: ADMIN_EMAIL }).waitFor();

    // The link worked once.
    const again = await browser.newPage();
    await again.goto(server.firstRunLink);
    await again.getByLabel("New password").fill("another long password");
    await again.getByLabel("Repeat the password").fill("another long password");
    await again.getByRole("button", { name: "Set password and sign in" }).click();
    await again.getByText("This link is unknown, used or expired: ask for a new one.").waitFor();
    await again.close();
    assert.deepEqual(errors, []);
  });

  test("a wrong password is refused with a sentence; signing out ends the session", async () => {
    const { page, errors } = await newPage(browser, server);
    // Signed out, a deep link goes to the sign-in page and comes back after it.
    await page.goto("/users?sort=recent");
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByRole("textbox", { name: "Email" }).fill(ADMIN_EMAIL);
    await page.getByRole("textbox", { name: "Password" }).fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor();
    await screenshots(page, "sign-in");

    await page.getByRole("textbox", { name: "Password" }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/users?sort=recent");
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();

    // The session ends elsewhere (signed out in another tab): the page's next call sends it to the sign-in page.
    const { csrfToken } = await (await page.request.get("/api/v1/auth/me")).json();
    const ended = await page.request.post("/api/v1/auth/sign-out", {
      headers: { "x-csrf-token": csrfToken },
      data: {},
    });
    assert.equal(ended.status(), 204);
    await page.getByLabel("Search").fill("admin");
    await page.waitForURL(/\/sign-in\?next=%2Fusers%3F/);
    await page.getByRole("textbox", { name: "Email" }).fill(ADMIN_EMAIL);
    await page.getByRole("textbox", { name: "Password" }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/users\?.*q=admin/);
    await page.getByRole("cell", { name: ADMIN_EMAIL }).waitFor();

    await page.getByRole("button", { name: `Account: ${ADMIN_EMAIL}` }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    await page.goto("/users");
    await page.waitForURL(/\/sign-in/);
    const me = await page.request.get("/api/v1/auth/me");
    assert.equal(me.status(), 401);
    assert.deepEqual(errors, []);
  });

  test("a forgotten password is reset with the emailed link", async () => {
    const { page, errors } = await newPage(browser, server);
    await page.goto("/sign-in");
    await page.getByRole("textbox", { name: "Email" }).fill(ADMIN_EMAIL);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Reset your password" }).waitFor();
    assert.equal(await page.getByRole("textbox", { name: "Email" }).inputValue(), ADMIN_EMAIL);
    await screenshots(page, "forgot-password");
    await page.getByRole("button", { name: "Email me a link" }).click();
    await page.getByText(`If ${ADMIN_EMAIL} belongs to an active user`).waitFor();

    // No SMTP server: the message waits in the outbox, where the API lists it.
    const message = await eventually(async () => {
      const list = await server.ok("GET", "/api/v1/notifications");
      const found = list.notifications.find((n: { subject: string }) => n.subject.startsWith("Reset your"));
      assert.ok(found, "no reset email in the outbox");
      return found as { to: string; body: string };
    });
    assert.equal(message.to, ADMIN_EMAIL);
    const link = /(http\S+\/reset-password#token=\S+)/.exec(message.body)?.[1];
    assert.ok(link, message.body);

    await page.goto(link);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await page.getByLabel("New password").fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Save and sign in" }).click();
    await page.waitForURL("**/users");
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();

    // The old password no longer works.
    const old = await page.request.post("/api/v1/auth/sign-in", {
      data: { email: ADMIN_EMAIL, password: PASSWORD },
    });
    assert.equal(old.status(), 401);
    assert.deepEqual(errors, []);
  });

  test("a person in two organizations switches between them; a plain member is told there is nothing to administer", async () => {
    // A second organization whose administrator is the same person, and a third where they are only a member.
    const second = await server.ok(
      "POST",
      "/api/v1/organizations",
      {
        name: "Northwind",
        slug: "northwind",
        plan: "team",
        admin: { email: ADMIN_EMAIL, firstName: "Admin" },
      },
      OPERATOR_TOKEN,
    );
    await server.ok(
      "POST",
      "/api/v1/users",
      { email: "only-in-northwind@x.test", firstName: "Nora" },
      second.token,
    );
    const third = await server.ok(
      "POST",
      "/api/v1/organizations",
      { name: "Contoso", slug: "contoso", plan: "free", admin: { email: "boss@contoso.test" } },
      OPERATOR_TOKEN,
    );
    await server.ok("POST", "/api/v1/users", { email: ADMIN_EMAIL, role: "member" }, third.token);

    const { page, errors } = await newPage(browser, server);
    await page.goto("/sign-in");
    await page.getByRole("textbox", { name: "Email" }).fill(ADMIN_EMAIL);
    await page.getByRole("textbox", { name: "Password" }).fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The session starts in one of the three (the server picks); start from "My organization".
    const switcher = page.getByRole("combobox", { name: "Organization", exact: true });
    await switcher.waitFor();
    if ((await switcher.inputValue()) !== "My organization") {
      await switcher.click();
      await page.getByRole("option", { name: "My organization" }).click();
    }
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await eventually(async () => assert.equal(await switcher.inputValue(), "My organization"));
    await switcher.click();
    await page.getByRole("option", { name: "Northwind" }).click();
    await page.getByRole("cell", { name: "only-in-northwind@x.test" }).waitFor();
    assert.equal(
      await page.getByRole("combobox", { name: "Organization", exact: true }).inputValue(),
      "Northwind",
    );
    await screenshots(page, "organization-switcher");

    await page.getByRole("combobox", { name: "Organization", exact: true }).click();
    await page.getByRole("option", { name: "Contoso" }).click();
    await page.getByRole("heading", { name: "Nothing to administer here" }).waitFor();
    await screenshots(page, "nothing-to-administer");

    await page.getByRole("combobox", { name: "Organization", exact: true }).click();
    await page.getByRole("option", { name: "My organization" }).click();
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await eventually(async () =>
      assert.equal(await page.getByRole("cell", { name: "only-in-northwind@x.test" }).count(), 0),
    );
    assert.deepEqual(errors, []);
  });

  test("on a phone the navigation folds behind a menu button; an unknown path says so", async () => {
    const { context, page, errors } = await newPage(browser, server);
    await signInAs(context, ADMIN_EMAIL, NEW_PASSWORD);
    await switchOrganization(context, "My organization");
    await page.setViewportSize(PHONE);
    await page.goto("/no-such-page");
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
    // Folded: off screen, and out of reach of the keyboard and screen readers.
    const users = page.locator("#navigation a", { hasText: "Users" });
    const folded = async () => {
      const box = await users.boundingBox();
      const offScreen = box === null || box.x + box.width <= 0;
      return offScreen && (await page.locator("#navigation[inert]").count()) === 1;
    };
    assert.equal(await folded(), true, "the navigation is folded");
    await page.getByRole("button", { name: "Open navigation" }).click();
    await eventually(async () => assert.equal(await folded(), false, "the navigation opens"));
    await screenshots(page, "navigation", { fullPage: false });
    await users.click();
    await page.waitForURL("**/users");
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await eventually(async () => assert.equal(await folded(), true, "the navigation folds again"));
    // The back button returns to where we were.
    await page.goBack();
    await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
    await screenshots(page, "not-found");
    assert.deepEqual(errors, []);
  });

  test("an invited user sets their password from the invitation link", async () => {
    const invited = await server.ok("POST", "/api/v1/users", {
      email: "new.admin@x.test",
      firstName: "Nina",
      role: "admin",
    });
    const link = await server.ok("POST", `/api/v1/users/${invited.user.id}/password-link`, { email: false });
    const { page, errors } = await newPage(browser, server);
    await page.goto(link.url);
    await page.getByLabel("New password").fill("nina's long password");
    await page.getByLabel("Repeat the password").fill("nina's long password");
    await page.getByRole("button", { name: "Set password and sign in" }).click();
    await page.getByRole("button", { name: "Account: new.admin@x.test" }).waitFor();
    // A link opened without its token says so.
    await page.goto("/set-password");
    await page.getByText("This link is incomplete").waitFor();
    assert.deepEqual(errors, []);
    // Keeps the helper honest: a password set through the API signs in too.
    await setPassword(
      server,
      (await server.ok("POST", `/api/v1/users/${invited.user.id}/password-link`, { email: false })).url,
      "nina's other password",
    );
  });
});

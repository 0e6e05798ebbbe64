import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
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
 * Data filters and delegations, driven like a person would: the filters by
 * dataset and subject, the editor with a syntax error shown where it is,
 * the SQL preview for a chosen user (the check API's answer), removal with
 * a confirmation; delegations of every scope, the groups created under
 * them, ending one, and the refusals (a deactivated user, a resource
 * deleted meanwhile) as sentences.
 */
describe("console: data filters and delegations", () => {
  let server: RosterServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const ids: Record<string, string> = {};
  const PASSWORD = "the admin's password";

  const row = (text: string) => page.getByRole("row").filter({ hasText: text });

  /** Picks an option of a searchable select: opens it, types, and clicks the option. */
  async function pick(scope: Page | Locator, label: string, search: string, option: string | RegExp) {
    const box = scope.getByRole("combobox", { name: label, exact: true });
    await box.click();
    await box.fill(search);
    await page.getByRole("option", { name: option }).click();
  }

  async function openFilters(query = "") {
    await page.goto(`/filters${query}`);
    await page.getByRole("heading", { name: "Data filters", level: 1 }).waitFor();
  }

  async function openDelegations() {
    await page.goto("/delegations");
    await page.getByRole("heading", { name: "Delegations", level: 1 }).waitFor();
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await setPassword(server, server.firstRunLink, PASSWORD);
    const post = (path: string, body: unknown) => server.ok("POST", path, body);
    const { resource } = server;
    ids.orders = await resource("dataset", "orders", "Orders");
    ids.customers = await resource("dataset", "customers", "Customers");
    ids.finance = await resource("app", "finance", "Finance");
    ids.marketing = await resource("app", "marketing", "Marketing");
    ids.web = await resource("site", "web", "Web shop");
    ids.emea = (await post("/api/v1/groups", { name: "EMEA team" })).group.id;
    const { invite } = server;
    ids.alice = await invite({
      email: "alice@x.test",
      firstName: "Alice",
      lastName: "Martin",
      groupIds: [ids.emea],
      attributes: { region: ["EMEA"] },
    });
    ids.bob = await invite({
      email: "bob@x.test",
      firstName: "Bob",
      lastName: "Stone",
      groupIds: [ids.emea],
    });
    ids.carl = await invite({ email: "carl@x.test", firstName: "Carl", lastName: "Gone" });
    await server.ok("PATCH", `/api/v1/users/${ids.carl}`, { status: "deactivated" });
    ids.dee = await invite({ email: "dee@x.test", firstName: "Dee", lastName: "Legate" });
    ids.erin = await invite({ email: "erin@x.test", firstName: "Erin", lastName: "Page" });
    await post("/api/v1/rules", {
      subject: { kind: "group", id: ids.emea },
      role: { role: "Viewer" },
      scope: { kind: "resource", resourceId: ids.orders },
    });
    await post("/api/v1/rules", {
      subject: { kind: "user", id: ids.alice },
      role: { role: "Viewer" },
      scope: { kind: "resource", resourceId: ids.customers },
    });
    await server.ok("PUT", "/api/v1/filters", {
      subject: { kind: "group", id: ids.emea },
      resourceId: ids.orders,
      expression: "region = {{user.region}}",
    });

    // Dee administers Finance, and created a group under that delegation.
    ids.deeDelegation = (
      await post("/api/v1/delegations", {
        userId: ids.dee,
        scope: { kind: "resource", resourceId: ids.finance },
      })
    ).delegation.id;
    const link = await post(`/api/v1/users/${ids.dee}/password-link`, { email: false });
    await setPassword(server, link.url, "dee's own password");
    const signIn = await fetch(`${server.url}/api/v1/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "dee@x.test", password: "dee's own password" }),
    });
    assert.equal(signIn.status, 200, await signIn.clone().text());
    const cookie = String(signIn.headers.get("set-cookie")).split(";")[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const created = await fetch(`${server.url}/api/v1/groups`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
      body: JSON.stringify({ name: "Finance helpers", userIds: [ids.bob] }),
    });
    assert.equal(created.status, 201, await created.text());

    ({ context, page, errors } = await newPage(browser, server));
    await signInAs(context, ADMIN_EMAIL, PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the filters, by dataset and by group or user", async () => {
    await openFilters();
    const emea = row("EMEA team");
    await emea.getByText("region = {{user.region}}").waitFor();
    await emea.getByText("Orders").waitFor();
    await emea.getByText("Group", { exact: true }).waitFor();
    await page.getByText("1 filter", { exact: true }).waitFor();
    await screenshots(await atTop(page), "filters");

    await page.getByRole("combobox", { name: "Dataset", exact: true }).click();
    await page.getByRole("option", { name: "Customers" }).click();
    await page.waitForURL(/dataset=/);
    await page.getByText("No filter on this dataset").waitFor();
    await page.getByRole("button", { name: "Show every filter" }).click();
    await row("EMEA team").waitFor();
    await page.getByLabel("Group or user").fill("sales");
    await page.getByText("No filter matches").waitFor();
    await page.getByLabel("Group or user").fill("emea");
    await row("EMEA team").waitFor();
    await page.getByLabel("Group or user").fill("");
    assert.deepEqual(errors, []);
  });

  test("add a filter: a syntax error is shown where it is, then the fixed filter is saved", async () => {
    await openFilters();
    await page.getByRole("button", { name: "Add a filter" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Add a data filter" });
    await dialog.getByRole("button", { name: "Save filter" }).click();
    await dialog.getByText("Choose the dataset the filter applies to.").waitFor();

    await pick(dialog, "Dataset", "cust", "Customers");
    await dialog.getByText("A user", { exact: true }).click();
    await pick(dialog, "User", "alice", "Alice Martin (alice@x.test)");
    await dialog.getByLabel("Filter", { exact: true }).fill("country in (France, Spain");
    await dialog.getByRole("button", { name: "Save filter" }).click();
    await dialog
      .getByText(
        /^The filter is not valid: .* at position 25, found the end of the filter \(line 1, column 26\)$/,
      )
      .waitFor();
    const marker = dialog.getByLabel("Where the filter goes wrong");
    assert.equal(await marker.innerText(), `country in (France, Spain\n${" ".repeat(25)}^`);
    assert.equal(
      await dialog.getByLabel("Filter", { exact: true }).getAttribute("aria-invalid"),
      "true",
      "the text box is marked invalid",
    );
    await screenshots(page, "filters-editor", { fullPage: false });
    const none = await server.ok("GET", `/api/v1/filters?resource=${ids.customers}`);
    assert.deepEqual(none.filters, [], "a filter that does not parse is not saved");

    await dialog.getByLabel("Filter", { exact: true }).fill("country in (France, Spain)");
    assert.equal(await marker.count(), 0, "typing clears the error");
    await dialog.getByRole("button", { name: "Save filter" }).click();
    await page.getByText("Saved the filter of Alice Martin (alice@x.test) on Customers.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    const alice = row("alice@x.test");
    await alice.getByText("country in (France, Spain)").waitFor();
    await alice.getByText("User", { exact: true }).waitFor();
    const saved = await server.ok("GET", `/api/v1/filters?resource=${ids.customers}`);
    assert.equal(saved.filters.length, 1);
    assert.deepEqual(saved.filters[0].subject, { kind: "user", id: ids.alice });
    assert.equal(saved.filters[0].expression, "country in (France, Spain)");
    assert.deepEqual(errors, []);
  });

  test("the preview shows the SQL a chosen user gets, as the check API answers it", async () => {
    await openFilters();
    const preview = page.getByRole("region", { name: "Preview for a user" });
    await pick(preview, "Dataset to preview", "orders", "Orders");
    await pick(preview, "User to preview", "alice", "Alice Martin (alice@x.test)");
    await preview.getByText("alice@x.test sees the rows of Orders where:").waitFor();
    const sql = preview.getByLabel("SQL WHERE fragment");
    await preview.getByText('"EMEA"').waitFor();
    const check = await server.ok(
      "GET",
      "/api/v1/access/filter?user=alice%40x.test&resource=orders&type=dataset",
    );
    assert.equal(check.access, "filtered");
    assert.equal(await sql.innerText(), `WHERE ${check.sql}`);
    assert.match(check.sql, /\$1/);
    await screenshots(await atTop(page), "filters-preview");

    await preview.getByText("? (JDBC, MySQL)").click();
    const withQuestion = await server.ok(
      "GET",
      "/api/v1/access/filter?user=alice%40x.test&resource=orders&type=dataset&placeholder=question",
    );
    await page.waitForFunction(sqlShown(`WHERE ${withQuestion.sql}`));

    // Bob has no region: his path through EMEA team matches nothing.
    await pick(preview, "User to preview", "bob", "Bob Stone (bob@x.test)");
    await preview.getByText("bob@x.test sees the rows of Orders where:").waitFor();
    const bob = await server.ok(
      "GET",
      "/api/v1/access/filter?user=bob%40x.test&resource=orders&type=dataset",
    );
    await page.waitForFunction(sqlShown(`WHERE ${bob.sql}`));
    // Erin may not query Orders; the administrator sees every row.
    await pick(preview, "User to preview", "erin", "Erin Page (erin@x.test)");
    await preview.getByText("erin@x.test cannot query Orders").waitFor();
    await pick(preview, "User to preview", "admin", ADMIN_EMAIL);
    await preview.getByText(`${ADMIN_EMAIL} may query Orders without a filter`).waitFor();
    assert.deepEqual(errors, []);
  });

  test("edit a filter, then remove it after a confirmation", async () => {
    await openFilters();
    await page.getByRole("button", { name: "Edit the filter of EMEA team on Orders" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit the filter of EMEA team on Orders" });
    const text = dialog.getByLabel("Filter", { exact: true });
    assert.equal(await text.inputValue(), "region = {{user.region}}");
    await text.fill("region = {{user.region}} and status != closed");
    await dialog.getByRole("button", { name: "Save filter" }).click();
    await dialog.waitFor({ state: "hidden" });
    await row("EMEA team").getByText("region = {{user.region}} and status != closed").waitFor();

    await page.getByRole("button", { name: "Remove the filter of EMEA team on Orders" }).click();
    const confirm = page.getByRole("dialog", { name: "Remove the filter of EMEA team on Orders?" });
    await confirm
      .getByText("Members of EMEA team who may query Orders through its rules will see every row")
      .waitFor();
    await screenshots(page, "filters-remove", { fullPage: false });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    assert.equal((await server.ok("GET", `/api/v1/filters?resource=${ids.orders}`)).filters.length, 1);

    await page.getByRole("button", { name: "Remove the filter of EMEA team on Orders" }).click();
    await confirm.getByRole("button", { name: "Remove filter" }).click();
    await page.getByText("Removed the filter of EMEA team on Orders.").waitFor();
    await eventually(async () => assert.equal(await row("EMEA team").count(), 0));
    assert.deepEqual((await server.ok("GET", `/api/v1/filters?resource=${ids.orders}`)).filters, []);
    // Alice now sees every row of Orders.
    const check = await server.ok(
      "GET",
      "/api/v1/access/filter?user=alice%40x.test&resource=orders&type=dataset",
    );
    assert.equal(check.access, "unfiltered");
    assert.deepEqual(errors, []);
  });

  test("the delegations, with the groups created under each", async () => {
    await openDelegations();
    const dee = row("dee@x.test");
    await dee.getByText("Finance", { exact: true }).waitFor();
    await dee.getByRole("link", { name: "Finance helpers" }).waitFor();
    await screenshots(await atTop(page), "delegations");
    assert.deepEqual(errors, []);
  });

  test("delegate several apps, or every site current and future", async () => {
    await openDelegations();
    await page.getByRole("button", { name: "Delegate" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Delegate administration" });
    await pick(dialog, "Delegate", "erin", "Erin Page (erin@x.test)");
    await dialog.getByRole("radio", { name: "Several apps" }).check();
    await pick(dialog, "Apps to delegate", "fin", "Finance");
    await pick(dialog, "Apps to delegate", "mark", "Marketing");
    await dialog.getByRole("heading", { name: "Delegate administration" }).click();
    await screenshots(page, "delegations-new", { fullPage: false });
    await dialog.getByRole("button", { name: "Delegate", exact: true }).click();
    await page.getByText("Erin Page (erin@x.test) now administers Finance, Marketing.").waitFor();
    await row("erin@x.test").getByText("Finance, Marketing").waitFor();

    await page.getByRole("button", { name: "Delegate" }).first().click();
    await pick(dialog, "Delegate", "alice", "Alice Martin (alice@x.test)");
    await dialog.getByRole("combobox", { name: "Resource type" }).click();
    await page.getByRole("option", { name: "Site" }).click();
    await dialog.getByRole("radio", { name: "All current and future sites" }).check();
    await dialog.getByRole("button", { name: "Delegate", exact: true }).click();
    await page.getByText("now administers all current and future sites.").waitFor();
    await row("alice@x.test").getByText("All current and future sites").waitFor();

    // All current datasets: the ones that exist now, listed by name.
    await page.getByRole("button", { name: "Delegate" }).first().click();
    await pick(dialog, "Delegate", "bob", "Bob Stone (bob@x.test)");
    await dialog.getByRole("combobox", { name: "Resource type" }).click();
    await page.getByRole("option", { name: "Dataset" }).click();
    await dialog.getByRole("radio", { name: "All current datasets" }).check();
    await dialog.getByRole("button", { name: "Delegate", exact: true }).click();
    await page.getByText("Bob Stone (bob@x.test) now administers all current datasets.").waitFor();
    await row("bob@x.test")
      .getByText(/^(Customers, Orders|Orders, Customers)$/)
      .waitFor();

    const list = (await server.ok("GET", "/api/v1/delegations")).delegations as {
      user: { email: string };
      type: string;
      resources: { name: string }[] | null;
    }[];
    const erin = list.find((d) => d.user.email === "erin@x.test");
    assert.deepEqual(erin?.resources?.map((r) => r.name).sort(), ["Finance", "Marketing"]);
    const alice = list.find((d) => d.user.email === "alice@x.test");
    assert.equal(alice?.type, "site");
    assert.equal(alice?.resources, null);
    assert.deepEqual(errors, []);
  });

  test("refusals are sentences: a deactivated user, a resource deleted meanwhile", async () => {
    await openDelegations();
    const before = (await server.ok("GET", "/api/v1/delegations")).delegations.length;
    await page.getByRole("button", { name: "Delegate" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Delegate administration" });
    await pick(dialog, "Delegate", "carl", "Carl Gone (carl@x.test), deactivated");
    await pick(dialog, "App to delegate", "mark", "Marketing");
    await dialog.getByRole("button", { name: "Delegate", exact: true }).click();
    await dialog
      .getByRole("alert")
      .filter({ hasText: "carl@x.test is deactivated. Reactivate them first." })
      .waitFor();
    await screenshots(page, "delegations-refusal", { fullPage: false });

    // Someone deletes the app between the choice and the click.
    const temp = (
      await server.ok("POST", "/api/v1/resources", { type: "app", key: "temp", name: "Temporary app" })
    ).resource.id;
    await pick(dialog, "Delegate", "erin", "Erin Page (erin@x.test)");
    await pick(dialog, "App to delegate", "temp", "Temporary app");
    await server.ok("DELETE", `/api/v1/resources/${temp}`);
    await dialog.getByRole("button", { name: "Delegate", exact: true }).click();
    await dialog
      .getByRole("alert")
      .filter({ hasText: "That resource does not exist in this organization (it may have been deleted)." })
      .waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    assert.equal(
      (await server.ok("GET", "/api/v1/delegations")).delegations.length,
      before,
      "nothing was created",
    );
    assert.deepEqual(errors, []);
  });

  test("end a delegation after a confirmation naming the groups that stay", async () => {
    await openDelegations();
    await page.getByRole("button", { name: "End the delegation to dee@x.test" }).click();
    const dialog = page.getByRole("dialog", { name: "End the delegation to dee@x.test?" });
    await dialog.getByText("dee@x.test will no longer administer Finance.").waitFor();
    await dialog.getByText("The group they created under it stays").waitFor();
    await dialog.getByText("Finance helpers (1 user)").waitFor();
    await screenshots(page, "delegations-end", { fullPage: false });
    await dialog.getByRole("button", { name: "End delegation" }).click();
    await page.getByText("dee@x.test no longer administers Finance.").waitFor();
    await eventually(async () => assert.equal(await row("dee@x.test").count(), 0));
    const groups = (await server.ok("GET", "/api/v1/groups?q=Finance%20helpers")).groups;
    assert.equal(groups.length, 1, "the group stays");
    assert.equal(groups[0].delegation, null, "without the mark");
    assert.deepEqual(errors, []);
  });
});

/** The page scrolled back to its top, for a full-page screenshot (the header and navbar are fixed: mid-page, they would be drawn mid-picture). */
async function atTop(page: Page): Promise<Page> {
  await page.evaluate("window.scrollTo(0, 0)");
  return page;
}

/** A page condition: the preview shows exactly this SQL. */
function sqlShown(expected: string): string {
  return `document.querySelector('[aria-label="SQL WHERE fragment"]')?.textContent === ${JSON.stringify(expected)}`;
}

import assert from "node:assert/strict";
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
 * The permissions pages, driven like a person would: the resources by type
 * with search and registering one; a resource's Groups and Users tabs with
 * search, the role filter and the sort together; adding a rule (a group by
 * name, a user by email; the same rule again is not added twice); changing a
 * rule's role only after a confirmation; removing one through a confirmation;
 * and the refusals as sentences: a locked system rule, a delegate outside
 * their delegation.
 */
describe("console: permissions", () => {
  let server: RosterServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const ids: Record<string, string> = {};
  const PASSWORD = "the admin's password";
  const DELEGATE_PASSWORD = "the delegate's password";

  /** The first column of each row of the table (names). */
  const names = async () =>
    (await page.locator("table tbody tr td:nth-child(1) a").allInnerTexts()).map((t) => t.trim());
  const row = (text: string) => page.getByRole("row").filter({ hasText: text });

  /** Opens the role filter's list (a click on the field, as a person does, not on its hidden input). */
  const openRoles = () => page.locator(".mantine-MultiSelect-input").click();

  async function openResource(id: string, query = "") {
    await page.goto(`/resources/${id}${query}`);
    await page.getByRole("heading", { level: 1 }).waitFor();
  }

  async function choose(scope: Page | ReturnType<Page["getByRole"]>, label: string, option: string) {
    await scope.getByRole("combobox", { name: label, exact: true }).click();
    await page.getByRole("option", { name: option, exact: true }).click();
  }

  /** The rules of a subject on a resource, from the API. */
  async function rulesOf(resourceId: string, view: "groups" | "users", q: string) {
    const list = await server.ok(
      "GET",
      `/api/v1/rules?resource=${resourceId}&view=${view}&q=${encodeURIComponent(q)}`,
    );
    return list.rows as { role: { name: string }; scope: string }[];
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await setPassword(server, server.firstRunLink, PASSWORD);

    const post = (path: string, body: unknown) => server.ok("POST", path, body);
    const { resource } = server;
    ids.finance = await resource("app", "finance", "Finance");
    ids.marketing = await resource("app", "marketing", "Marketing");
    ids.workspace = await resource("workspace", "sales-ws", "Sales workspace");
    const invite = (email: string, firstName: string, lastName: string) =>
      server.invite({ email, firstName, lastName });
    ids.alice = await invite("alice@x.test", "Alice", "Martin");
    ids.bob = await invite("bob@x.test", "Bob", "Stone");
    ids.zoe = await invite("zoe@x.test", "Zoe", "Young");
    ids.dana = await invite("dana@x.test", "Dana", "Delegate");
    const { group } = server;
    ids.sales = await group("Sales", [ids.bob!, ids.zoe!]);
    ids.analysts = await group("Analysts", [ids.alice!]);
    ids.emea = await group("EMEA team");

    const rule = (subject: { kind: string; id: string }, role: string, scope: unknown) =>
      post("/api/v1/rules", { subject, role: { role }, scope });
    const on = (resourceId: string) => ({ kind: "resource", resourceId });
    // In this order, so "recent" (the latest change first) differs from "name".
    await rule({ kind: "group", id: ids.sales! }, "Reader", on(ids.finance!));
    await rule({ kind: "group", id: ids.analysts! }, "Writer", on(ids.finance!));
    await rule({ kind: "group", id: ids.emea! }, "Manager", { kind: "all_current_and_future", type: "app" });
    await rule({ kind: "user", id: ids.alice! }, "Writer", on(ids.finance!));
    await rule({ kind: "user", id: ids.bob! }, "Reader", on(ids.finance!));
    await rule({ kind: "user", id: ids.zoe! }, "Manager", on(ids.finance!));

    // A check for Alice makes her the most recently active (recorded in the background, within seconds).
    await post("/api/v1/access/check", { user: "alice@x.test", resource: ids.finance, capability: "view" });
    await eventually(async () => {
      const list = await server.ok("GET", "/api/v1/users?q=alice");
      assert.ok(list.users[0].lastActiveAt, "alice's activity is not recorded yet");
    }, 30_000);

    // Dana administers Finance only, by delegation, and signs in with a password.
    await post("/api/v1/delegations", { userId: ids.dana, scope: on(ids.finance!) });
    const link = await post(`/api/v1/users/${ids.dana}/password-link`, { email: false });
    await setPassword(server, link.url, DELEGATE_PASSWORD);

    ({ context, page, errors } = await newPage(browser, server));
    // The machine is shared: give a slow answer more time than support's 10 s.
    context.setDefaultTimeout(20_000);
    await signInAs(context, ADMIN_EMAIL, PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the resources by type, with search; a new resource opens its permissions page", async () => {
    await page.goto("/resources");
    await page.getByRole("heading", { name: "Permissions", level: 1 }).waitFor();
    await row("Sales workspace").waitFor();
    assert.deepEqual(await names(), ["Finance", "Marketing", "My organization", "Sales workspace"]);
    await screenshots(page, "resources");

    await page.getByText("Apps", { exact: true }).click();
    await page.waitForURL(/type=app/);
    await eventually(async () => assert.deepEqual(await names(), ["Finance", "Marketing"]));
    await page.getByLabel("Search").fill("MARK");
    await page.waitForURL(/q=MARK/);
    await eventually(async () => assert.deepEqual(await names(), ["Marketing"]));
    await page.getByLabel("Search").fill("nothing like it");
    await page.getByText("No app matches").waitFor();
    await page.getByRole("button", { name: "Clear the search" }).click();
    await eventually(async () => assert.deepEqual(await names(), ["Finance", "Marketing"]));
    // The back button keeps the type.
    await page.getByText("Workspaces", { exact: true }).click();
    await eventually(async () => assert.deepEqual(await names(), ["Sales workspace"]));
    await page.goBack();
    await eventually(async () => assert.deepEqual(await names(), ["Finance", "Marketing"]));

    // A key already used by an app is refused with a sentence; the dialog stays open.
    await page.getByRole("button", { name: "New resource" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New resource" });
    await dialog.getByRole("button", { name: "Create" }).click();
    await dialog.getByText("A name is required.").waitFor();
    await dialog.getByLabel("Name").fill("Finance");
    assert.equal(await dialog.getByLabel("Key").inputValue(), "finance", "the key follows the name");
    await dialog.getByRole("button", { name: "Create" }).click();
    await dialog
      .getByRole("alert")
      .filter({ hasText: 'Another resource of this type already has the key "finance"' })
      .waitFor();

    await choose(dialog, "Type", "Dataset");
    await dialog.getByLabel("Name").fill("Orders 2024");
    assert.equal(await dialog.getByLabel("Key").inputValue(), "orders-2024");
    await screenshots(page, "resources-new", { fullPage: false });
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: "Orders 2024", level: 1 }).waitFor();
    await page.getByText("No group has a rule on Orders 2024").waitFor();
    const created = await server.ok("GET", "/api/v1/resources?type=dataset&q=orders");
    assert.deepEqual(
      created.resources.map((r: { key: string; name: string }) => [r.key, r.name]),
      [["orders-2024", "Orders 2024"]],
    );
    assert.ok(page.url().endsWith(`/resources/${created.resources[0].id}`));

    // A resource that does not exist (deleted, or a mistyped link) is said so.
    await page.goto("/resources/res_does_not_exist");
    await page.getByText("That resource does not exist in this organization").waitFor();
    assert.deepEqual(errors, []);
  });

  test("the Groups tab: rules that cover the app, search, and the role filter together with the sort", async () => {
    await openResource(ids.finance!);
    await page.getByRole("heading", { name: "Finance", level: 1 }).waitFor();
    assert.equal(await page.getByRole("tab", { name: "Groups" }).getAttribute("aria-selected"), "true");
    await row("Sales").waitFor();
    assert.deepEqual(await names(), ["Analysts", "EMEA team", "Sales"]);
    await row("EMEA team").getByText("Every app, current and future").waitFor();
    await row("Analysts").getByText("Finance only").waitFor();
    await row("Sales").getByText("2 users").waitFor();
    await screenshots(page, "resource-permissions");

    await page.getByLabel("Search").fill("sal");
    await eventually(async () => assert.deepEqual(await names(), ["Sales"]));
    await page.getByLabel("Search").fill("");
    await eventually(async () => assert.equal((await names()).length, 3));

    // Every role is chosen at first; leaving out Reader hides Sales.
    assert.deepEqual(
      (await page.locator(".mantine-MultiSelect-pill").allInnerTexts()).map((t) => t.trim()),
      ["Manager", "Writer", "Reader"],
    );
    await openRoles();
    await page.getByRole("option", { name: "Reader", exact: true }).click();
    await page.keyboard.press("Escape");
    await page.waitForURL(/roles=Manager%2CWriter/);
    await eventually(async () => assert.deepEqual(await names(), ["Analysts", "EMEA team"]));

    // Sorted by recent activity, with the filter still on: the latest change first.
    await choose(page, "Sort by", "Recent activity");
    await page.waitForURL(/sort=recent/);
    await eventually(async () => assert.deepEqual(await names(), ["EMEA team", "Analysts"]));
    await page.reload();
    await eventually(async () => assert.deepEqual(await names(), ["EMEA team", "Analysts"]));

    // No role at all: said, with a way back.
    await openRoles();
    await page.getByRole("option", { name: "Manager", exact: true }).click();
    await page.getByRole("option", { name: "Writer", exact: true }).click();
    await page.keyboard.press("Escape");
    await page.getByText("Choose at least one role to see the rules that give it.").waitFor();
    await page.getByRole("button", { name: "Every role" }).click();
    await eventually(async () => assert.deepEqual(await names(), ["EMEA team", "Analysts", "Sales"]));
    assert.deepEqual(errors, []);
  });

  test("the Users tab: search by name or email, and recent activity first, with the role filter", async () => {
    await openResource(ids.finance!);
    await page.getByRole("tab", { name: "Users" }).click();
    await page.waitForURL(/tab=users/);
    await eventually(async () => assert.deepEqual(await names(), ["Alice Martin", "Bob Stone", "Zoe Young"]));
    await row("bob@x.test").getByText("Reader").waitFor();
    await screenshots(page, "resource-permissions-users");

    await page.getByLabel("Search").fill("bob@");
    await eventually(async () => assert.deepEqual(await names(), ["Bob Stone"]));
    await page.getByLabel("Search").fill("young zoe");
    await eventually(async () => assert.deepEqual(await names(), ["Zoe Young"]));
    await page.getByLabel("Search").fill("");

    // Alice was active a moment ago; Zoe's rule is newer than Bob's.
    await choose(page, "Sort by", "Recent activity");
    await eventually(async () => assert.deepEqual(await names(), ["Alice Martin", "Zoe Young", "Bob Stone"]));
    await row("alice@x.test")
      .getByText(/ago|just now/)
      .first()
      .waitFor();
    await openRoles();
    await page.getByRole("option", { name: "Reader", exact: true }).click();
    await page.keyboard.press("Escape");
    await eventually(async () => assert.deepEqual(await names(), ["Alice Martin", "Zoe Young"]));
    assert.match(page.url(), /tab=users/);
    assert.match(page.url(), /sort=recent/);
    assert.deepEqual(errors, []);
  });

  test("add a rule for a group by name and for a user by email; the same rule is not added twice", async () => {
    await openResource(ids.marketing!);
    await page.getByText("EMEA team").waitFor();
    await page.getByRole("button", { name: "Add rule" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Add a rule on Marketing" });
    await dialog.getByRole("button", { name: "Add rule" }).click();
    await dialog.getByText("Choose a group.").waitFor();
    await dialog.getByText("Choose a role.").waitFor();
    await choose(dialog, "Group", "Sales");
    await choose(dialog, "Role", "Writer");
    await dialog.getByText("Gives View, Edit.").waitFor();
    await screenshots(page, "resource-add-rule", { fullPage: false });
    await dialog.getByRole("button", { name: "Add rule" }).click();
    await page.getByRole("status").filter({ hasText: "Sales now has Writer on Marketing." }).waitFor();
    await row("Sales").getByText("Writer").waitFor();
    assert.deepEqual(
      (await rulesOf(ids.marketing!, "groups", "Sales")).map((r) => r.role.name),
      ["Writer"],
    );

    // The same rule again: nothing is added, and the page says so.
    await page.getByRole("button", { name: "Add rule" }).first().click();
    await choose(dialog, "Group", "Sales");
    await choose(dialog, "Role", "Writer");
    await dialog.getByRole("button", { name: "Add rule" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Sales already has Writer on Marketing: nothing changed." })
      .waitFor();
    assert.equal((await rulesOf(ids.marketing!, "groups", "Sales")).length, 1, "one rule, not two");

    // A user by email (in any case), from the Users tab; an unknown email is said so.
    await page.getByRole("tab", { name: "Users" }).click();
    await page.getByText("No user has a rule of their own on Marketing").waitFor();
    await page.getByRole("button", { name: "Add rule" }).first().click();
    assert.equal(await dialog.getByRole("radio", { name: "A user" }).isChecked(), true);
    await dialog.getByLabel("User's email").fill("nobody@x.test");
    await choose(dialog, "Role", "Reader");
    await dialog.getByRole("button", { name: "Add rule" }).click();
    await dialog
      .getByRole("alert")
      .filter({ hasText: "No user has the email nobody@x.test in this organization." })
      .waitFor();
    await dialog.getByLabel("User's email").fill("ALICE@x.test");
    await dialog.getByRole("button", { name: "Add rule" }).click();
    await page.getByRole("status").filter({ hasText: "Alice Martin now has Reader on Marketing." }).waitFor();
    await row("alice@x.test").getByText("Reader").waitFor();
    assert.deepEqual(
      (await rulesOf(ids.marketing!, "users", "alice")).map((r) => [r.role.name, r.scope]),
      [["Reader", "resource"]],
    );
    assert.deepEqual(errors, []);
  });

  test("changing a rule's role asks to confirm first; cancelling changes nothing", async () => {
    await openResource(ids.marketing!);
    await row("Sales").getByText("Writer").waitFor();

    // Adding Sales again with another role is a change: confirmed first, and cancelled here.
    await page.getByRole("button", { name: "Add rule" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Add a rule on Marketing" });
    await choose(dialog, "Group", "Sales");
    await choose(dialog, "Role", "Manager");
    await dialog.getByRole("button", { name: "Add rule" }).click();
    const confirm = page.getByRole("dialog", { name: "Change Sales's role on Marketing?" });
    await confirm.getByText("Sales has Writer on Marketing.").waitFor();
    await confirm.getByText("Its members (2 users) get View, Edit, Manage through it").waitFor();
    await screenshots(page, "resource-change-role", { fullPage: false });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert.deepEqual(
      (await rulesOf(ids.marketing!, "groups", "Sales")).map((r) => r.role.name),
      ["Writer"],
    );

    // From the row: choose another role, confirm.
    await page.getByRole("button", { name: "Change the role of Sales" }).click();
    const change = page.getByRole("dialog", { name: "Change the role of Sales" });
    await change.getByText("Sales (2 users) has Writer on Marketing.").waitFor();
    await choose(change, "Role", "Reader");
    await change.getByRole("button", { name: "Change role" }).click();
    await confirm.getByRole("button", { name: "Change role" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Sales now has Reader on Marketing instead of Writer." })
      .waitFor();
    await row("Sales").getByText("Reader").waitFor();
    assert.deepEqual(
      (await rulesOf(ids.marketing!, "groups", "Sales")).map((r) => r.role.name),
      ["Reader"],
    );
    assert.deepEqual(errors, []);
  });

  test("a rule is removed only through a confirmation that says who loses what", async () => {
    await openResource(ids.marketing!);
    await page.getByRole("button", { name: "Remove the rule of Sales" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove the rule of Sales?" });
    await dialog
      .getByText("Sales (2 users) will no longer get Reader on Marketing through this rule.")
      .waitFor();
    await screenshots(page, "resource-remove-rule", { fullPage: false });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal((await rulesOf(ids.marketing!, "groups", "Sales")).length, 1, "cancel removes nothing");

    await page.getByRole("button", { name: "Remove the rule of Sales" }).click();
    await dialog.getByRole("button", { name: "Remove rule" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Removed: Sales no longer gets Reader on Marketing through this rule." })
      .waitFor();
    await eventually(async () => assert.deepEqual(await names(), ["EMEA team"]));
    assert.equal((await rulesOf(ids.marketing!, "groups", "Sales")).length, 0);

    // A rule on every app shows on each app, and removing it says so.
    await page.getByRole("button", { name: "Remove the rule of EMEA team on every app" }).click();
    await page
      .getByRole("dialog", { name: "Remove the rule of EMEA team?" })
      .getByText("will no longer get Manager on every app through this rule, on Marketing or any other app")
      .waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    assert.deepEqual(errors, []);
  });

  test("locked system rules say why they stay, and changing one is refused with a sentence", async () => {
    await openResource(ids.workspace!);
    await page.getByRole("heading", { name: "Sales workspace", level: 1 }).waitFor();
    await row("Power Users").getByText("Locked").waitFor();
    await row("Power Users")
      .getByText("A system rule of Power Users: it cannot be changed or removed.")
      .waitFor();
    await page
      .getByText("Those rules are locked: to give someone that role, add them to the group.")
      .waitFor();
    assert.equal(await page.getByRole("button", { name: /^Remove the rule of Power Users/ }).count(), 0);
    assert.equal(await page.getByRole("button", { name: /^Change the role of Power Users/ }).count(), 0);
    assert.deepEqual(await names(), [
      "Database Managers",
      "Dataset Designers",
      "Power Users",
      "Report Builders",
      "Report Consumers",
    ]);

    await page.getByRole("button", { name: "Add rule" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Add a rule on Sales workspace" });
    await choose(dialog, "Group", "Power Users");
    await choose(dialog, "Role", "Report consumer");
    await dialog.getByRole("radio", { name: "Every workspace, current and future" }).check();
    await dialog.getByRole("button", { name: "Add rule" }).click();
    await dialog
      .getByRole("alert")
      .filter({ hasText: "This is a locked system rule: it cannot be changed." })
      .filter({ hasText: "to give someone that role, add them to the group" })
      .waitFor();
    await screenshots(page, "resource-locked-refusal", { fullPage: false });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    const power = await rulesOf(ids.workspace!, "groups", "Power Users");
    assert.deepEqual(
      power.map((r) => [r.role.name, r.scope]),
      [["Power user", "all_current_and_future"]],
    );
    assert.deepEqual(errors, []);
  });

  test("a delegate sets rules inside their delegation and is refused outside it, in sentences", async () => {
    const delegate = await newPage(browser, server);
    delegate.context.setDefaultTimeout(20_000);
    await signInAs(delegate.context, "dana@x.test", DELEGATE_PASSWORD);
    // Dana's group, made under her delegation (the groups pages have their own tests).
    const me = await (await delegate.context.request.get("/api/v1/auth/me")).json();
    const made = await delegate.context.request.post("/api/v1/groups", {
      headers: { "x-csrf-token": me.csrfToken },
      data: { name: "Dana's team", userIds: [ids.bob] },
    });
    assert.equal(made.status(), 201, await made.text());
    const p = delegate.page;

    // Outside the delegation: Marketing.
    await p.goto(`/resources/${ids.marketing}`);
    await p.getByRole("heading", { name: "Marketing", level: 1 }).waitFor();
    await p.getByRole("button", { name: "Add rule" }).first().click();
    const dialog = p.getByRole("dialog", { name: "Add a rule on Marketing" });
    await dialog.getByRole("combobox", { name: "Group", exact: true }).click();
    await p.getByRole("option", { name: "Dana's team", exact: true }).click();
    await dialog.getByRole("combobox", { name: "Role", exact: true }).click();
    await p.getByRole("option", { name: "Reader", exact: true }).click();
    await dialog.getByRole("button", { name: "Add rule" }).click();
    await dialog
      .getByRole("alert")
      .filter({
        hasText:
          "This is outside what your delegation lets you administer. Some resources are outside your delegation.",
      })
      .waitFor();
    await screenshots(p, "resource-delegate-refusal", { fullPage: false });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    assert.equal((await rulesOf(ids.marketing!, "groups", "Dana's team")).length, 0);

    // Inside it: Finance, for her own group.
    await p.goto(`/resources/${ids.finance}`);
    await p.getByRole("heading", { name: "Finance", level: 1 }).waitFor();
    // The resource itself is an administrator's to edit: a delegate is not offered it.
    assert.equal(await p.getByRole("button", { name: "Edit", exact: true }).count(), 0);
    assert.equal(await p.getByRole("button", { name: "Delete", exact: true }).count(), 0);
    // Sales was not made under her delegation: removing its rule is refused, and it stays.
    await p.getByRole("button", { name: "Remove the rule of Sales" }).click();
    const removal = p.getByRole("dialog", { name: "Remove the rule of Sales?" });
    await removal.getByRole("button", { name: "Remove rule" }).click();
    await removal
      .getByRole("alert")
      .filter({
        hasText:
          "This is outside what your delegation lets you administer. Sales was not created under your delegation.",
      })
      .waitFor();
    await removal.getByRole("button", { name: "Cancel" }).click();
    assert.equal((await rulesOf(ids.finance!, "groups", "Sales")).length, 1);

    await p.getByRole("button", { name: "Add rule" }).first().click();
    const onFinance = p.getByRole("dialog", { name: "Add a rule on Finance" });
    await onFinance.getByRole("combobox", { name: "Group", exact: true }).click();
    await p.getByRole("option", { name: "Dana's team", exact: true }).click();
    await onFinance.getByRole("combobox", { name: "Role", exact: true }).click();
    await p.getByRole("option", { name: "Reader", exact: true }).click();
    await onFinance.getByRole("button", { name: "Add rule" }).click();
    await p.getByRole("status").filter({ hasText: "Dana's team now has Reader on Finance." }).waitFor();
    assert.deepEqual(
      (await rulesOf(ids.finance!, "groups", "Dana's team")).map((r) => r.role.name),
      ["Reader"],
    );

    // A rule for a user, even inside the scope, is not a delegate's to set.
    await p.getByRole("button", { name: "Add rule" }).first().click();
    await onFinance.getByText("A user", { exact: true }).click();
    await onFinance.getByLabel("User's email").fill("dana@x.test");
    await onFinance.getByRole("combobox", { name: "Role", exact: true }).click();
    await p.getByRole("option", { name: "Writer", exact: true }).click();
    await onFinance.getByRole("button", { name: "Add rule" }).click();
    await onFinance
      .getByRole("alert")
      .filter({
        hasText:
          "This is outside what your delegation lets you administer. A delegate sets rules only for groups.",
      })
      .waitFor();
    assert.equal((await rulesOf(ids.finance!, "users", "dana")).length, 0);
    assert.deepEqual(delegate.errors, []);
    await delegate.context.close();
  });
});

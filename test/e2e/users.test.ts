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
 * The users table and a user's page, driven like a person would: search,
 * filters, sort, keyset paging over more users than a page, invite, edit,
 * deactivate, remove, bulk group edits, the access path, and refusals
 * shown as sentences.
 */
describe("console: users", () => {
  let server: RosterServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const ids: Record<string, string> = {};
  const PASSWORD = "the admin's password";
  const PEOPLE = 60;
  const TOTAL = PEOPLE + 5; // the first administrator, alice, bob, ada, zoe

  const rows = () => page.locator("table tbody tr");
  const row = (text: string) => page.getByRole("row").filter({ hasText: text });
  const emailsShown = async () =>
    (await page.locator("table tbody tr td:nth-child(3)").allInnerTexts()).map((t) => t.trim());

  async function choose(label: string, option: string) {
    await page.getByRole("combobox", { name: label, exact: true }).click();
    await page.getByRole("option", { name: option, exact: true }).click();
  }

  async function openUsers(query = "") {
    await page.goto(`/users${query}`);
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await rows().first().waitFor();
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await setPassword(server, server.firstRunLink, PASSWORD);

    const post = (path: string, body: unknown) => server.ok("POST", path, body);
    ids.fin = (await post("/api/v1/resources", { type: "app", key: "finance", name: "Finance" })).resource.id;
    await post("/api/v1/resources", { type: "app", key: "marketing", name: "Marketing" });
    ids.orders = (
      await post("/api/v1/resources", { type: "dataset", key: "orders", name: "Orders" })
    ).resource.id;
    ids.analysts = (await post("/api/v1/groups", { name: "Analysts" })).group.id;
    ids.emea = (await post("/api/v1/groups", { name: "EMEA team", groupIds: [ids.analysts] })).group.id;
    ids.sales = (await post("/api/v1/groups", { name: "Sales" })).group.id;
    const grant = (role: string, resourceId: string) =>
      post("/api/v1/rules", {
        subject: { kind: "group", id: ids.emea },
        role: { role },
        scope: { kind: "resource", resourceId },
      });
    await grant("Writer", ids.fin!);
    await grant("Viewer", ids.orders!);
    await server.ok("PUT", "/api/v1/filters", {
      subject: { kind: "group", id: ids.emea },
      resourceId: ids.orders,
      expression: "region = {{user.region}}",
    });
    const { invite } = server;
    ids.alice = await invite({
      email: "alice@x.test",
      firstName: "Alice",
      lastName: "Martin",
      groupIds: [ids.analysts],
      attributes: { region: ["EMEA"] },
    });
    ids.bob = await invite({
      email: "bob@x.test",
      firstName: "Bob",
      lastName: "Stone",
      groupIds: [ids.emea],
    });
    ids.ada = await invite({ email: "ada@x.test", firstName: "Ada", lastName: "Lovelace", role: "admin" });
    ids.zoe = await invite({ email: "zoe@x.test", firstName: "Zoe", lastName: "Young" });
    for (let i = 1; i <= PEOPLE; i++) {
      const n = String(i).padStart(2, "0");
      await invite({ email: `person${n}@x.test`, firstName: "Person", lastName: `Number ${n}` });
    }
    // A check for Zoe makes her the most recently active (recorded in the background, within seconds).
    await post("/api/v1/access/check", {
      user: "zoe@x.test",
      resource: "finance",
      type: "app",
      capability: "view",
    });
    await eventually(async () => {
      const list = await server.ok("GET", "/api/v1/users?q=zoe");
      assert.ok(list.users[0].lastActiveAt, "zoe's activity is not recorded yet");
    }, 30_000);

    ({ context, page, errors } = await newPage(browser, server));
    await signInAs(context, ADMIN_EMAIL, PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the table pages through more users than a page, with keyset cursors", async () => {
    await openUsers();
    await page.getByText(`${TOTAL} users`, { exact: true }).waitFor();
    assert.equal(await rows().count(), 50);
    await page.getByText(`1–50 of ${TOTAL} users`).waitFor();
    const first = await emailsShown();
    await screenshots(page, "users");

    await page.getByRole("button", { name: "Next page" }).click();
    await page.getByText(`51–${TOTAL} of ${TOTAL} users`).waitFor();
    await eventually(async () => assert.equal(await rows().count(), TOTAL - 50));
    const second = await emailsShown();
    assert.equal(new Set([...first, ...second]).size, TOTAL, "every user once, on one page or the other");
    assert.equal(await page.getByRole("button", { name: "Next page" }).isDisabled(), true);

    await page.getByRole("button", { name: "Previous page" }).click();
    await page.getByText(`1–50 of ${TOTAL} users`).waitFor();
    assert.deepEqual(await emailsShown(), first);
    assert.deepEqual(errors, []);
  });

  test("search by name or email, filter by role and group, sort by recent activity; the back button keeps the filters", async () => {
    await openUsers();
    await page.getByLabel("Search").fill("zoe@");
    await page.waitForURL(/q=zoe%40/);
    await eventually(async () => assert.deepEqual(await emailsShown(), ["zoe@x.test"]));
    await page.getByLabel("Search").fill("martin ali");
    await eventually(async () => assert.deepEqual(await emailsShown(), ["alice@x.test"]));
    await page.getByLabel("Search").fill("nobody-like-this");
    await page.getByText("No user matches").waitFor();
    await page.getByRole("button", { name: "Clear the filters" }).click();
    await page.getByText(`1–50 of ${TOTAL} users`).waitFor();

    await choose("Organization role", "Administrator");
    await eventually(async () => assert.deepEqual(await emailsShown(), ["ada@x.test"]));
    await choose("Organization role", "Owner");
    await eventually(async () => assert.deepEqual(await emailsShown(), [ADMIN_EMAIL]));
    await page.getByRole("combobox", { name: "Organization role" }).hover();
    await page.goto("/users");

    // Members of EMEA team, directly (bob) or through Analysts nested in it (alice).
    await rows().first().waitFor();
    await choose("Group", "EMEA team");
    await page.waitForURL(/group=/);
    await eventually(async () =>
      assert.deepEqual((await emailsShown()).sort(), ["alice@x.test", "bob@x.test"]),
    );
    await choose("Sort by", "Recent activity");
    await page.waitForURL(/sort=recent/);
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.has("group") && !url.searchParams.has("sort"));
    await page.goBack();
    await page.waitForURL((url) => !url.search);
    await eventually(async () => assert.equal(await rows().count(), 50));
    await page.goForward();
    await eventually(async () =>
      assert.deepEqual((await emailsShown()).sort(), ["alice@x.test", "bob@x.test"]),
    );

    // Recent activity first: the administrator signed in a moment ago (a sign-in is activity), Zoe was checked before.
    await openUsers("?sort=recent");
    await eventually(async () =>
      assert.deepEqual((await emailsShown()).slice(0, 2), [ADMIN_EMAIL, "zoe@x.test"]),
    );
    assert.equal(
      await row("zoe@x.test")
        .getByText(/ago|just now/)
        .count(),
      1,
    );
    assert.deepEqual(errors, []);
  });

  test("invite a user with a role and groups; the table shows them at once", async () => {
    await openUsers();
    await page.getByRole("button", { name: "Invite user" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Invite a user" });
    await dialog.getByLabel("First name").fill("Ines");
    await dialog.getByLabel("Last name").fill("Garcia");
    await dialog.getByRole("button", { name: "Invite" }).click();
    await dialog.getByText("An email is required.").waitFor();
    await dialog.getByRole("textbox", { name: "Email" }).fill("ines@x.test");
    await dialog.getByRole("combobox", { name: "Organization role" }).click();
    await page.getByRole("option", { name: "Administrator" }).click();
    await dialog.getByRole("combobox", { name: "Groups" }).click();
    await page.getByRole("option", { name: "Sales" }).click();
    await dialog.getByRole("heading", { name: "Invite a user" }).click();
    await screenshots(page, "users-invite", { fullPage: false });
    await dialog.getByRole("button", { name: "Invite" }).click();
    await page
      .getByText("Invited ines@x.test. An email with a link to set their password is on its way.")
      .waitFor();
    await dialog.waitFor({ state: "hidden" });

    await page.getByLabel("Search").fill("ines");
    await eventually(async () => assert.deepEqual(await emailsShown(), ["ines@x.test"]));
    await row("ines@x.test").getByText("Administrator", { exact: true }).waitFor();
    await row("ines@x.test").getByText("Sales").waitFor();
    const outbox = await server.ok("GET", "/api/v1/notifications");
    assert.ok(
      outbox.notifications.some(
        (n: { to: string; subject: string }) =>
          n.to === "ines@x.test" && n.subject.startsWith("You are invited"),
      ),
    );

    // The same email again is refused with the server's sentence.
    await page.getByRole("button", { name: "Invite user" }).first().click();
    await dialog.getByRole("textbox", { name: "Email" }).fill("INES@x.test");
    await dialog.getByRole("button", { name: "Invite" }).click();
    await dialog.getByRole("alert").filter({ hasText: "is already a user of this organization" }).waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    assert.deepEqual(errors, []);
  });

  test("edit a user's names, role and attributes", async () => {
    await openUsers("?q=zoe");
    await page.getByRole("button", { name: "Actions for Zoe Young" }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit zoe@x.test" });
    await dialog.getByLabel("Last name").fill("Young-Smith");
    await dialog.getByRole("combobox", { name: "Organization role" }).click();
    await page.getByRole("option", { name: "Administrator" }).click();
    await dialog.getByLabel("Attributes").fill("region EMEA");
    await dialog.getByText('Line 1 is not "name: value, value"').waitFor();
    await dialog.getByLabel("Attributes").fill("region: EMEA, APAC");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "hidden" });
    await row("zoe@x.test").getByText("Zoe Young-Smith").waitFor();
    await row("zoe@x.test").getByText("Administrator", { exact: true }).waitFor();
    const zoe = await server.ok("GET", `/api/v1/users/${ids.zoe}`);
    assert.deepEqual(zoe.user.attributes, { region: ["EMEA", "APAC"] });
    assert.equal(zoe.user.role, "admin");
    assert.deepEqual(errors, []);
  });

  test("deactivate after a confirmation, then reactivate", async () => {
    await openUsers("?q=person01");
    await page.getByRole("button", { name: "Actions for Person Number 01" }).click();
    await page.getByRole("menuitem", { name: "Deactivate" }).click();
    const dialog = page.getByRole("dialog", { name: "Deactivate Person Number 01?" });
    await dialog.getByText("loses every access until reactivated").waitFor();
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await dialog.waitFor({ state: "hidden" });
    await row("person01@x.test").getByText("Deactivated").waitFor();

    await choose("Status", "Deactivated");
    await eventually(async () => assert.deepEqual(await emailsShown(), ["person01@x.test"]));
    await page.getByRole("button", { name: "Actions for Person Number 01" }).click();
    await page.getByRole("menuitem", { name: "Reactivate" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Reactivate" }).click();
    await page.getByText("No user matches").waitFor();
    const p = await server.ok("GET", "/api/v1/users?q=person01");
    assert.equal(p.users[0].status, "active");
    assert.deepEqual(errors, []);
  });

  test("remove from the organization only after a confirmation that names what goes", async () => {
    await openUsers("?q=person02");
    await page.getByRole("button", { name: "Actions for Person Number 02" }).click();
    await page.getByRole("menuitem", { name: "Remove from organization" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove Person Number 02 from My organization?" });
    await dialog.getByText("their own rules, data filters and delegations").waitFor();
    await screenshots(page, "users-remove", { fullPage: false });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal((await server.ok("GET", "/api/v1/users?q=person02")).total, 1, "cancel removes nothing");

    await page.getByRole("button", { name: "Actions for Person Number 02" }).click();
    await page.getByRole("menuitem", { name: "Remove from organization" }).click();
    await dialog.getByRole("button", { name: "Remove from organization" }).click();
    await page.getByText("No user matches").waitFor();
    assert.equal((await server.ok("GET", "/api/v1/users?q=person02")).total, 0);
    assert.deepEqual(errors, []);
  });

  test("select several users to add them to a group, then remove them from it", async () => {
    await openUsers("?q=person1");
    await eventually(async () => assert.equal(await rows().count(), 10));
    await page.getByRole("checkbox", { name: "Select Person Number 10" }).check();
    await page.getByRole("checkbox", { name: "Select Person Number 11" }).check();
    await page.getByText("2 users selected").waitFor();
    await page.getByRole("button", { name: "Add to groups" }).click();
    const dialog = page.getByRole("dialog", { name: "Groups of 2 users" });
    await dialog.getByRole("combobox", { name: "Groups" }).click();
    await page.getByRole("option", { name: "Sales" }).click();
    await dialog.getByRole("heading", { name: "Groups of 2 users" }).click();
    await dialog.getByText("Each of the 2 users joins every group chosen").waitFor();
    await dialog.getByRole("button", { name: "Add to groups" }).click();
    await page.getByText("Added 2 users to 1 group.").waitFor();
    await row("person10@x.test").getByText("Sales").waitFor();
    await row("person11@x.test").getByText("Sales").waitFor();
    const inSales = await server.ok("GET", `/api/v1/users?group=${ids.sales}&q=person1`);
    assert.deepEqual(inSales.users.map((u: { email: string }) => u.email).sort(), [
      "person10@x.test",
      "person11@x.test",
    ]);

    // Select every row of the page, then remove them all from Sales.
    await page.getByRole("checkbox", { name: "Select every row on this page" }).check();
    await page.getByText("10 users selected").waitFor();
    await page.getByRole("button", { name: "Remove from groups" }).click();
    await page.getByRole("dialog", { name: "Groups of 10 users" }).waitFor();
    await page.getByRole("dialog").getByRole("combobox", { name: "Groups" }).click();
    await page.getByRole("option", { name: "Sales" }).click();
    await page.getByRole("dialog").getByRole("heading", { name: "Groups of 10 users" }).click();
    await page.getByRole("dialog").getByText("leaves every group chosen").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Remove from groups" }).click();
    await page.getByText("Removed 10 users from 1 group.").waitFor();
    await eventually(async () => assert.equal(await row("person10@x.test").getByText("Sales").count(), 0));
    assert.equal((await server.ok("GET", `/api/v1/users?group=${ids.sales}&q=person1`)).total, 0);
    assert.deepEqual(errors, []);
  });

  test("a user's page: groups through nesting, access with the path that gives it, data filters, changes", async () => {
    await openUsers("?q=alice");
    await page.getByRole("link", { name: "Alice Martin" }).click();
    await page.waitForURL(`**/users/${ids.alice}`);
    await page.getByRole("heading", { name: "Alice Martin", level: 1 }).waitFor();
    const groups = page.getByRole("region", { name: "Groups" });
    await groups.getByRole("link", { name: "Analysts" }).waitFor();
    await groups.getByText("through Analysts").waitFor();
    await groups.getByRole("link", { name: "EMEA team" }).waitFor();

    const access = page.getByRole("region", { name: "Access" });
    await access.getByRole("row").filter({ hasText: "Finance" }).getByText("Writer").waitFor();
    assert.equal(
      await access.getByRole("row").filter({ hasText: "Marketing" }).count(),
      0,
      "no access to Marketing",
    );
    await access.getByRole("button", { name: "Why Alice Martin has Writer on Finance" }).click();
    const tree = access.getByRole("list", { name: "Why Alice Martin has access to Finance" });
    await tree.waitFor();
    // The path, box by box: Alice -> Analysts -> EMEA team -> Writer on Finance.
    const boxes = (await tree.locator("li > div").allInnerTexts()).map((t) => t.split("\n").filter(Boolean));
    assert.deepEqual(
      boxes.map(([kind, name]) => [kind?.toLowerCase(), name]),
      [
        ["user", "Alice Martin"],
        ["group", "Analysts"],
        ["group", "EMEA team"],
        ["gives", "Writer on Finance"],
      ],
    );
    await tree.getByText("a rule of EMEA team").waitFor();

    const filters = page.getByRole("region", { name: "Data filters" });
    await filters.getByText('"region" = $1').waitFor();
    await filters.getByText('$1 = "EMEA"').waitFor();
    await page.getByRole("region", { name: "Recent changes" }).getByText("Invited").waitFor();
    await screenshots(page, "user");

    // The administrator's page says why they hold everything.
    await page.goto(`/users?q=${encodeURIComponent(ADMIN_EMAIL)}`);
    await row(ADMIN_EMAIL).getByRole("link").click();
    await page.getByText("As owner, holds every capability on all 2 apps.").waitFor();
    await page.getByRole("button", { name: /^Why .* on Marketing$/ }).click();
    await page.getByText("owner of the organization").waitFor();
    await page.getByText("every capability, as an administrator").waitFor();

    // A user that does not exist (removed, or a mistyped link) is said so.
    await page.goto("/users/usr_does_not_exist");
    await page.getByText("That user does not exist in this organization").waitFor();
    assert.deepEqual(errors, []);
  });

  test("refusals are sentences: the last administrator can be neither removed nor deactivated", async () => {
    // Leave the first administrator as the only one: Ada, Zoe and Ines go back to members.
    const admins = await server.ok("GET", "/api/v1/users?role=admin");
    assert.deepEqual(admins.users.map((u: { email: string }) => u.email).sort(), [
      "ada@x.test",
      "ines@x.test",
      "zoe@x.test",
    ]);
    for (const user of admins.users)
      await server.ok("PUT", `/api/v1/users/${user.id}/role`, { role: "member" });
    const sentence =
      "This would leave the organization without an active administrator: make someone else an administrator first.";
    await openUsers(`?q=${encodeURIComponent(ADMIN_EMAIL)}`);
    await page.getByRole("button", { name: /^Actions for / }).click();
    await page.getByRole("menuitem", { name: "Deactivate" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
    await page.getByRole("dialog").getByRole("alert").filter({ hasText: sentence }).waitFor();
    await screenshots(page, "users-refusal", { fullPage: false });
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: /^Actions for / }).click();
    await page.getByRole("menuitem", { name: "Remove from organization" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove from organization" }).click();
    await page.getByRole("dialog").getByRole("alert").filter({ hasText: sentence }).waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    const admin = (await server.ok("GET", `/api/v1/users?q=${encodeURIComponent(ADMIN_EMAIL)}`)).users[0];
    assert.equal(admin.status, "active");
    assert.deepEqual(errors, []);
  });
});

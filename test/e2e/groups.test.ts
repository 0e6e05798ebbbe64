import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import {
  ADMIN_EMAIL,
  eventually,
  launchBrowser,
  newPage,
  OPERATOR_TOKEN,
  type RosterServer,
  screenshots,
  setPassword,
  signInAs,
  startServer,
} from "./support.ts";

/**
 * The groups table, creating and editing a group in three steps, the bulk
 * actions with their confirmations, a group's page, and the refusals a
 * person meets (Everyone's members, a cycle, the last administrator, a group
 * with members deleted without confirming, a custom group on the team
 * plan), driven like a person would.
 */
describe("console: groups", () => {
  let server: RosterServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const ids: Record<string, string> = {};
  const PASSWORD = "the admin's password";

  const groupRow = (name: string) =>
    page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });

  async function openGroups(query = "") {
    await page.goto(`/groups${query}`);
    await page.getByRole("heading", { name: "Groups", level: 1 }).waitFor();
    await page.locator("table tbody tr").first().waitFor();
  }

  async function openGroup(id: string, name: string) {
    await page.goto(`/groups/${id}`);
    await page.getByRole("heading", { name, level: 1 }).waitFor();
  }

  /** Picks an option of a Mantine Select or MultiSelect, typing first when it searches the server. */
  async function choose(scope: Page | Locator, label: string, option: string, type?: string) {
    const box = scope.getByRole("combobox", { name: label, exact: true });
    await box.click();
    if (type !== undefined) await box.fill(type);
    await page.getByRole("option", { name: option, exact: true }).click();
    // A multi-select keeps its list open: leave it as a person would, by clicking the title.
    await scope.getByRole("heading").first().click();
  }

  /** The cells of a group's row in the table, by column (the name without its badges). */
  async function cells(name: string): Promise<string[]> {
    const texts = (await groupRow(name).locator("td").allInnerTexts()).map((t) => t.trim());
    return texts.map((t, i) => (i === 1 ? t.split("\n")[0]! : t));
  }

  async function findGroup(name: string) {
    const list = await server.ok("GET", "/api/v1/groups");
    return list.groups.find((g: { name: string }) => g.name === name) as
      | { id: string; name: string; privileges: boolean; notify: string; users: number }
      | undefined;
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await setPassword(server, server.firstRunLink, PASSWORD);

    const post = (path: string, body: unknown) => server.ok("POST", path, body);
    const { resource } = server;
    ids.finance = await resource("app", "finance", "Finance");
    ids.marketing = await resource("app", "marketing", "Marketing");
    ids.hr = await resource("app", "hr", "HR");
    ids.shop = await resource("site", "shop", "Shop");
    ids.blog = await resource("site", "blog", "Blog");
    ids.orders = await resource("dataset", "orders", "Orders");

    const invite = (email: string, firstName: string, lastName: string) =>
      server.invite({ email, firstName, lastName });
    ids.alice = await invite("alice@x.test", "Alice", "Martin");
    ids.bob = await invite("bob@x.test", "Bob", "Stone");
    ids.cara = await invite("cara@x.test", "Cara", "Diaz");
    ids.dan = await invite("dan@x.test", "Dan", "Eriksen");

    ids.analysts = (await post("/api/v1/groups", { name: "Analysts", userIds: [ids.alice] })).group.id;
    ids.emea = (
      await post("/api/v1/groups", { name: "EMEA team", userIds: [ids.bob], groupIds: [ids.analysts] })
    ).group.id;
    ids.sales = (await post("/api/v1/groups", { name: "Sales", userIds: [ids.cara] })).group.id;
    ids.empty = (await post("/api/v1/groups", { name: "Old project" })).group.id;
    const rule = (group: string | undefined, role: string, scope: unknown) =>
      post("/api/v1/rules", { subject: { kind: "group", id: group }, role: { role }, scope });
    await rule(ids.emea, "Writer", { kind: "resource", resourceId: ids.finance });
    await rule(ids.emea, "Viewer", { kind: "resource", resourceId: ids.orders });
    await server.ok("PUT", "/api/v1/filters", {
      subject: { kind: "group", id: ids.emea },
      resourceId: ids.orders,
      expression: "region = {{user.region}}",
    });
    const groups = (await server.ok("GET", "/api/v1/groups")).groups as { id: string; system: string }[];
    ids.everyone = groups.find((g) => g.system === "everyone")!.id;
    ids.administrators = groups.find((g) => g.system === "administrators")!.id;
    ids.powerUsers = groups.find((g) => g.system === "power_users")!.id;
    await rule(ids.everyone, "Reader", { kind: "resource", resourceId: ids.marketing });
    await post(`/api/v1/groups/${ids.powerUsers}/members`, { groupIds: [ids.sales] });

    // Dan is delegated Marketing, and creates a group under his delegation.
    await post("/api/v1/delegations", {
      userId: ids.dan,
      scope: { kind: "resource", resourceId: ids.marketing },
    });
    const link = await post(`/api/v1/users/${ids.dan}/password-link`, { email: false });
    await setPassword(server, link.url, "dan's long password");
    const dan = await browser.newContext({ baseURL: server.url });
    const signedIn = await dan.request.post("/api/v1/auth/sign-in", {
      data: { email: "dan@x.test", password: "dan's long password" },
    });
    const { csrfToken } = await signedIn.json();
    const made = await dan.request.post("/api/v1/groups", {
      data: { name: "Marketing crew" },
      headers: { "x-csrf-token": csrfToken },
    });
    assert.equal(made.status(), 201, await made.text());
    await dan.close();

    ({ context, page, errors } = await newPage(browser, server));
    await signInAs(context, ADMIN_EMAIL, PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the table: name, role, users, sites, apps, delegation; search; export as CSV", async () => {
    await openGroups();
    await page.getByText("12 groups", { exact: true }).waitFor();
    // Name (with its badges), role, users, sites, apps, delegation, notifications.
    assert.deepEqual((await cells("EMEA team")).slice(1, 8), [
      "EMEA team",
      "Writer, Viewer",
      "2",
      "0",
      "1",
      "—",
      "None",
    ]);
    await groupRow("Administrators").getByText("System").waitFor();
    assert.deepEqual((await cells("Administrators")).slice(1, 7), [
      "Administrators",
      "Administrator",
      "1",
      "2",
      "3",
      "—",
    ]);
    assert.equal((await cells("Everyone"))[3], "5", "every active user");
    assert.equal((await cells("Marketing crew"))[6], "dan@x.test", "created under Dan's delegation");
    assert.equal((await cells("Power Users"))[2], "Power user", "its locked workspace role");
    await screenshots(page, "groups");

    await page.getByLabel("Search").fill("emea");
    await eventually(async () =>
      assert.deepEqual(await page.locator("table tbody tr td:nth-child(2) a").allInnerTexts(), ["EMEA team"]),
    );
    await page.waitForURL(/q=emea/);
    await page.getByText("1 matching group", { exact: true }).waitFor();
    await page.getByLabel("Search").fill("nothing like this");
    await page.getByText("No group matches").waitFor();
    await page.getByRole("button", { name: "Clear the search" }).click();
    await page.getByText("1–12 of 12 groups").waitFor();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^roster-groups-\d{4}-\d\d-\d\d\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    assert.match(header!, /^name,system,role,users,sites,apps/);
    assert.ok(
      lines.some((l) => l.startsWith("EMEA team,false,")),
      csv,
    );
    assert.equal(lines.length, 12);
    assert.deepEqual(errors, []);
  });

  test("create a group in three steps, with back and next", async () => {
    await openGroups();
    await page.getByRole("button", { name: "New group" }).first().click();
    const wizard = page.getByRole("dialog", { name: "New group" });
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByText("A group needs a name.").waitFor();
    await wizard.getByLabel("Name").fill("Finance team");
    await wizard.getByLabel("Description").fill("Everyone who closes the books");
    await choose(wizard, "Users", "Alice Martin (alice@x.test)", "ali");
    await choose(wizard, "Users", "Dan Eriksen (dan@x.test)", "eriks");
    await choose(wizard, "Groups", "Sales");
    await wizard.getByRole("heading", { name: "New group" }).click();
    await screenshots(page, "group-create-general", { fullPage: false });
    await wizard.getByRole("button", { name: "Next" }).click();

    // Privileges: Writer on Finance, and Analyst on all current and future sites.
    await wizard.getByRole("button", { name: "Add a privilege" }).click();
    await choose(wizard.getByRole("group", { name: "Privilege 1" }), "Apps", "Finance", "fin");
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByText("Choose a role.").waitFor();
    await choose(wizard.getByRole("group", { name: "Privilege 1" }), "Role", "Writer");
    await wizard.getByRole("button", { name: "Add a privilege" }).click();
    await choose(wizard.getByRole("group", { name: "Privilege 2" }), "Resource type", "Site");
    await choose(
      wizard.getByRole("group", { name: "Privilege 2" }),
      "Which sites",
      "All current and future sites",
    );
    await wizard.getByText("Every site, including those added later.").waitFor();
    await choose(wizard.getByRole("group", { name: "Privilege 2" }), "Role", "Analyst");
    await screenshots(page, "group-create-privileges", { fullPage: false });

    // Back keeps what was entered; Next again.
    await wizard.getByRole("button", { name: "Back" }).click();
    assert.equal(await wizard.getByLabel("Name").inputValue(), "Finance team");
    await wizard.getByRole("button", { name: "Next" }).click();
    assert.equal(
      await wizard
        .getByRole("group", { name: "Privilege 2" })
        .getByRole("combobox", { name: "Role" })
        .inputValue(),
      "Analyst",
    );
    await wizard.getByRole("button", { name: "Next" }).click();

    await wizard.getByRole("radio", { name: "By email" }).check();
    await wizard.getByText("2 privileges").waitFor();
    await wizard.getByText("Members: 2 users and 1 nested group").waitFor();
    await screenshots(page, "group-create-notifications", { fullPage: false });
    await wizard.getByRole("button", { name: "Create group" }).click();
    await page.getByText("Created Finance team with 2 privileges.").waitFor();
    await wizard.waitFor({ state: "hidden" });

    // Alice, Dan, and Cara through Sales; Writer on one app, Analyst on both sites.
    await eventually(async () =>
      assert.deepEqual((await cells("Finance team")).slice(2, 6), ["Writer, Analyst", "3", "2", "1"]),
    );
    assert.equal((await cells("Finance team"))[7], "Email");
    const made = await findGroup("Finance team");
    ids.financeTeam = made!.id;
    const detail = await server.ok("GET", `/api/v1/groups/${made!.id}`);
    assert.equal(detail.group.description, "Everyone who closes the books");
    assert.deepEqual(
      detail.rules.map((r: { role: { name: string }; resource: { name: string } | null; type: string }) =>
        [r.type, r.resource?.name ?? "*", r.role.name].join(" "),
      ),
      ["app Finance Writer", "site * Analyst"],
    );
    // One message per member, with what joining gives.
    const outbox = await server.ok("GET", "/api/v1/notifications");
    const toAlice = outbox.notifications.filter(
      (n: { to: string; body: string }) => n.to === "alice@x.test" && n.body.includes("Finance team"),
    );
    assert.equal(toAlice.length, 1);
    assert.match(toAlice[0].body, /You were added to Finance team, which gives .*Writer on Finance/);
    assert.deepEqual(errors, []);
  });

  test("create with all current and future users, skipping privileges", async () => {
    await openGroups();
    await page.getByRole("button", { name: "New group" }).first().click();
    const wizard = page.getByRole("dialog", { name: "New group" });
    await wizard.getByLabel("Name").fill("All staff");
    await wizard.getByRole("radio", { name: "All current and future users" }).check();
    await wizard.getByText("Every user of the organization, now and later, is a member").waitFor();
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByRole("button", { name: "Skip privileges" }).click();
    await wizard.getByText("No privileges", { exact: true }).waitFor();
    await wizard.getByRole("button", { name: "Create group" }).click();
    await page.getByText("Created All staff.").waitFor();
    await groupRow("All staff").getByText("All users").waitFor();
    assert.equal((await cells("All staff"))[3], "5");
    assert.deepEqual(errors, []);
  });

  test("edit a group through the same steps", async () => {
    await openGroup(ids.financeTeam!, "Finance team");
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const wizard = page.getByRole("dialog", { name: "Edit Finance team" });
    await wizard.getByLabel("Name").fill("Finance");
    // Dan leaves: remove his pill.
    await wizard
      .locator(".mantine-Pill-root", { hasText: "Dan Eriksen" })
      .locator(".mantine-Pill-remove")
      .click();
    await wizard.getByRole("button", { name: "Next" }).click();
    // Manager on Finance instead of Writer; no more sites.
    await choose(wizard.getByRole("group", { name: "Privilege 1" }), "Role", "Manager");
    await wizard.getByRole("button", { name: "Remove privilege 2" }).click();
    await screenshots(page, "group-edit-privileges", { fullPage: false });
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByRole("button", { name: "Save changes" }).click();
    await wizard.waitFor({ state: "hidden" });
    await page.getByRole("heading", { name: "Finance", level: 1 }).waitFor();
    const rules = page.getByRole("region", { name: "Rules" });
    await rules.getByRole("row").filter({ hasText: "Finance" }).getByText("Manager").waitFor();
    assert.equal(await rules.getByText("All current and future sites").count(), 0);
    const members = page.getByRole("region", { name: "Members" });
    await members.getByRole("row").filter({ hasText: "alice@x.test" }).waitFor();
    assert.equal(await members.getByRole("row").filter({ hasText: "dan@x.test" }).count(), 0);
    await page.getByRole("region", { name: "Sites and apps" }).getByText("0 sites").waitFor();
    assert.deepEqual(errors, []);
  });

  test("select several groups: privileges off and on, notifications, each naming who is affected", async () => {
    await openGroups();
    await page.getByRole("checkbox", { name: "Select Analysts" }).check();
    await page.getByRole("checkbox", { name: "Select EMEA team" }).check();
    await page.getByText("2 groups selected").waitFor();
    await page.getByRole("button", { name: "Turn privileges off" }).click();
    const confirm = page.getByRole("dialog", { name: "Turn off the privileges of 2 groups?" });
    // Alice is in Analysts (and so in EMEA team), Bob in EMEA team.
    await confirm.getByText("2 users lose what they give: Alice Martin, Bob Stone.").waitFor();
    await screenshots(page, "groups-privileges-off", { fullPage: false });
    await confirm.getByRole("button", { name: "Turn privileges off" }).click();
    await page.getByText("Privileges turned off for 2 groups: Analysts, EMEA team.").waitFor();
    await groupRow("EMEA team").getByText("Privileges off").waitFor();
    await groupRow("Analysts").getByText("Privileges off").waitFor();
    assert.equal((await findGroup("EMEA team"))?.privileges, false);

    await page.getByRole("checkbox", { name: "Select Analysts" }).check();
    await page.getByRole("checkbox", { name: "Select EMEA team" }).check();
    await page.getByRole("button", { name: "Turn privileges on" }).click();
    await page.getByRole("dialog").getByText("2 users get back what they give").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Turn privileges on" }).click();
    await page.getByText("Privileges turned on for 2 groups").waitFor();
    await eventually(async () =>
      assert.equal(await groupRow("EMEA team").getByText("Privileges off").count(), 0),
    );

    // The selection survives a search.
    await page.getByRole("checkbox", { name: "Select Sales" }).check();
    await page.getByLabel("Search").fill("every");
    await page.getByRole("checkbox", { name: "Select Everyone" }).check();
    await page.getByText("2 groups selected").waitFor();
    await page.getByRole("button", { name: "Notifications" }).click();
    const notify = page.getByRole("dialog", { name: "Notifications for 2 groups" });
    await notify.getByRole("radio", { name: "By email" }).check();
    await notify.getByRole("button", { name: "Save" }).click();
    await page.getByText("Members of Everyone, Sales are now notified by email.").waitFor();
    await page.getByLabel("Search").fill("");
    await groupRow("Sales").waitFor();
    // The table shows the saved setting once it has read the groups again.
    await eventually(async () => {
      assert.equal((await cells("Sales"))[7], "Email");
      assert.equal((await cells("Everyone"))[7], "Email");
    });
    assert.deepEqual(errors, []);
  });

  test("delete after a confirmation that names who loses access; a group with members needs its members removed too", async () => {
    await openGroups();
    await page.getByRole("checkbox", { name: "Select Old project" }).check();
    await page.getByRole("checkbox", { name: "Select All staff" }).check();
    await page.getByRole("checkbox", { name: "Select Everyone" }).check();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = page.getByRole("dialog", { name: "Delete 2 groups?" });
    await confirm.getByText("5 users lose what they give:").waitFor();
    await confirm.getByText("Left out, as system groups cannot be deleted: Everyone.").waitFor();
    await screenshots(page, "groups-delete", { fullPage: false });
    // Without removing the members, the server refuses: All staff holds every user.
    await confirm.getByRole("button", { name: "Delete groups" }).click();
    await confirm
      .getByRole("alert")
      .filter({
        hasText:
          "All staff still has members: remove them first, or confirm that its members are removed with it.",
      })
      .waitFor();
    assert.ok(await findGroup("Old project"), "nothing was deleted");
    await confirm.getByRole("checkbox", { name: /Also remove their members/ }).check();
    await confirm.getByRole("button", { name: "Delete groups" }).click();
    await page.getByText("Deleted 2 groups: All staff, Old project.").waitFor();
    await eventually(async () => assert.equal(await groupRow("All staff").count(), 0));
    assert.equal(await findGroup("All staff"), undefined);
    assert.equal(await findGroup("Old project"), undefined);

    // From a group's own page: Finance (Alice directly, Cara through Sales) goes with its members.
    await openGroup(ids.financeTeam!, "Finance");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const one = page.getByRole("dialog", { name: "Delete 1 group?" });
    await one.getByText("2 users lose what it gives: Cara Diaz, Alice Martin.").waitFor();
    await one
      .getByRole("checkbox", { name: /Also remove its members \(1 user and 1 nested group directly in it\)/ })
      .check();
    await one.getByRole("button", { name: "Delete group" }).click();
    await page.waitForURL((url) => url.pathname === "/groups");
    await page.getByRole("heading", { name: "Groups", level: 1 }).waitFor();
    await eventually(async () => assert.equal(await groupRow("Finance").count(), 0));
    assert.equal(await findGroup("Finance"), undefined);
    assert.deepEqual(errors, []);
  });

  test("a group's page: members with search to add and remove, rules, sites and apps, filters, inheritance", async () => {
    await openGroups("?q=emea");
    await page.getByRole("link", { name: "EMEA team", exact: true }).click();
    await page.waitForURL(`**/groups/${ids.emea}`);
    await page.getByRole("heading", { name: "EMEA team", level: 1 }).waitFor();
    const members = page.getByRole("region", { name: "Members" });
    await members.getByRole("row").filter({ hasText: "bob@x.test" }).getByText("Direct").waitFor();
    await members
      .getByRole("row")
      .filter({ hasText: "alice@x.test" })
      .getByText("Through a nested group")
      .waitFor();
    await members.getByRole("link", { name: "Analysts" }).waitFor();
    await members.getByLabel("Search members").fill("ali");
    await eventually(async () => assert.equal(await members.locator("tbody tr").count(), 1));
    await members.getByLabel("Search members").fill("");

    // Add Dan, then remove him after a confirmation.
    await choose(members, "Add users", "Dan Eriksen (dan@x.test)", "dan");
    await members.getByRole("button", { name: "Add members" }).click();
    await members.getByRole("row").filter({ hasText: "dan@x.test" }).getByText("Direct").waitFor();
    await members.getByRole("button", { name: "Remove Dan Eriksen from EMEA team" }).click();
    await page
      .getByRole("dialog", { name: "Remove Dan Eriksen from EMEA team?" })
      .getByRole("button", { name: "Remove" })
      .click();
    await eventually(async () =>
      assert.equal(await members.getByRole("row").filter({ hasText: "dan@x.test" }).count(), 0),
    );

    const rules = page.getByRole("region", { name: "Rules" });
    await rules.getByRole("row").filter({ hasText: "Finance" }).getByText("Writer").waitFor();
    await rules.getByRole("row").filter({ hasText: "Orders" }).getByText("Viewer").waitFor();
    await page.getByRole("region", { name: "Sites and apps" }).getByText("Finance (Writer)").waitFor();
    await page.getByRole("region", { name: "Data filters" }).getByText("region = {{user.region}}").waitFor();
    const inherited = page.getByRole("region", { name: "Inherited from system groups" });
    await inherited.getByText("every member is in Everyone, which gives Reader on Marketing.").waitFor();
    await screenshots(page, "group");

    // Sales is nested in Power Users: it inherits the locked workspace role, and shows the path.
    await openGroup(ids.sales!, "Sales");
    const salesInherited = page.getByRole("region", { name: "Inherited from system groups" });
    await salesInherited.getByText("gives Power user on All current and future workspaces.").waitFor();
    await salesInherited.getByText("Through Sales → Power Users").waitFor();
    await page
      .getByRole("region", { name: "Nested in" })
      .getByRole("link", { name: "Power Users" })
      .waitFor();

    // A group that does not exist (deleted, or a mistyped link) is said so.
    await page.goto("/groups/grp_does_not_exist");
    await page.getByText("That group does not exist in this organization").waitFor();
    assert.deepEqual(errors, []);
  });

  test("system groups say why they cannot be edited the usual way", async () => {
    await openGroup(ids.everyone!, "Everyone");
    await page.getByRole("note").getByText("Everyone is a system group").waitFor();
    await page
      .getByText("Every user of the organization is a member: members cannot be added or removed.")
      .waitFor();
    assert.equal(await page.getByRole("button", { name: "Edit", exact: true }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "Delete", exact: true }).count(), 0);
    await screenshots(page, "group-everyone");

    await openGroup(ids.powerUsers!, "Power Users");
    await page
      .getByRole("note")
      .getByText(/carries a locked rule/)
      .waitFor();
    await page.getByRole("region", { name: "Rules" }).getByText("Locked").waitFor();
    assert.deepEqual(errors, []);
  });

  test("refusals are sentences: Everyone's members, a cycle, the last administrator", async () => {
    // Nesting Analysts in Everyone would change Everyone's members.
    await openGroup(ids.analysts!, "Analysts");
    const nesting = page.getByRole("region", { name: "Nested in" });
    await choose(nesting, "Nest in another group", "Everyone");
    await nesting.getByRole("button", { name: "Nest" }).click();
    await nesting
      .getByRole("alert")
      .filter({ hasText: "Everyone always holds every user: its members cannot be added or removed." })
      .waitFor();

    // Analysts is inside EMEA team: EMEA team cannot go inside Analysts.
    const members = page.getByRole("region", { name: "Members" });
    await choose(members, "Add groups", "EMEA team");
    await members.getByRole("heading", { name: "Members" }).click();
    await members.getByRole("button", { name: "Add members" }).click();
    await members
      .getByRole("alert")
      .filter({ hasText: "EMEA team cannot be nested in Analysts: Analysts is already inside it." })
      .waitFor();
    await screenshots(page, "group-refusal");
    const analysts = await server.ok("GET", `/api/v1/groups/${ids.analysts}`);
    assert.deepEqual(analysts.members.groups, [], "nothing was nested");
    assert.deepEqual(
      analysts.parents.map((p: { name: string }) => p.name),
      ["EMEA team"],
    );

    // The only administrator cannot leave Administrators.
    await openGroup(ids.administrators!, "Administrators");
    await page.getByRole("note").getByText("The last active administrator can never leave it").waitFor();
    const admins = page.getByRole("region", { name: "Members" });
    await admins.getByRole("button", { name: /^Remove .* from Administrators$/ }).click();
    const confirm = page.getByRole("dialog", { name: /^Remove .* from Administrators\?$/ });
    await confirm.getByText("stops being an administrator of the organization").waitFor();
    await confirm.getByRole("button", { name: "Remove" }).click();
    await confirm
      .getByRole("alert")
      .filter({
        hasText:
          "This would leave the organization without an active administrator: make someone else an administrator first.",
      })
      .waitFor();
    await screenshots(page, "group-administrators", { fullPage: false });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    assert.equal((await server.ok("GET", `/api/v1/users?role=owner`)).total, 1);
    assert.deepEqual(errors, []);
  });

  test("a custom group on the team plan is refused with a sentence", async () => {
    const team = await server.ok(
      "POST",
      "/api/v1/organizations",
      { name: "Northwind", slug: "northwind", plan: "team", admin: { email: "boss@northwind.test" } },
      OPERATOR_TOKEN,
    );
    const link = await server.ok(
      "POST",
      `/api/v1/users/${team.admin.id}/password-link`,
      { email: false },
      team.token,
    );
    await setPassword(server, link.url, "northwind's long password");
    const other = await newPage(browser, server);
    await signInAs(other.context, "boss@northwind.test", "northwind's long password");
    const p = other.page;
    await p.goto("/groups");
    await p.getByRole("heading", { name: "Groups", level: 1 }).waitFor();
    await p.getByRole("link", { name: "Everyone", exact: true }).waitFor();
    await p.getByRole("button", { name: "New group" }).first().click();
    const wizard = p.getByRole("dialog", { name: "New group" });
    await wizard.getByLabel("Name").fill("Custom");
    await wizard.getByRole("button", { name: "Next" }).click();
    await wizard.getByRole("button", { name: "Skip privileges" }).click();
    await wizard.getByRole("button", { name: "Create group" }).click();
    await wizard
      .getByRole("alert")
      .filter({ hasText: "Custom groups need the enterprise plan; Northwind is on team." })
      .waitFor();
    await screenshots(p, "group-create-refused", { fullPage: false });
    const groups = await server.ok("GET", "/api/v1/groups", undefined, team.token);
    assert.equal(groups.groups.filter((g: { system: string | null }) => g.system === null).length, 0);
    assert.deepEqual(other.errors, []);
    await other.context.close();
  });
});

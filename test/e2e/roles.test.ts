import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  ADMIN_EMAIL,
  launchBrowser,
  newPage,
  type RosterServer,
  screenshots,
  setPassword,
  signInAs,
  startServer,
} from "./support.ts";

/**
 * The roles page, driven like a person would: the capabilities of each type
 * with what they need and which role holds them; building a custom role
 * (ticking one ticks what it needs, unticking a needed one unticks what
 * needs it, and the page says when the selection is a named role); the
 * refusal of a role that misses a dependency when the page does not tick it;
 * renaming and deleting custom roles, and the refusal to delete one in use.
 */
describe("console: roles", () => {
  let server: RosterServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const ids: Record<string, string> = {};
  const PASSWORD = "the admin's password";

  /** The custom roles of a type, from the API, as [name, capabilities]. */
  async function customRoles(type: string): Promise<[string, string[]][]> {
    const { resourceTypes } = await server.ok("GET", "/api/v1/resource-types");
    const t = resourceTypes.find((x: { key: string }) => x.key === type);
    return t.roles
      .filter((r: { builtin: boolean }) => !r.builtin)
      .map((r: { name: string; capabilities: string[] }) => [r.name, r.capabilities]);
  }

  const box = (dialog: ReturnType<Page["getByRole"]>, label: string) =>
    dialog.getByRole("checkbox", { name: label, exact: true });

  async function ticked(dialog: ReturnType<Page["getByRole"]>): Promise<string[]> {
    const out: string[] = [];
    for (const label of [
      "Read data",
      "Explore data",
      "Handle data",
      "Set up tagging",
      "Manage data flows",
      "Configure solution",
    ]) {
      if (await box(dialog, label).isChecked()) out.push(label);
    }
    return out;
  }

  async function openSites() {
    await page.goto("/roles?type=site");
    await page.getByRole("heading", { name: "Roles", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Capabilities of sites" }).waitFor();
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await setPassword(server, server.firstRunLink, PASSWORD);
    ids.site = (
      await server.ok("POST", "/api/v1/resources", { type: "site", key: "shop", name: "Shop" })
    ).resource.id;
    ids.group = (await server.ok("POST", "/api/v1/groups", { name: "Tagging team" })).group.id;
    ({ context, page, errors } = await newPage(browser, server));
    // The machine is shared: give a slow answer more time than support's 10 s.
    context.setDefaultTimeout(20_000);
    await signInAs(context, ADMIN_EMAIL, PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("each type's capabilities, what each needs, and which role holds which", async () => {
    await page.goto("/roles");
    await page.getByRole("heading", { name: "Roles", level: 1 }).waitFor();
    const matrix = page.getByRole("region", { name: "Capabilities of apps" });
    await matrix.getByRole("columnheader", { name: "Manager" }).waitFor();
    await matrix.getByText("Manager has Manage").waitFor();
    await matrix.getByText("Reader does not have Edit").waitFor();
    await screenshots(page, "roles");

    await page.getByText("Sites", { exact: true }).click();
    await page.waitForURL(/type=site/);
    const sites = page.getByRole("region", { name: "Capabilities of sites" });
    const needs = async (capability: string) =>
      (
        await sites
          .locator("tbody tr")
          .filter({ has: page.locator("td:first-child", { hasText: capability }) })
          .locator("td")
          .nth(1)
          .innerText()
      ).trim();
    assert.equal(await needs("Explore data"), "Read data");
    assert.equal(await needs("Handle data"), "Explore data");
    assert.equal(await needs("Read data"), "—");
    await sites.getByText("Analyst has Handle data", { exact: true }).waitFor();
    await sites.getByText("Business user does not have Handle data").waitFor();
    await page
      .getByRole("region", { name: "Custom roles" })
      .getByText("No custom role for sites yet.")
      .waitFor();
    assert.deepEqual(errors, []);
  });

  test("ticking a capability ticks what it needs, unticking one unticks what needs it; the page says when it is a named role", async () => {
    await openSites();
    await page.getByRole("button", { name: "New custom role" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New custom role of sites" });
    await box(dialog, "Handle data").check();
    assert.deepEqual(await ticked(dialog), ["Read data", "Explore data", "Handle data"]);
    await dialog.getByText("Also ticked Read data and Explore data, which Handle data needs.").waitFor();
    await dialog.getByText("This is Analyst").waitFor();
    await screenshots(page, "roles-new", { fullPage: false });

    await box(dialog, "Read data").uncheck();
    assert.deepEqual(await ticked(dialog), []);
    await dialog.getByText("Also unticked Explore data and Handle data, which need Read data.").waitFor();

    await box(dialog, "Set up tagging").check();
    await box(dialog, "Read data").check();
    assert.deepEqual(await ticked(dialog), ["Read data", "Set up tagging"]);
    await dialog.getByText("A custom role with 2 capabilities: no named role has exactly these.").waitFor();
    await dialog.getByRole("button", { name: "Create role" }).click();
    await dialog.getByText("A role needs a name.").waitFor();
    await dialog.getByLabel("Name").fill("Tagger");
    await dialog.getByRole("button", { name: "Create role" }).click();
    await page.getByRole("status").filter({ hasText: "Created the custom role Tagger." }).waitFor();
    const custom = page.getByRole("region", { name: "Custom roles" });
    await custom
      .getByRole("row")
      .filter({ hasText: "Tagger" })
      .getByText("Read data, Set up tagging")
      .waitFor();
    assert.deepEqual(await customRoles("site"), [["Tagger", ["read_data", "setup_tagging"]]]);

    // The same set as a named role is said to be it, before and after saving.
    await page.getByRole("button", { name: "New custom role" }).first().click();
    await dialog.getByLabel("Name").fill("Deep explorer");
    await box(dialog, "Handle data").check();
    await dialog.getByText("This is Analyst").waitFor();
    await dialog.getByRole("button", { name: "Create role" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Created the custom role Deep explorer. This is Analyst" })
      .waitFor();
    await custom.getByRole("row").filter({ hasText: "Deep explorer" }).getByText("Analyst").waitFor();
    // The new roles are columns of the table of capabilities.
    await page
      .getByRole("region", { name: "Capabilities of sites" })
      .getByText("Tagger has Set up tagging")
      .waitFor();
    assert.deepEqual(errors, []);
  });

  test("a role missing what a capability needs is refused, in a sentence, when the page does not tick it", async () => {
    await openSites();
    await page.getByRole("button", { name: "New custom role" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New custom role of sites" });
    await dialog.getByLabel("Name").fill("Explorer without reading");
    await dialog.getByRole("switch", { name: "Tick what each capability needs" }).uncheck();
    await box(dialog, "Explore data").check();
    assert.deepEqual(await ticked(dialog), ["Explore data"]);
    // The server's refusal, in the catalog's words, before and after trying to create it.
    const refusal = "Explore data cannot be granted without Read data.";
    await dialog.getByRole("alert").filter({ hasText: refusal }).waitFor();
    const answer = page.waitForResponse(
      (r) => r.url().endsWith("/api/v1/roles") && r.request().method() === "POST",
    );
    await dialog.getByRole("button", { name: "Create role" }).click();
    assert.equal((await answer).status(), 400);
    await dialog.getByRole("alert").filter({ hasText: refusal }).waitFor();
    assert.equal(await dialog.getByRole("alert").count(), 1, "one sentence, not the same one twice");
    await screenshots(page, "roles-refusal", { fullPage: false });
    assert.deepEqual(
      (await customRoles("site")).map(([name]) => name),
      ["Tagger", "Deep explorer"],
      "nothing was created",
    );

    // The refusal offers what is missing; with it, the role is created.
    await dialog.getByRole("button", { name: "Tick Read data too" }).click();
    assert.deepEqual(await ticked(dialog), ["Read data", "Explore data"]);
    await dialog.getByText("This is Business user").waitFor();
    await dialog.getByLabel("Name").fill("Explorer");
    await dialog.getByRole("button", { name: "Create role" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Created the custom role Explorer. This is Business user" })
      .waitFor();
    assert.deepEqual(errors, []);
  });

  test("rename a custom role; one that rules use cannot be deleted; an unused one can", async () => {
    await openSites();
    const custom = page.getByRole("region", { name: "Custom roles" });
    await custom.getByRole("button", { name: "Edit Tagger" }).click();
    const edit = page.getByRole("dialog", { name: "Edit Tagger" });
    assert.deepEqual(await ticked(edit), ["Read data", "Set up tagging"]);
    await edit.getByLabel("Name").fill("Site tagger");
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved the custom role Site tagger." }).waitFor();
    await custom.getByRole("row").filter({ hasText: "Site tagger" }).waitFor();
    assert.deepEqual(
      (await customRoles("site")).map(([name]) => name),
      ["Site tagger", "Deep explorer", "Explorer"],
    );

    // A rule gives Site tagger: deleting it is refused with the server's sentence.
    await server.ok("POST", "/api/v1/rules", {
      subject: { kind: "group", id: ids.group },
      role: { role: "Site tagger" },
      scope: { kind: "resource", resourceId: ids.site },
    });
    await custom.getByRole("button", { name: "Delete Site tagger" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete the custom role Site tagger?" });
    await confirm.getByRole("button", { name: "Delete role" }).click();
    await confirm
      .getByRole("alert")
      .filter({ hasText: "Site tagger is used by rules: change them first." })
      .waitFor();
    await confirm.getByRole("button", { name: "Cancel" }).click();
    assert.ok((await customRoles("site")).some(([name]) => name === "Site tagger"));

    await custom.getByRole("button", { name: "Delete Deep explorer" }).click();
    await page
      .getByRole("dialog", { name: "Delete the custom role Deep explorer?" })
      .getByRole("button", { name: "Delete role" })
      .click();
    await page.getByRole("status").filter({ hasText: "Deleted the custom role Deep explorer." }).waitFor();
    await custom.getByRole("row").filter({ hasText: "Deep explorer" }).waitFor({ state: "detached" });
    assert.deepEqual(
      (await customRoles("site")).map(([name]) => name),
      ["Site tagger", "Explorer"],
    );

    // A custom role is offered on a site's permissions page, in its role filter too.
    await page.goto(`/resources/${ids.site}`);
    await page.getByRole("row").filter({ hasText: "Tagging team" }).getByText("Site tagger").waitFor();
    assert.deepEqual(errors, []);
  });
});

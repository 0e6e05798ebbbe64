import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseCsv } from "../../src/cli/csv.ts";
import { openStore } from "../../src/store/index.ts";
import { startApi } from "../support/http.ts";

/**
 * The real `roster` command, spawned as a user runs it, on one temporary data
 * folder shared by the tests of this file (a fresh PGlite folder costs an
 * initdb of several seconds). The tests run in order: migrate, demo, then
 * reads of the demo.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));

type Run = { code: number | null; stdout: string; stderr: string };

function run(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base = { ...process.env };
  // The CLI reads these; the tests choose the backend explicitly.
  delete base.DATABASE_URL;
  delete base.ROSTER_DATA_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/roster.js", ...args], {
      cwd: root,
      env: { ...base, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const CAMILLE = "camille.durand@acme.example";
const DANIEL = "daniel.anderson@acme.example";

describe("the roster command line, on a PGlite data folder", () => {
  let dir = "";
  let dataDir = "";
  const roster = (...args: string[]) => run(["--data-dir", dataDir, ...args]);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "roster-cli-"));
    dataDir = join(dir, "data");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a command other than migrate or demo refuses a folder with no database, and creates none", async () => {
    const r = await roster("orgs");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: no Roster database in .*: run "roster migrate" or "roster demo" first/);
  });

  test("migrate creates the database and says where and how far", async () => {
    const r = await roster("migrate");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`backend: +PGlite folder ${dataDir.replaceAll("/", "\\/")}`));
    assert.match(r.stdout, /migrations: +(\d+) of \1 applied/);
    assert.match(r.stdout, /up to date/);
  });

  test("demo builds Acme Retail and prints its admin; a second demo with the same slug is refused", async () => {
    const r = await roster("demo");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Created Acme Retail \(slug demo, enterprise plan/);
    assert.match(r.stdout, /admin \(owner\): +olivia\.martin@acme\.example/);
    assert.match(r.stdout, /deactivated: +henry\.jackson@acme\.example/);
    assert.match(r.stdout, /^ {2}roster check camille/m, "alone in the folder, the tour needs no --org");
    const again = await roster("demo");
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /^error: An organization with the slug "demo" exists already .*\(organization\.slug_taken\)\n$/,
    );
  });

  test("orgs lists the demo", async () => {
    const r = await roster("orgs");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^SLUG +NAME +PLAN +USERS +GROUPS +ID\n/);
    assert.match(r.stdout, /\ndemo +Acme Retail +enterprise +30 +19 +org_/);
  });

  test("check exits 0 when allowed, 1 when denied, 2 on an error", async () => {
    const allowed = await roster("check", CAMILLE, "sales-dashboard", "view", "--type", "app");
    assert.deepEqual(
      [allowed.code, allowed.stdout],
      [0, `allowed: ${CAMILLE} has view on app "Sales Dashboard" (sales-dashboard)\n`],
      allowed.stderr,
    );
    // Contractors' rules are kept, but the group's privileges are off.
    const denied = await roster("--org", "demo", "check", DANIEL, "supply-chain", "view", "--json");
    assert.equal(denied.code, 1, denied.stderr);
    const answer = JSON.parse(denied.stdout);
    assert.deepEqual(
      [answer.allowed, answer.user.email, answer.resource.key],
      [false, DANIEL, "supply-chain"],
    );
    const unknown = await roster("check", "nobody@acme.example", "sales-dashboard", "fly");
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /^error: No user "nobody@acme\.example" in Acme Retail.*\(user\.not_found\)\n$/,
    );
  });

  test("explain draws each path; access gives the role and, on a dataset, the filter and its SQL", async () => {
    const explain = await roster("explain", CAMILLE, "sales-dashboard", "--type", "app");
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /: Reader \(view\)\n/);
    assert.ok(
      explain.stdout.includes(
        `  ${CAMILLE} -> Sales France -> Sales EMEA -> Sales: Reader on Sales Dashboard\n`,
      ),
      explain.stdout,
    );
    const access = await roster("access", CAMILLE, "orders", "--type", "dataset");
    assert.equal(access.code, 0, access.stderr);
    assert.match(access.stdout, /role: +Viewer\n/);
    assert.match(access.stdout, /data filter: +region = EMEA\n/);
    assert.match(access.stdout, /SQL: +"region" = \$1 +-- params: \["EMEA"\]/);
  });

  test("--help of every subcommand describes its options", async () => {
    const expected: Record<string, string[]> = {
      "": ["--data-dir", "--database-url", "--org", "ROSTER_DATA_DIR", "DATABASE_URL", "Exit status"],
      migrate: ["Examples:"],
      demo: ["--slug", "Examples:"],
      orgs: ["--json", "Examples:"],
      check: [
        "<user>",
        "<resource>",
        "<capability>",
        "--type",
        "--json",
        "Exit status: 0 when allowed, 1 when denied, 2",
      ],
      access: ["--type", "--json", "data filter", "Examples:"],
      explain: ["--type", "--limit", "--json", "->", "Examples:"],
      export: [
        "groups",
        "users",
        "rules",
        "audit",
        "--format",
        "--out",
        "--actor",
        "--target",
        "--action",
        "--from",
        "--to",
      ],
    };
    // No store is opened for help, so these may run side by side.
    const results = await Promise.all(
      Object.keys(expected).map((name) => run(name ? [name, "--help"] : ["--help"])),
    );
    for (const [i, [name, words]] of Object.entries(expected).entries()) {
      const r = results[i]!;
      assert.equal(r.code, 0, `${name} --help: ${r.stderr}`);
      for (const w of words) assert.ok(r.stdout.includes(w), `roster ${name} --help mentions ${w}`);
    }
  });

  test("a data folder held by another process (a running server) is refused with its pid, exit 2", async () => {
    const held = await openStore({ dataDir });
    try {
      const r = await roster("check", CAMILLE, "sales-dashboard", "view", "--type", "app");
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(
        r.stderr,
        new RegExp(`^error: The data folder .* is in use by .*\\(pid ${process.pid} on `),
      );
      assert.match(r.stderr, /\(store\.locked\)\n$/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    } finally {
      await held.close();
    }
  });

  test("once the folder is free again: export users --format csv starts with the header", async () => {
    const users = await roster("export", "users", "--format", "csv");
    assert.equal(users.code, 0, users.stderr);
    assert.ok(
      users.stdout.startsWith(
        "email,firstName,lastName,status,role,groups,externalId,attributes,createdAt,lastActiveAt\r\n",
      ),
    );
    const rows = parseCsv(users.stdout);
    assert.equal(rows.length, 31, "a header and 30 users");
    assert.ok(rows.some((r) => r[0] === "henry.jackson@acme.example" && r[3] === "deactivated"));
    assert.ok(rows.some((r) => r[0] === "olivia.martin@acme.example" && r[4] === "owner"));
  });

  test("import: a file with problems exits 2, in a dry run too, and a file it cannot read says so with a code", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(
      bad,
      "email,firstName,lastName,role\nnew.one@acme.example,New,One,member\nbad-email,X,Y,member\n",
    );
    for (const dry of [["--dry-run"], []]) {
      const r = await roster("import", bad, ...dry);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /problem: users\[1\]: "bad-email" is not an email address\./);
    }
    const users = await roster("export", "users", "--format", "csv");
    assert.doesNotMatch(users.stdout, /new\.one@acme\.example/, "nothing was written");
    const missing = await roster("import", join(dir, "missing.csv"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: cannot read .*missing\.csv: ENOENT.* \(request\.invalid\)\n$/);
    writeFileSync(join(dir, "broken.json"), '{"users": [');
    const broken = await roster("import", join(dir, "broken.json"));
    assert.match(broken.stderr, /^error: .*broken\.json is not valid JSON: .* \(request\.invalid\)\n$/);
  });

  test("token and password-link make what a lost first-start text held: a working token, a one-time link", async () => {
    const made = await roster("token", "recovery", "--scopes", "admin");
    assert.equal(made.code, 0, made.stderr);
    const token = made.stdout.trim();
    assert.match(token, /^rst_\S+$/);
    const badScope = await roster("token", "x", "--scopes", "root");
    assert.equal(badScope.code, 2);
    assert.match(badScope.stderr, /Scopes are some of admin, check, scim/);
    const link = await roster(
      "password-link",
      "OLIVIA.MARTIN@acme.example",
      "--url",
      "https://roster.example.com/",
    );
    assert.equal(link.code, 0, link.stderr);
    assert.match(link.stdout, /^https:\/\/roster\.example\.com\/set-password#token=\S+\n$/);
    const unknown = await roster("password-link", "nobody@acme.example");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: no user nobody@acme\.example in demo \(user\.not_found\)\n$/);
    // The token works against the API.
    const store = await openStore({ dataDir });
    const api = await startApi(store);
    try {
      const tokens = await api.call(token, "GET", "/api/v1/tokens");
      assert.equal(tokens.status, 200, tokens.text);
      assert.ok(tokens.body.tokens.some((t: { name: string }) => t.name === "recovery"));
    } finally {
      await api.close();
      await store.close();
    }
  });

  test("beside another organization, the demo's tour names its own with --org, and its commands work", async () => {
    const r = await roster("demo", "--slug", "demo-2");
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.split("\n").find((l) => l.includes("roster --org demo-2 check"));
    assert.ok(line, r.stdout);
    const tried = await roster(...line.trim().split(/\s+/).slice(1));
    assert.equal(tried.code, 0, tried.stderr);
  });
});

describe("the roster command line, on PostgreSQL", () => {
  const url = process.env.DATABASE_URL;
  test("migrate, demo under a new slug, and a check in that organization", {
    skip: !url && "DATABASE_URL is not set",
  }, async () => {
    const slug = `demo-${randomUUID().slice(0, 8)}`;
    const migrate = await run(["migrate"], { DATABASE_URL: url });
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.match(migrate.stdout, /backend: +PostgreSQL postgres:/);
    const demo = await run(["--database-url", url!, "demo", "--slug", slug]);
    assert.equal(demo.code, 0, demo.stderr);
    assert.ok(demo.stdout.includes(`roster --org ${slug} check`), "the tour names the organization");
    const [allowed, denied] = await Promise.all([
      run(["--org", slug, "check", CAMILLE, "sales-dashboard", "view", "--type", "app"], {
        DATABASE_URL: url,
      }),
      run(["--org", slug, "check", DANIEL, "supply-chain", "view", "--type", "app"], { DATABASE_URL: url }),
    ]);
    assert.deepEqual([allowed.code, denied.code], [0, 1], allowed.stderr + denied.stderr);
  });
});

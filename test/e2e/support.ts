import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/**
 * End-to-end tests drive the console in Debian's Chromium (never a browser
 * download) against a real `roster serve` on PGlite, one server and one
 * browser per test file, seeded through the HTTP API with the first run's
 * admin token.
 */

const ROOT = new URL("../..", import.meta.url).pathname;
const DIST = join(ROOT, "dist", "web");
const CONSOLE = join(DIST, "index.html");
export const ARTIFACTS = join(ROOT, "test-artifacts", "screenshots");

export const BOOTSTRAP_TOKEN = "e2e-bootstrap-token-0123456789";
export const OPERATOR_TOKEN = "e2e-operator-token-0123456789";
export const ADMIN_EMAIL = "admin@example.com";

// ---- the console's build ---------------------------------------------------------------

function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    latest = Math.max(latest, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }
  return latest;
}

/**
 * Builds the console when dist/web is missing or older than web/ (so running
 * one test file after an edit tests the edit). `npm test` builds first; test
 * files running side by side take turns through a lock folder.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const fresh = () => existsSync(CONSOLE) && statSync(CONSOLE).mtimeMs >= newest(join(ROOT, "web"));
  const lock = join(ROOT, "node_modules", ".cache", "roster-console-build.lock");
  mkdirSync(join(lock, ".."), { recursive: true });
  for (let waited = 0; !fresh(); waited += 250) {
    try {
      mkdirSync(lock);
    } catch {
      assert.ok(waited < 180_000, "another test file has been building the console for 3 minutes");
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      if (!fresh()) {
        // Built aside, then swapped in: the server of another test run keeps finding its files.
        const aside = `${DIST}.building-${process.pid}`;
        const built = spawnSync(
          process.execPath,
          [
            join(ROOT, "node_modules", "vite", "bin", "vite.js"),
            "build",
            "web",
            "--outDir",
            aside,
            "--emptyOutDir",
          ],
          { cwd: ROOT, encoding: "utf8" },
        );
        assert.equal(built.status, 0, `vite build failed:\n${built.stdout}\n${built.stderr}`);
        const old = `${DIST}.old-${process.pid}`;
        if (existsSync(DIST)) renameSync(DIST, old);
        renameSync(aside, DIST);
        rmSync(old, { recursive: true, force: true });
      }
    } finally {
      rmdirSync(lock);
    }
  }
}

// ---- the server ----------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

// biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field
export type ApiResponse = { status: number; body: any };

export type RosterServer = {
  readonly url: string;
  /** The one-time link the first start printed to set the administrator's password. */
  readonly firstRunLink: string;
  /** A call with the first run's admin token (or another token); JSON in and out. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<ApiResponse>;
  /** The same, failing the test unless the answer is a success. */
  // biome-ignore lint/suspicious/noExplicitAny: API answers are read field by field
  ok(method: string, path: string, body?: unknown, token?: string): Promise<any>;
  /** Seeding through the admin API: a resource, a user, a group; each answers the new id. */
  resource(type: string, key: string, name: string): Promise<string>;
  invite(user: {
    email: string;
    firstName?: string;
    lastName?: string;
    [more: string]: unknown;
  }): Promise<string>;
  group(name: string, userIds?: string[]): Promise<string>;
  stop(): Promise<void>;
};

/** `roster serve` on a fresh PGlite folder and a free port, as a person starts it. */
export async function startServer(): Promise<RosterServer> {
  await ensureConsoleBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), "roster-e2e-"));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["bin/roster.js", "serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: "",
      ROSTER_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      ROSTER_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
      ROSTER_OPERATOR_TOKEN: OPERATOR_TOKEN,
      ROSTER_PUBLIC_URL: "",
      ROSTER_SMTP_URL: "",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (d) => {
      err += d;
      const m = /roster listening on (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`roster serve exited (${code}):\n${err}`)));
  });
  for (let i = 0; i < 100 && !/set-password#token=/.test(out); i++)
    await new Promise((r) => setTimeout(r, 50));
  const link = /Set the administrator's password[^:]*: (\S+)/.exec(out)?.[1];
  assert.ok(link, `the first start printed no password link:\n${out}`);

  const api: RosterServer["api"] = async (method, path, body, token = BOOTSTRAP_TOKEN) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const ok: RosterServer["ok"] = async (method, path, body, token) => {
    const res = await api(method, path, body, token);
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  return {
    url,
    firstRunLink: link,
    api,
    ok,
    resource: async (type, key, name) =>
      (await ok("POST", "/api/v1/resources", { type, key, name })).resource.id,
    invite: async (user) => (await ok("POST", "/api/v1/users", user)).user.id,
    group: async (name, userIds = []) => (await ok("POST", "/api/v1/groups", { name, userIds })).group.id,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The token of a one-time link (`.../set-password#token=...`). */
export function linkToken(link: string): string {
  return new URL(link).hash.replace(/^#token=/, "");
}

// ---- the browser -------------------------------------------------------------------------

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** A fresh browser profile on the server, with a list of the page's uncaught errors to assert empty. */
export async function newPage(
  browser: Browser,
  server: RosterServer,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP });
  // Generous: the machine may be busy; a test waits only as long as the page needs.
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Signs the browser context in through the API (the sign-in page has its own tests). */
export async function signInAs(context: BrowserContext, email: string, password: string): Promise<void> {
  const res = await context.request.post("/api/v1/auth/sign-in", { data: { email, password } });
  assert.equal(res.status(), 200, await res.text());
}

/** Moves the context's session to the organization of that name (a session starts in the first of the person's). */
export async function switchOrganization(context: BrowserContext, name: string): Promise<void> {
  const me = await (await context.request.get("/api/v1/auth/me")).json();
  const org = me.organizations.find((o: { name: string }) => o.name === name);
  assert.ok(org, `not a user of ${name}`);
  const res = await context.request.post("/api/v1/auth/switch", {
    headers: { "x-csrf-token": me.csrfToken },
    data: { organizationId: org.id },
  });
  assert.equal(res.status(), 200, await res.text());
}

/** Sets a password through a one-time link, with the API. */
export async function setPassword(server: RosterServer, link: string, password: string): Promise<void> {
  const res = await server.api("POST", "/api/v1/auth/password", { token: linkToken(link), password });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/**
 * Saves the page as it is at both widths of the issue, 1280 and 390 pixels,
 * into test-artifacts/screenshots/<name>-<width>.png, then restores the
 * viewport. Fails when the page is wider than the screen at either width.
 * `fullPage: false` keeps to the screen (a dialog over a long page).
 */
export async function screenshots(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    // Let Mantine's layout transitions (200 ms) settle.
    await page.waitForTimeout(300);
    // Laid out for the width: nothing makes the page scroll sideways (tables scroll inside their box).
    const width = await page.evaluate<number>("document.documentElement.scrollWidth");
    assert.ok(width <= size.width, `${name} is ${width} pixels wide at ${size.width}`);
    await page.screenshot({
      path: join(ARTIFACTS, `${name}-${size.width}.png`),
      fullPage: options.fullPage ?? true,
    });
  }
  await page.setViewportSize(before);
  await page.waitForTimeout(300);
}

/** Retries an assertion until it passes or `ms` pass (the page updates after the network answers). */
export async function eventually<T>(check: () => Promise<T>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { AccessIndex } from "../../src/access/index.ts";
import { ActivityRecorder, type Store } from "../../src/commands/index.ts";
import { Authenticator, buildApp } from "../../src/http/index.ts";
import { pglite } from "../support/backends.ts";

/**
 * `roster serve` serves the built console at `/`: its files, index.html for
 * the console's own paths (a deep link or a refresh), and the JSON 404
 * problem for everything else. Without a build, `/` says how to make one.
 */
describe("HTTP: the console's files", () => {
  let store: Store;
  let index: AccessIndex;
  const dir = mkdtempSync(join(tmpdir(), "roster-console-"));
  const built = join(dir, "built");
  const apps: FastifyInstance[] = [];

  const app = async (consoleDir: string) => {
    const a = await buildApp(
      {
        store,
        index,
        activity: new ActivityRecorder(store),
        auth: new Authenticator(store, undefined),
      },
      { consoleDir },
    );
    apps.push(a);
    return a;
  };
  const html = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

  before(async () => {
    store = await pglite.open();
    index = new AccessIndex(store, { pollMs: 0 });
    await index.start();
    mkdirSync(join(built, "assets"), { recursive: true });
    writeFileSync(join(built, "index.html"), "<!doctype html><title>Roster console</title>");
    writeFileSync(join(built, "assets", "index-abc123.js"), "console.log('hi')");
    writeFileSync(join(built, "favicon.svg"), "<svg/>");
  });
  after(async () => {
    for (const a of apps) await a.close();
    await index.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("/ and the console's deep links answer index.html, revalidated; assets are cached for good", async () => {
    const a = await app(built);
    for (const url of ["/", "/users", "/users/usr_1?tab=access", "/set-password"]) {
      const res = await a.inject({ method: "GET", url, headers: html });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /<title>Roster console<\/title>/, url);
      assert.match(String(res.headers["content-type"]), /text\/html/, url);
      assert.equal(res.headers["cache-control"], "no-cache", url);
    }
    const asset = await a.inject({ method: "GET", url: "/assets/index-abc123.js" });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.body, "console.log('hi')");
    assert.equal(asset.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal((await a.inject({ method: "GET", url: "/favicon.svg" })).statusCode, 200);

    // A rebuild while the server runs: the new files are served at once.
    writeFileSync(join(built, "assets", "index-def456.js"), "console.log('rebuilt')");
    const rebuilt = await a.inject({ method: "GET", url: "/assets/index-def456.js" });
    assert.deepEqual([rebuilt.statusCode, rebuilt.body], [200, "console.log('rebuilt')"]);
  });

  test("API paths, non-GET requests and requests that do not want HTML keep the JSON 404", async () => {
    const a = await app(built);
    const cases: [string, string, Record<string, string>][] = [
      ["GET", "/api/v1/nothing-here", html],
      ["GET", "/api", html],
      ["GET", "/healthz/deeper", html],
      ["POST", "/users", html],
      ["GET", "/users", { accept: "application/json" }],
      ["GET", "/assets/missing.js", { accept: "*/*" }],
    ];
    for (const [method, url, headers] of cases) {
      const res = await a.inject({ method: method as "GET", url, headers });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      assert.match(String(res.headers["content-type"]), /application\/problem\+json/, `${method} ${url}`);
      assert.equal(JSON.parse(res.body).code, "route.not_found", `${method} ${url}`);
    }
    // SCIM answers its own 404, in its own error schema, never the console.
    const scim = await a.inject({ method: "GET", url: "/scim/v2/Nothing", headers: html });
    assert.equal(scim.statusCode, 404);
    assert.doesNotMatch(String(scim.headers["content-type"]), /html/);
    // The API itself is untouched.
    assert.equal((await a.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
  });

  test("without a build, / and deep links say to run npm run build", async () => {
    const a = await app(join(dir, "never-built"));
    const root = await a.inject({ method: "GET", url: "/", headers: html });
    assert.equal(root.statusCode, 200);
    assert.match(root.body, /npm run build/);
    const deep = await a.inject({ method: "GET", url: "/users", headers: html });
    assert.equal(deep.statusCode, 404);
    assert.match(deep.body, /npm run build/);
    const api = await a.inject({ method: "GET", url: "/api/v1/nothing-here", headers: html });
    assert.equal(JSON.parse(api.body).code, "route.not_found");
  });
});

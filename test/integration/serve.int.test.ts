import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";

/** `roster serve` as a person runs it: first start, a write, SIGTERM, and a restart that finds the write. */
const TOKEN = "bootstrap-token-for-the-serve-test";

function start(
  dataDir: string,
  ...args: string[]
): Promise<{ child: ChildProcess; url: string; out: () => string; err: string; errors: () => string }> {
  const child = spawn(process.execPath, ["bin/roster.js", "serve", "--port", "0", ...args], {
    env: { ...process.env, DATABASE_URL: "", ROSTER_DATA_DIR: dataDir, ROSTER_BOOTSTRAP_TOKEN: TOKEN },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (d) => {
      err += d;
      const m = /roster listening on (\S+)/.exec(err);
      if (m) resolve({ child, url: m[1]!, out: () => stdout, err, errors: () => err });
    });
    child.on("exit", (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
}

/** SIGTERM, then the exit code, or the signal that ended the process instead. */
const stop = (child: ChildProcess) =>
  new Promise<number | string | null>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal));
    child.kill("SIGTERM");
  });

describe("roster serve", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-serve-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("the first start prints the links and token; a committed write survives SIGTERM and a restart", async () => {
    const first = await start(dir);
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const created = await fetch(`${first.url}/api/v1/resources`, {
      method: "POST",
      headers,
      body: JSON.stringify({ type: "app", key: "kept", name: "Kept" }),
    });
    assert.equal(created.status, 201);
    assert.match(first.out(), /Admin API token \(shown once\): bootstrap-token-for-the-serve-test/);
    assert.match(first.out(), /set-password#token=/);
    assert.equal(await stop(first.child), 0, "a clean exit");

    const second = await start(dir, "--check-threads", "1");
    try {
      // The unused bootstrap token, and where it listens with what: no warning of a library.
      assert.match(
        second.err,
        /^roster: ROSTER_BOOTSTRAP_TOKEN is read on the first start only[^\n]*\nroster listening on \S+ \(pglite, 1 check thread\)\n$/,
      );
      assert.doesNotMatch(second.out(), /running for the first time/);
      const check = await fetch(`${second.url}/api/v1/access/check`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          user: "admin@example.com",
          resource: "kept",
          type: "app",
          capability: "manage",
        }),
      });
      assert.equal(((await check.json()) as { allowed: boolean }).allowed, true);
      const batch = await fetch(`${second.url}/api/v1/access/check/batch`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          checks: [{ user: "admin@example.com", resource: "kept", type: "app", capability: "manage" }],
        }),
      });
      assert.deepEqual(((await batch.json()) as { results: unknown[] }).results, [{ allowed: true }]);
    } finally {
      assert.equal(await stop(second.child), 0);
    }
  });
});

describe("roster serve --demo", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-serve-demo-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("the first start also makes the demo, with the first administrator as an owner there", async () => {
    const first = await start(dir, "--demo");
    assert.match(first.out(), /Demo: +Acme Retail \(slug demo\); admin@example\.com is an owner there too/);
    assert.equal(await stop(first.child), 0, first.errors());
    const users = await new Promise<string>((resolve, reject) => {
      const cli = spawn(
        process.execPath,
        ["bin/roster.js", "--data-dir", dir, "--org", "demo", "export", "users", "--format", "json"],
        { env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      cli.stdout.on("data", (d) => {
        out += d;
      });
      cli.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`export exited ${code}`))));
    });
    const admin = (JSON.parse(users) as { email: string; role: string }[]).find(
      (u) => u.email === "admin@example.com",
    );
    assert.equal(admin?.role, "owner");
  });
});

describe("roster serve: a first start that cannot finish creates nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "roster-serve-refused-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `roster serve` to its exit (or until it listens, then stops it); returns its output. */
  async function run(env: NodeJS.ProcessEnv, port = "0") {
    const child = spawn(process.execPath, ["bin/roster.js", "serve", "--port", port], {
      env: { ...process.env, DATABASE_URL: "", ROSTER_DATA_DIR: dir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => {
      out += d;
    });
    child.stderr!.on("data", (d) => {
      err += d;
      if (/roster listening on/.test(err)) child.kill("SIGTERM");
    });
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    return { code, out, err };
  }

  test("a bad ROSTER_BOOTSTRAP_TOKEN or a taken port stops it before anything is made; the next start is the first", async () => {
    const short = await run({ ROSTER_BOOTSTRAP_TOKEN: "short" });
    assert.equal(short.code, 2);
    assert.match(short.err, /ROSTER_BOOTSTRAP_TOKEN needs 16 to 200 characters .*nothing was created/);

    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    try {
      const busy = await run(
        { ROSTER_BOOTSTRAP_TOKEN: TOKEN },
        String((taken.address() as AddressInfo).port),
      );
      assert.equal(busy.code, 2);
      assert.match(busy.err, /is not free \(EADDRINUSE\); nothing was created/);
    } finally {
      taken.close();
    }

    const first = await run({ ROSTER_BOOTSTRAP_TOKEN: TOKEN });
    assert.match(first.out, /Roster is running for the first time/);
    assert.match(first.out, /Admin API token \(shown once\): bootstrap-token-for-the-serve-test/);

    // Later starts say that a bootstrap token is not used any more.
    const again = await run({ ROSTER_BOOTSTRAP_TOKEN: "another-bootstrap-token-0123" });
    assert.doesNotMatch(again.out, /first time/);
    assert.match(again.err, /ROSTER_BOOTSTRAP_TOKEN is read on the first start only/);
  });
});

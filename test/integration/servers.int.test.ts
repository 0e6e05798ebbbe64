import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";

/**
 * Several `roster serve` processes on one PostgreSQL database: a write
 * through one is seen by a check through another that asks for the write's
 * revision, revocations included, and a server whose connections are cut
 * reconnects and catches up from its last revision.
 */
const url = process.env.DATABASE_URL;
const OPERATOR = "operator-token-servers-test-123456";

type Server = { process: ChildProcess; base: string; pid: number; stderr(): string };

/** `roster serve` on the test database and a free port, with more arguments if given. */
async function start(name: string, ...args: string[]): Promise<Server> {
  const child = spawn(process.execPath, ["bin/roster.js", "serve", "--port", "0", ...args], {
    env: { ...process.env, DATABASE_URL: url, ROSTER_OPERATOR_TOKEN: OPERATOR, PGAPPNAME: `roster-${name}` },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (d) => {
      err += d;
      const m = /roster listening on (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`server ${name} exited (${code}): ${err}`)));
  });
  return { process: child, base, pid: child.pid!, stderr: () => err };
}

async function call(server: Server, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: responses are read field by field
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

describe("several servers on one PostgreSQL database", { skip: !url && "DATABASE_URL is not set" }, () => {
  let a: Server;
  let b: Server;
  before(async () => {
    // b answers batches on a check thread, whose copy of the index follows the same log.
    [a, b] = await Promise.all([start("a", "--check-threads", "0"), start("b", "--check-threads", "1")]);
  });
  after(async () => {
    for (const s of [a, b]) {
      if (!s) continue;
      s.process.kill("SIGTERM");
      await new Promise((r) => s.process.on("exit", r));
    }
  });

  test("writes through one server are checked through the other with atLeastRevision, revocation included", async () => {
    const slug = `servers-${Date.now()}`;
    const created = await call(a, OPERATOR, "POST", "/api/v1/organizations", {
      name: "Servers",
      slug,
      plan: "enterprise",
      admin: { email: `owner@${slug}.test` },
    });
    assert.equal(created.status, 201);
    const token = created.body.token as string;
    const app = await call(a, token, "POST", "/api/v1/resources", {
      type: "app",
      key: "finance",
      name: "Finance",
    });
    const user = await call(a, token, "POST", "/api/v1/users", { email: "alice@x.test" });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const rule = await call(a, token, "POST", "/api/v1/rules", {
      subject: { kind: "user", id: user.body.user.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: app.body.resource.id },
    });
    const check = (atLeastRevision: number) =>
      call(b, token, "POST", "/api/v1/access/check", {
        user: "alice@x.test",
        resource: "finance",
        type: "app",
        capability: "edit",
        atLeastRevision,
      });
    const batch = (atLeastRevision: number) =>
      call(b, token, "POST", "/api/v1/access/check/batch", {
        checks: [{ user: "alice@x.test", resource: "finance", type: "app", capability: "edit" }],
        atLeastRevision,
      });
    assert.deepEqual((await check(rule.body.revision)).body, { allowed: true, revision: rule.body.revision });
    assert.deepEqual((await batch(rule.body.revision)).body, {
      results: [{ allowed: true }],
      revision: rule.body.revision,
    });

    const removed = await call(a, token, "DELETE", `/api/v1/rules/${rule.body.rules[0].rule.id}`);
    assert.equal(removed.status, 200);
    assert.equal((await check(removed.body.revision)).body.allowed, false);
    assert.deepEqual((await batch(removed.body.revision)).body.results, [{ allowed: false }]);

    // Cut every connection of server b (its pool and its LISTEN connection): it must come back and catch up.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const cut = await admin.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'roster-b'",
    );
    await admin.end();
    assert.ok(cut.rowCount! >= 1);
    const again = await call(a, token, "POST", "/api/v1/rules", {
      subject: { kind: "user", id: user.body.user.id },
      role: { role: "Manager" },
      scope: { kind: "resource", resourceId: app.body.resource.id },
    });
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) {
      const r = await call(b, token, "POST", "/api/v1/access/check", {
        user: "alice@x.test",
        resource: "finance",
        type: "app",
        capability: "manage",
      });
      seen = r.status === 200 && r.body.allowed === true && r.body.revision >= again.body.revision;
      seen &&= (await batch(again.body.revision)).body.results?.[0]?.allowed === true;
      if (!seen) await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(seen, "server b caught up after losing its connections");
  });
});

test("servers starting together on an empty database create one organization, and one of them says so", {
  skip: !url && "DATABASE_URL is not set",
}, async () => {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `roster_race_${process.pid}_${Date.now()}`;
  await admin.query(`create database ${name}`);
  const empty = new URL(url!);
  empty.pathname = `/${name}`;
  const servers = [0, 1].map(() =>
    spawn(process.execPath, ["bin/roster.js", "serve", "--port", "0"], {
      env: { ...process.env, DATABASE_URL: empty.href },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  try {
    // stdout and stderr are separate pipes: collect stdout for as long as the servers run.
    const outputs = servers.map(() => "");
    for (const [i, child] of servers.entries()) {
      child.stdout!.on("data", (d) => {
        outputs[i] += d;
      });
    }
    await Promise.all(
      servers.map(
        (child, i) =>
          new Promise<void>((resolve, reject) => {
            child.stderr!.on("data", (d) => {
              if (/roster listening on/.test(String(d))) resolve();
            });
            child.on("exit", (code) => reject(new Error(`a server exited (${code}): ${outputs[i]}`)));
          }),
      ),
    );
    const welcomed = () => outputs.filter((o) => o.includes("Roster is running for the first time")).length;
    for (let i = 0; i < 50 && welcomed() === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(welcomed(), 1, "one server, and only one, printed the first-start text");
    const db = new pg.Client({ connectionString: empty.href });
    await db.connect();
    const orgs = await db.query("select slug from organizations");
    await db.end();
    assert.deepEqual(
      orgs.rows.map((r) => r.slug),
      ["default"],
    );
  } finally {
    for (const child of servers) {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((r) => child.on("exit", r));
    }
    await admin.query(`drop database ${name}`);
    await admin.end();
  }
});

test("roster serve --workers exits with status 2 and says why when its workers cannot start", {
  skip: !url && "DATABASE_URL is not set",
}, async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
  const port = (taken.address() as { port: number }).port;
  const child = spawn(
    process.execPath,
    ["bin/roster.js", "serve", "--port", String(port), "--workers", "2"],
    {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let err = "";
  child.stderr!.on("data", (d) => {
    err += d;
  });
  try {
    const code = await new Promise((r) => child.on("exit", r));
    assert.equal(code, 2);
    assert.match(err, /a worker could not start: .*EADDRINUSE/);
  } finally {
    taken.close();
  }
});

/** A call over a new connection each time, so the primary hands each one to the next worker. */
function fresh(base: string, token: string, method: string, path: string, body?: unknown) {
  // biome-ignore lint/suspicious/noExplicitAny: responses are read field by field
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { "content-type": "application/json" }),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const workersOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);

describe("roster serve --workers", () => {
  test("refuses the embedded database, which one process only may open", async () => {
    const child = spawn(process.execPath, ["bin/roster.js", "serve", "--port", "0", "--workers", "2"], {
      env: { ...process.env, DATABASE_URL: "", ROSTER_DATA_DIR: mkdtempSync(join(tmpdir(), "roster-w-")) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d) => {
      err += d;
    });
    const code = await new Promise((r) => child.on("exit", r));
    assert.equal(code, 2);
    assert.match(err, /--workers needs PostgreSQL/);
  });

  test("two workers on one port follow the log, and a dead worker is replaced", {
    skip: !url && "DATABASE_URL is not set",
  }, async () => {
    // A fixed port: when every worker has died, the port is opened anew for the next ones, and
    // "port 0" would then be another port.
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, "127.0.0.1", r));
    const port = (free.address() as { port: number }).port;
    await new Promise((r) => free.close(r));
    const server = await start("workers", "--workers", "2", "--port", String(port));
    const { base, process: child } = server;
    assert.match(server.stderr(), /\(postgres, 2 workers, \d+ check threads? each\)/);
    try {
      const first = workersOf(child.pid!);
      assert.equal(first.length, 2);

      const slug = `workers-${Date.now()}`;
      const created = await fresh(base, OPERATOR, "POST", "/api/v1/organizations", {
        name: "Workers",
        slug,
        plan: "enterprise",
        admin: { email: `owner@${slug}.test` },
      });
      assert.equal(created.status, 201);
      const token = created.body.token as string;
      const app = await fresh(base, token, "POST", "/api/v1/resources", {
        type: "app",
        key: "sales",
        name: "Sales",
      });
      const user = await fresh(base, token, "POST", "/api/v1/users", { email: "bo@x.test" });
      const check = (atLeastRevision: number) =>
        fresh(base, token, "POST", "/api/v1/access/check", {
          user: "bo@x.test",
          resource: "sales",
          type: "app",
          capability: "view",
          atLeastRevision,
        });
      // Writes and checks land on both workers in turn: each check must see the write before it.
      for (let i = 0; i < 3; i++) {
        const granted = await fresh(base, token, "POST", "/api/v1/rules", {
          subject: { kind: "user", id: user.body.user.id },
          role: { role: "Reader" },
          scope: { kind: "resource", resourceId: app.body.resource.id },
        });
        assert.equal(granted.status, 201, JSON.stringify(granted.body));
        for (let k = 0; k < 2; k++) assert.equal((await check(granted.body.revision)).body.allowed, true);
        const revoked = await fresh(base, token, "DELETE", `/api/v1/rules/${granted.body.rules[0].rule.id}`);
        const revision = revoked.body.revision as number;
        for (let k = 0; k < 2; k++) assert.equal((await check(revision)).body.allowed, false);
      }

      /** Waits (up to 20 s) until two workers run, none of them one of `dead`. */
      const replaced = async (dead: number[]) => {
        let now: number[] = [];
        for (let i = 0; i < 200; i++) {
          now = workersOf(child.pid!);
          if (now.length === 2 && !now.some((pid) => dead.includes(pid))) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        return now;
      };
      process.kill(first[0]!, "SIGKILL");
      const second = await replaced([first[0]!]);
      assert.equal(second.length, 2, "a new worker replaced the dead one");
      assert.ok(!second.includes(first[0]!));
      assert.match(server.stderr(), new RegExp(`worker ${first[0]} exited \\(SIGKILL\\); starting another`));
      assert.equal((await check(0)).status, 200);

      // Every worker at once: the primary, holding no connection itself, stays and starts them again.
      for (const pid of second) process.kill(pid, "SIGKILL");
      const third = await replaced(second);
      assert.equal(third.length, 2, "both workers were replaced");
      // The new workers listen once they have loaded the index.
      let answered = 0;
      for (let i = 0; i < 100 && answered !== 200; i++) {
        answered = await check(0).then(
          (r) => r.status,
          () => 0,
        );
        if (answered !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(answered, 200, "the replaced workers answer on the same port");
    } finally {
      child.kill("SIGTERM");
    }
    const code = await new Promise((r) => child.on("exit", r));
    assert.equal(code, 0);
  });
});

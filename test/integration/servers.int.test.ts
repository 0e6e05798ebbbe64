import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
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

type Server = { process: ChildProcess; base: string; pid: number };

async function start(name: string): Promise<Server> {
  const child = spawn(process.execPath, ["bin/roster.js", "serve", "--port", "0"], {
    env: { ...process.env, DATABASE_URL: url, ROSTER_OPERATOR_TOKEN: OPERATOR, PGAPPNAME: `roster-${name}` },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (d) => {
      err += d;
      const m = /roster listening on (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`server ${name} exited (${code}): ${err}`)));
  });
  return { process: child, base, pid: child.pid! };
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
    [a, b] = await Promise.all([start("a"), start("b")]);
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
    assert.deepEqual((await check(rule.body.revision)).body, { allowed: true, revision: rule.body.revision });

    const removed = await call(a, token, "DELETE", `/api/v1/rules/${rule.body.rules[0].rule.id}`);
    assert.equal(removed.status, 200);
    assert.equal((await check(removed.body.revision)).body.allowed, false);

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
      if (!seen) await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(seen, "server b caught up after losing its connections");
  });
});

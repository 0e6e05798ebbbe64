import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { FastifyInstance, InjectOptions } from "fastify";
import { AccessIndex } from "../../src/access/index.ts";
import { ActivityRecorder } from "../../src/commands/index.ts";
import { Authenticator, buildApp, CheckThreads } from "../../src/http/index.ts";
import type { Store } from "../../src/store/index.ts";

export const OPERATOR_TOKEN = "operator-token-for-tests-0123456789";

export type TestApi = {
  readonly app: FastifyInstance;
  readonly index: AccessIndex;
  /** Last activity, written only when a test flushes it. */
  readonly activity: ActivityRecorder;
  /** The check threads, when started with some. */
  readonly checks: CheckThreads | undefined;
  /** A request with a bearer token; JSON bodies are sent as JSON. */
  call(
    token: string | null,
    method: InjectOptions["method"],
    url: string,
    body?: unknown,
  ): Promise<TestResponse>;
  /** A new organization through the operator API, with its admin token. */
  newOrg(
    plan?: "free" | "team" | "enterprise",
  ): Promise<{ orgId: string; slug: string; token: string; adminEmail: string; adminId: string }>;
  close(): Promise<void>;
};

export type TestResponse = {
  status: number;
  headers: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are read field by field
  body: any;
  text: string;
};

/** The real app on a real store, driven through fastify's inject (no socket); batches on `checkThreads` threads. */
export async function startApi(store: Store, options: { checkThreads?: number } = {}): Promise<TestApi> {
  const index = new AccessIndex(store, { pollMs: 0, preload: false });
  const checks = options.checkThreads ? await CheckThreads.start(index, options.checkThreads) : undefined;
  await index.start();
  const activity = new ActivityRecorder(store, { flushMs: 60_000 });
  const app = await buildApp({
    store,
    index,
    activity,
    auth: new Authenticator(store, OPERATOR_TOKEN),
    ...(checks && { checks }),
  });
  const call: TestApi["call"] = async (token, method, url, body) => {
    const res = await app.inject({
      method,
      url,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && typeof body !== "string" && { "content-type": "application/json" }),
        ...(typeof body === "string" && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { payload: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    let parsed: unknown;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text: res.body };
  };
  return {
    app,
    index,
    activity,
    checks,
    call,
    async newOrg(plan = "enterprise") {
      const slug = `h-${randomUUID().slice(0, 12)}`;
      const adminEmail = `owner@${slug}.test`;
      const res = await call(OPERATOR_TOKEN, "POST", "/api/v1/organizations", {
        name: `Org ${slug}`,
        slug,
        plan,
        admin: { email: adminEmail, firstName: "Olive" },
      });
      if (res.status !== 201) throw new Error(`creating an organization failed: ${res.text}`);
      return {
        orgId: res.body.organization.id,
        slug,
        token: res.body.token,
        adminEmail,
        adminId: res.body.admin.id,
      };
    },
    async close() {
      await app.close();
      await checks?.stop();
      await index.stop();
    },
  };
}

export type ApiOrg = Awaited<ReturnType<TestApi["newOrg"]>>;
export type Call = [method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, body?: unknown];

/** Assertions and seeding shared by the admin-route suites, bound to the suite's server (started in `before`). */
export function apiHelpers(api: () => TestApi) {
  const revisionOf = async (token: string): Promise<number> =>
    (await api().call(token, "GET", "/api/v1/organization")).body.revision;

  function assertProblem(res: TestResponse, status: number, code: string, what = ""): void {
    assert.equal(res.status, status, `${what}: ${res.text}`);
    assert.equal(res.body.code, code, what);
    assert.match(String(res.headers["content-type"]), /application\/problem\+json/);
  }

  return {
    revisionOf,
    assertProblem,
    /** The call is refused with this status and code, and the organization's revision does not move. */
    async refused(token: string, [method, url, body]: Call, status: number, code: string) {
      const before = await revisionOf(token);
      assertProblem(await api().call(token, method, url, body), status, code, `${method} ${url}`);
      assert.equal(await revisionOf(token), before, `${method} ${url} moved the revision`);
    },
    /** A write answered with its revision in the body and the Roster-Revision header, which is now the org's. */
    async assertWritten(org: ApiOrg, res: TestResponse, status = 200) {
      assert.equal(res.status, status, res.text);
      assert.equal(typeof res.body.revision, "number");
      assert.equal(res.headers["roster-revision"], String(res.body.revision));
      assert.equal(await revisionOf(org.token), res.body.revision);
    },
    async invite(org: ApiOrg, body: Record<string, unknown>) {
      const res = await api().call(org.token, "POST", "/api/v1/users", body);
      assert.equal(res.status, 201, res.text);
      return res.body.user as { id: string; email: string };
    },
    async group(org: ApiOrg, body: Record<string, unknown>) {
      const res = await api().call(org.token, "POST", "/api/v1/groups", body);
      assert.equal(res.status, 201, res.text);
      return res.body.group as { id: string; name: string };
    },
  };
}

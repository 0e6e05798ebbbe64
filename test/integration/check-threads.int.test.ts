import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AccessIndex } from "../../src/access/index.ts";
import type { OrgId } from "../../src/domain/index.ts";
import { CheckThreads } from "../../src/http/index.ts";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

describeBackends("check threads", (store) => {
  let api: TestApi;
  let org: Awaited<ReturnType<TestApi["newOrg"]>>;
  before(async () => {
    api = await startApi(store());
    org = await api.newOrg();
    const app = await api.call(org.token, "POST", "/api/v1/resources", {
      type: "app",
      key: "finance",
      name: "Finance",
    });
    assert.equal(app.status, 201, app.text);
  });
  after(async () => api.close());

  const batch = (user: string) =>
    JSON.stringify({
      checks: [
        { user, resource: "finance", type: "app", capability: "view" },
        { user, resource: "nope", type: "app", capability: "view" },
      ],
    });

  test("an organization that loads while the threads start reaches them", async () => {
    const index = new AccessIndex(store(), { pollMs: 0, preload: false });
    await index.start();
    const loading = index.org(org.orgId as OrgId);
    const threads = await CheckThreads.start(index, 1);
    try {
      assert.ok(await loading);
      const reply = await threads.answer(org.orgId as OrgId, batch(org.adminEmail));
      assert.equal(reply?.answer?.kind, "answered", "the thread has the organization");
      const json = reply?.answer?.kind === "answered" ? reply.answer.json : "{}";
      assert.deepEqual(JSON.parse(json).results, [
        { allowed: true },
        { allowed: false, error: "resource.not_found" },
      ]);
      assert.deepEqual(reply?.seen, [org.adminId], "the user checked, for last active");
    } finally {
      await threads.stop();
      await index.stop();
    }
  });

  test("threads refuse to start after the index has loaded organizations (they would miss them)", async () => {
    const index = new AccessIndex(store(), { pollMs: 0, preload: false });
    await index.start();
    await index.org(org.orgId as OrgId);
    try {
      await assert.rejects(CheckThreads.start(index, 1), /before the access index/);
    } finally {
      await index.stop();
    }
  });
});

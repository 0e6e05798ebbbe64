import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

describeBackends("HTTP: users filtered by their role on a resource", (store) => {
  let api: TestApi;
  before(async () => {
    api = await startApi(store());
  });
  after(async () => api.close());

  test("resource and resourceRole narrow the users table to who has that role there, through groups too", async () => {
    const org = await api.newOrg();
    const post = async (url: string, body: unknown) => {
      const res = await api.call(org.token, "POST", url, body);
      assert.ok(res.status < 300, `${url}: ${res.text}`);
      return res.body;
    };
    const app = (await post("/api/v1/resources", { type: "app", key: "finance", name: "Finance" })).resource;
    const writer = (await post("/api/v1/users", { email: "writer@x.test" })).user;
    const reader = (await post("/api/v1/users", { email: "reader@x.test" })).user;
    await post("/api/v1/users", { email: "nobody@x.test" });
    const team = (await post("/api/v1/groups", { name: "Finance team", userIds: [writer.id] })).group;
    await post("/api/v1/rules", {
      subject: { kind: "group", id: team.id },
      role: { role: "Writer" },
      scope: { kind: "resource", resourceId: app.id },
    });
    const last = await post("/api/v1/rules", {
      subject: { kind: "user", id: reader.id },
      role: { role: "Reader" },
      scope: { kind: "resource", resourceId: app.id },
    });
    await api.index.atLeast(org.orgId as never, last.revision);
    const emails = async (query: string) =>
      (await api.call(org.token, "GET", `/api/v1/users?${query}`)).body.users
        .map((u: { email: string }) => u.email)
        .sort();
    assert.deepEqual(
      await emails("resource=finance&resourceType=app"),
      [org.adminEmail, "reader@x.test", "writer@x.test"].sort(),
    );
    assert.deepEqual(await emails("resource=finance&resourceType=app&resourceRole=writer"), [
      "writer@x.test",
    ]);
    assert.deepEqual(await emails(`resource=${app.id}&resourceRole=Reader`), ["reader@x.test"]);
    assert.deepEqual(await emails("resource=finance&resourceType=app&resourceRole=Manager"), [
      org.adminEmail,
    ]);
    const missing = await api.call(org.token, "GET", "/api/v1/users?resource=nope&resourceType=app");
    assert.deepEqual([missing.status, missing.body.code], [404, "resource.not_found"]);
  });
});

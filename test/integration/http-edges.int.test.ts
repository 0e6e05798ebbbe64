import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

/** Requests at the edges of HTTP itself: odd addresses, odd bodies, odd headers. Each answers problem+json. */
describeBackends("HTTP: edges", (store) => {
  let api: TestApi;
  let org: Awaited<ReturnType<TestApi["newOrg"]>>;
  before(async () => {
    api = await startApi(store());
    org = await api.newOrg();
  });
  after(async () => api.close());

  const send = (
    method: "GET" | "POST" | "DELETE",
    url: string,
    headers: Record<string, string> = {},
    payload?: string,
  ) =>
    api.app.inject({ method, url, headers: { authorization: `Bearer ${org.token}`, ...headers }, payload });
  const revision = async () =>
    Number((await api.call(org.token, "GET", "/api/v1/organization")).body.revision);

  test("a NUL (%00) in the address is refused with request.invalid, never a database error", async () => {
    for (const [method, url] of [
      ["GET", "/api/v1/users?q=a%00b"],
      ["GET", "/api/v1/users/usr_%00"],
      ["GET", "/api/v1/groups?q=%00"],
      ["GET", "/api/v1/audit?actor=%00"],
      ["DELETE", "/api/v1/groups/%00"],
      ["DELETE", "/api/v1/tokens/%00"],
    ] as const) {
      const res = await send(method, url);
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
      assert.equal(res.headers["content-type"], "application/problem+json; charset=utf-8");
      assert.equal(JSON.parse(res.body).code, "request.invalid");
    }
  });

  test("a bad percent-encoding in the address is request.invalid as problem+json", async () => {
    const res = await send("GET", "/api/v1/users/%E0%A4%A");
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.headers["content-type"], "application/problem+json; charset=utf-8");
    assert.equal(JSON.parse(res.body).code, "request.invalid");
  });

  test("a name with a lone surrogate is refused (request.invalid) and nothing is written; a pair is kept", async () => {
    const before = await revision();
    for (const [url, body] of [
      ["/api/v1/groups", '{"name":"x\\ud800y"}'],
      ["/api/v1/users", '{"email":"s@x.test","firstName":"\\udc00"}'],
    ] as const) {
      const res = await send("POST", url, { "content-type": "application/json" }, body);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(JSON.parse(res.body).code, "request.invalid");
    }
    assert.equal(await revision(), before, "nothing was written");
    const pair = await send(
      "POST",
      "/api/v1/groups",
      { "content-type": "application/json" },
      '{"name":"Team \\ud83d\\ude80"}',
    );
    assert.equal(pair.statusCode, 201, pair.body);
    assert.equal(JSON.parse(pair.body).group.name, "Team 🚀");
  });

  test("a DELETE with a JSON content type and no body works; a __proto__ key is named; text/plain bodies are 415", async () => {
    const made = await api.call(org.token, "POST", "/api/v1/tokens", { name: "temp", scopes: ["check"] });
    assert.equal(made.status, 201, made.text);
    const res = await send("DELETE", `/api/v1/tokens/${made.body.id}`, {
      "content-type": "application/json",
    });
    assert.equal(res.statusCode, 200, res.body);
    const poisoned = await send(
      "POST",
      "/api/v1/groups",
      { "content-type": "application/json" },
      '{"name":"P","__proto__":{"admin":true}}',
    );
    assert.equal(poisoned.statusCode, 400, poisoned.body);
    assert.match(JSON.parse(poisoned.body).detail, /__proto__ or constructor key/);
    const plain = await send("POST", "/api/v1/groups", { "content-type": "text/plain" }, '{"name":"Plain"}');
    assert.equal(plain.statusCode, 415, plain.body);
    assert.equal(JSON.parse(plain.body).code, "request.unsupported_media_type");
  });

  test("401 answers carry WWW-Authenticate; validation names the unknown property and the allowed values", async () => {
    const anonymous = await api.app.inject({ method: "GET", url: "/api/v1/users" });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.headers["www-authenticate"], 'Bearer realm="roster"');
    const extra = await api.call(org.token, "POST", "/api/v1/access/check", {
      user: org.adminEmail,
      resource: "x",
      capability: "view",
      colour: "red",
    });
    assert.equal(extra.status, 400, extra.text);
    assert.match(extra.body.detail, /colour/);
    const placeholder = await api.call(
      org.token,
      "GET",
      `/api/v1/access/filter?user=${encodeURIComponent(org.adminEmail)}&resource=x&placeholder=%3F`,
    );
    assert.equal(placeholder.status, 400, placeholder.text);
    assert.match(placeholder.body.detail, /dollar, question/);
  });

  test("what Node's HTTP parser refuses (headers over 16 KB, not HTTP, too slow) answers problem+json too", async () => {
    // Node looks for requests past their time every 30 s and allows 60 s for headers: shorter
    // here, so that a request that stops halfway is refused while the test waits.
    Object.assign(api.app.server, {
      connectionsCheckingInterval: 50,
      headersTimeout: 300,
      requestTimeout: 300,
    });
    const address = await api.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = new URL(address);
    /** Writes raw bytes on a new connection and reads all that comes back until the server closes it. */
    const raw = (bytes: string) =>
      new Promise<{ status: number; type: string; body: { code: string; status: number } }>(
        (resolve, reject) => {
          let text = "";
          const socket = connect(Number(port), "127.0.0.1", () => socket.write(bytes));
          socket.on("data", (d) => {
            text += d;
          });
          socket.on("error", reject);
          socket.on("close", () => {
            const [head = "", body = ""] = text.split("\r\n\r\n");
            resolve({
              status: Number(head.split(" ")[1]),
              type: /content-type: (.*)/i.exec(head)?.[1] ?? "",
              body: JSON.parse(body),
            });
          });
        },
      );
    const long = await raw(
      `GET /api/v1/users?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${org.token}\r\n\r\n`,
    );
    assert.deepEqual(
      [long.status, long.type, long.body.code],
      [431, "application/problem+json; charset=utf-8", "request.too_large"],
    );
    assert.equal(long.body.status, 431);
    const garbage = await raw("HELLO THERE\r\n\r\n");
    assert.deepEqual([garbage.status, garbage.body.code], [400, "request.invalid"]);
    const slow = await raw(`GET /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${org.token}\r\n`);
    assert.deepEqual([slow.status, slow.body.code], [408, "request.timeout"]);
  });
});

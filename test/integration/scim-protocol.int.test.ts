import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Store } from "../../src/commands/index.ts";
import { describeBackends } from "../support/backends.ts";
import { startApi, type TestApi } from "../support/http.ts";

/**
 * SCIM 2.0 as a protocol (RFC 7644): discovery, authentication and tenancy,
 * filters answered by the database, paging, sorting, attributes, ETags,
 * media types and the error schema.
 */

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

type Org = Awaited<ReturnType<TestApi["newOrg"]>> & { scim: string };
type Res = {
  status: number;
  headers: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: responses are read field by field
  body: any;
};

/** A SCIM request under /scim/v2, its body sent as application/scim+json unless told otherwise. */
async function scim(
  api: TestApi,
  token: string | null,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Res> {
  const res = await api.app.inject({
    method,
    url: `/scim/v2${path}`,
    headers: {
      ...(token !== null && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { "content-type": "application/scim+json; charset=utf-8" }),
      ...headers,
    },
    ...(body !== undefined && { payload: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: res.statusCode, headers: res.headers, body: res.body ? JSON.parse(res.body) : undefined };
}

const filter = (f: string, more = "") => `/Users?filter=${encodeURIComponent(f)}${more}`;

describeBackends("SCIM: protocol", (store: () => Store) => {
  let api: TestApi;
  let org: Org;
  let other: Org;
  const ids: Record<string, string> = {};
  let teamId = "";

  const newOrg = async (): Promise<Org> => {
    const o = await api.newOrg();
    const res = await api.call(o.token, "POST", "/api/v1/tokens", { name: "Entra ID", scopes: ["scim"] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { ...o, scim: res.body.token };
  };
  const userNames = async (path: string, o: Org = org) => {
    const res = await scim(api, o.scim, "GET", path);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.schemas, [LIST]);
    return (res.body.Resources as { userName: string }[]).map((u) => u.userName.split(/[@.]/)[0]).sort();
  };

  before(async () => {
    api = await startApi(store());
    org = await newOrg();
    other = await newOrg();
    const people = [
      ["alice", "alice@example.com", "Alice", "Archer", "ext-alice", "Sales", true],
      ["bob", "bob@example.org", "Bob", "Baker", "ext-bob", "R&D", false],
      ["carol", "carol.cruz@example.com", "Carol", "Cruz", null, null, true],
    ] as const;
    for (const [key, userName, givenName, familyName, externalId, department, active] of people) {
      const res = await scim(api, org.scim, "POST", "/Users", {
        schemas: [USER, ENTERPRISE],
        userName,
        name: { givenName, familyName },
        active,
        ...(externalId && { externalId }),
        ...(department && { [ENTERPRISE]: { department } }),
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids[key] = res.body.id;
    }
    const team = await scim(api, org.scim, "POST", "/Groups", {
      displayName: "Team Alpha",
      externalId: "aad-team",
      members: [{ value: ids.alice }],
    });
    assert.equal(team.status, 201, JSON.stringify(team.body));
    teamId = team.body.id;
    // The other organization has a user and a group of its own.
    await scim(api, other.scim, "POST", "/Users", {
      userName: "alice@example.com",
      name: { givenName: "A" },
    });
    await scim(api, other.scim, "POST", "/Groups", { displayName: "Team Alpha" });
  });
  after(async () => api.close());

  test("discovery: ServiceProviderConfig, ResourceTypes and Schemas describe what is supported", async () => {
    const config = await scim(api, org.scim, "GET", "/ServiceProviderConfig");
    assert.equal(config.status, 200);
    assert.match(String(config.headers["content-type"]), /^application\/scim\+json/);
    assert.deepEqual(
      [
        config.body.patch.supported,
        config.body.bulk.supported,
        config.body.filter.supported,
        config.body.sort.supported,
      ],
      [true, false, true, true],
    );
    assert.equal(config.body.etag.supported, true);
    assert.equal(config.body.authenticationSchemes[0].type, "oauthbearertoken");

    const types = await scim(api, org.scim, "GET", "/ResourceTypes");
    assert.deepEqual(
      types.body.Resources.map((t: { id: string; endpoint: string }) => [t.id, t.endpoint]),
      [
        ["User", "/Users"],
        ["Group", "/Groups"],
      ],
    );
    assert.deepEqual(types.body.Resources[0].schemaExtensions, [{ schema: ENTERPRISE, required: false }]);
    assert.equal(
      (await scim(api, org.scim, "GET", "/ResourceTypes/Group")).body.schema,
      "urn:ietf:params:scim:schemas:core:2.0:Group",
    );

    const schemas = await scim(api, org.scim, "GET", "/Schemas");
    assert.deepEqual(schemas.body.schemas, [LIST]);
    assert.equal(schemas.body.totalResults, 3);
    const user = await scim(api, org.scim, "GET", `/Schemas/${USER}`);
    const attr = (name: string) => user.body.attributes.find((a: { name: string }) => a.name === name);
    assert.deepEqual([attr("userName").required, attr("userName").uniqueness], [true, "server"]);
    assert.equal(attr("emails").mutability, "readOnly");
    const enterprise = await scim(api, org.scim, "GET", `/Schemas/${ENTERPRISE}`);
    assert.deepEqual(
      enterprise.body.attributes.map((a: { name: string }) => a.name),
      ["employeeNumber", "costCenter", "organization", "division", "department", "manager"],
    );
    const missing = await scim(api, org.scim, "GET", "/Schemas/urn:example:nothing");
    assert.deepEqual([missing.status, missing.body.schemas], [404, [ERROR]]);
  });

  test("only a token with the scim scope gets in; errors are SCIM errors with a string status", async () => {
    const none = await scim(api, null, "GET", "/Users");
    assert.equal(none.status, 401);
    assert.deepEqual([none.body.schemas, none.body.status], [[ERROR], "401"]);
    assert.ok(none.body.detail);
    assert.match(String(none.headers["www-authenticate"]), /^Bearer/);
    // Okta's spec test sends a header that is not a bearer token at all.
    const garbage = await scim(api, null, "GET", "/Users", undefined, { authorization: "non-token" });
    assert.deepEqual([garbage.status, garbage.body.status], [401, "401"]);
    const unknown = await scim(api, "rst_nottherightone", "GET", "/Users");
    assert.equal(unknown.status, 401);

    // An admin token and a check token lack the scim scope: refused, and nothing is written.
    const revision = (await api.call(org.token, "GET", "/api/v1/organization")).body.revision;
    const check = await api.call(org.token, "POST", "/api/v1/tokens", { name: "checks", scopes: ["check"] });
    const revisionAfterToken = (await api.call(org.token, "GET", "/api/v1/organization")).body.revision;
    assert.ok(revisionAfterToken > revision);
    for (const token of [org.token, check.body.token]) {
      const read = await scim(api, token, "GET", "/Users");
      assert.deepEqual([read.status, read.body.schemas, read.body.status], [403, [ERROR], "403"]);
      assert.match(read.body.detail, /scim scope/);
      const write = await scim(api, token, "POST", "/Users", { userName: "intruder@example.com" });
      assert.equal(write.status, 403);
      assert.equal((await scim(api, token, "GET", "/ServiceProviderConfig")).status, 403);
    }
    assert.equal(
      (await api.call(org.token, "GET", "/api/v1/organization")).body.revision,
      revisionAfterToken,
    );
    assert.equal((await userNames(filter('userName eq "intruder@example.com"'))).length, 0);

    // A revoked scim token is refused at once.
    const revoked = await api.call(org.token, "POST", "/api/v1/tokens", { name: "old", scopes: ["scim"] });
    assert.equal((await scim(api, revoked.body.token, "GET", "/Users")).status, 200);
    assert.equal((await api.call(org.token, "DELETE", `/api/v1/tokens/${revoked.body.id}`)).status, 200);
    assert.equal((await scim(api, revoked.body.token, "GET", "/Users")).status, 401);
  });

  test("a token of another organization sees and changes nothing of this one", async () => {
    assert.deepEqual(await userNames("/Users", other), ["alice", "owner"]);
    const groups = await scim(api, other.scim, "GET", "/Groups");
    assert.equal(groups.body.totalResults, 1);
    assert.notEqual(groups.body.Resources[0].id, teamId);
    assert.deepEqual(await userNames(filter(`id eq "${ids.alice}"`), other), []);
    const revision = (await api.call(org.token, "GET", "/api/v1/organization")).body.revision;
    for (const [method, path, body] of [
      ["GET", `/Users/${ids.alice}`, undefined],
      ["PUT", `/Users/${ids.alice}`, { userName: "taken@example.com" }],
      [
        "PATCH",
        `/Users/${ids.alice}`,
        { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: false }] },
      ],
      ["DELETE", `/Users/${ids.alice}`, undefined],
      ["GET", `/Groups/${teamId}`, undefined],
      [
        "PATCH",
        `/Groups/${teamId}`,
        { Operations: [{ op: "add", path: "members", value: [{ value: ids.bob }] }] },
      ],
      ["PUT", `/Groups/${teamId}`, { displayName: "Stolen" }],
      ["DELETE", `/Groups/${teamId}`, undefined],
    ] as const) {
      const res = await scim(api, other.scim, method, path, body);
      assert.equal(res.status, 404, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body.schemas, [ERROR]);
    }
    // Nor can it add this organization's users to its own group.
    const own = groups.body.Resources[0].id;
    const adding = await scim(api, other.scim, "PATCH", `/Groups/${own}`, {
      Operations: [{ op: "add", path: "members", value: [{ value: ids.alice }] }],
    });
    assert.deepEqual([adding.status, adding.body.scimType], [400, "invalidValue"]);
    assert.equal((await api.call(org.token, "GET", "/api/v1/organization")).body.revision, revision);
    assert.equal((await scim(api, org.scim, "GET", `/Users/${ids.alice}`)).body.active, true);
  });

  test("filters: every operator, case-insensitive attribute names and operators, on the database", async () => {
    const all = ["alice", "bob", "carol", "owner"];
    const cases: [string, string[]][] = [
      ['userName eq "ALICE@example.com"', ["alice"]],
      ['USERNAME Eq "alice@EXAMPLE.com"', ["alice"]],
      [`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@example.org"`, ["bob"]],
      ['userName ne "alice@example.com"', ["bob", "carol", "owner"]],
      ['userName co "EXAMPLE"', ["alice", "bob", "carol"]],
      ['userName sw "bob"', ["bob"]],
      ['userName ew ".org"', ["bob"]],
      ["userName pr", all],
      ['userName gt "bob@example.org"', ["carol", "owner"]],
      ['userName ge "bob@example.org"', ["bob", "carol", "owner"]],
      ['userName lt "bob@example.org"', ["alice"]],
      ['userName le "bob@example.org"', ["alice", "bob"]],
      ['externalId eq "ext-alice"', ["alice"]],
      ['externalId eq "EXT-ALICE"', []],
      ["externalId pr", ["alice", "bob"]],
      ['externalId ne "ext-alice"', ["bob", "carol", "owner"]],
      ["not (externalId pr)", ["carol", "owner"]],
      ['not (externalId eq "ext-alice")', ["bob", "carol", "owner"]],
      ['name.familyName eq "baker"', ["bob"]],
      ['name.givenName sw "c"', ["carol"]],
      ['displayName eq "carol cruz"', ["carol"]],
      ["active eq false", ["bob"]],
      ['active eq "True"', ["alice", "carol", "owner"]],
      ["active ne false", ["alice", "carol", "owner"]],
      ['emails[type eq "work" and value co "example.com"]', ["alice", "carol"]],
      ['emails[type eq "work"].value eq "BOB@example.org"', ["bob"]],
      ['emails.value eq "carol.cruz@example.com"', ["carol"]],
      ['emails co "example.org"', ["bob"]],
      [`${ENTERPRISE}:department eq "sales"`, ["alice"]],
      [`${ENTERPRISE}:department pr`, ["alice", "bob"]],
      [`not (${ENTERPRISE}:department eq "R&D")`, ["alice", "carol", "owner"]],
      ['userName co "example" and (externalId eq "ext-bob" or name.givenName eq "carol")', ["bob", "carol"]],
      ['userName co "example" and not (active eq true)', ["bob"]],
      ['userName CO "example" AND NOT (active EQ true) OR externalId EQ "ext-alice"', ["alice", "bob"]],
      [
        'name.givenName eq "alice" or name.givenName eq "bob" or name.givenName eq "nobody"',
        ["alice", "bob"],
      ],
      ['meta.created gt "2000-01-01T00:00:00Z"', all],
      ['meta.created lt "2000-01-01T00:00:00Z"', []],
      ['meta.lastModified ge "2000-01-01T00:00:00Z"', all],
      ['meta.resourceType eq "User"', all],
      [`groups[value eq "${teamId}"]`, ["alice"]],
      ['groups.display eq "team alpha"', ["alice"]],
      [`id eq "${ids.carol}"`, ["carol"]],
      [`id eq "${ids.carol!.toUpperCase()}"`, []],
    ];
    for (const [f, expected] of cases) {
      assert.deepEqual(await userNames(filter(f)), expected, f);
    }
    // As Entra ID writes the query: spaces as "+".
    assert.deepEqual(await userNames("/Users?filter=userName+eq+%22alice%40example.com%22"), ["alice"]);
    // Entra's and Okta's connection test: a filter on a random value answers 200 with an empty list.
    const random = await scim(
      api,
      org.scim,
      "GET",
      filter(`userName eq "${crypto.randomUUID()}@example.com"`),
    );
    assert.equal(random.status, 200);
    assert.deepEqual([random.body.totalResults, random.body.Resources], [0, []]);
  });

  test("a filter that is not one, or on what is not kept, is 400 invalidFilter", async () => {
    for (const f of [
      "userName eq",
      'userName xx "a"',
      'userName eq "a" and',
      'emails[value eq "x"',
      'favoriteColor eq "blue"',
      'name.middleName eq "x"',
      "active gt true",
      'active eq "maybe"',
      'meta.created gt "yesterday"',
      "userName eq true",
      "userName eq null",
      'name[givenName eq "x"]',
      `urn:example:custom:2.0:User:tag eq "x"`,
      `${ENTERPRISE}:shoeSize eq "9"`,
    ]) {
      const res = await scim(api, org.scim, "GET", filter(f));
      assert.equal(res.status, 400, f);
      assert.deepEqual(
        [res.body.schemas, res.body.status, res.body.scimType],
        [[ERROR], "400", "invalidFilter"],
        f,
      );
      assert.ok(res.body.detail, f);
    }
  });

  test("groups: filter by displayName (any case), externalId and members; excludedAttributes=members", async () => {
    const groups = async (f: string, more = "") => {
      const res = await scim(api, org.scim, "GET", `/Groups?filter=${encodeURIComponent(f)}${more}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const byName = await groups('displayName eq "TEAM alpha"', "&excludedAttributes=members");
    assert.equal(byName.totalResults, 1);
    assert.deepEqual(Object.keys(byName.Resources[0]).sort(), [
      "displayName",
      "externalId",
      "id",
      "meta",
      "schemas",
    ]);
    assert.equal((await groups('externalId eq "aad-team"')).Resources[0].id, teamId);
    assert.equal((await groups(`members[value eq "${ids.alice}"]`)).totalResults, 1);
    assert.equal((await groups(`members[value eq "${ids.bob}"]`)).totalResults, 0);
    assert.equal((await groups(`id eq "${teamId}" and members.value eq "${ids.alice}"`)).totalResults, 1);
    const withMembers = await groups(`id eq "${teamId}"`);
    assert.deepEqual(
      withMembers.Resources[0].members.map((m: { value: string; type: string; display: string }) => [
        m.value,
        m.type,
        m.display,
      ]),
      [[ids.alice, "User", "Alice Archer"]],
    );
    // System groups (Everyone, Administrators, ...) are not SCIM's.
    assert.equal((await groups('displayName eq "Administrators"')).totalResults, 0);
    const bad = await scim(api, org.scim, "GET", `/Groups?filter=${encodeURIComponent('userName eq "x"')}`);
    assert.deepEqual([bad.status, bad.body.scimType], [400, "invalidFilter"]);
  });

  test("paging: startIndex and count, totalResults and itemsPerPage, in userName order", async () => {
    const page = async (more: string) => {
      const res = await scim(api, org.scim, "GET", filter('userName co "example"', more));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const first = await page("&startIndex=1&count=2");
    assert.deepEqual(
      [
        first.totalResults,
        first.startIndex,
        first.itemsPerPage,
        first.Resources.map((u: { userName: string }) => u.userName),
      ],
      [3, 1, 2, ["alice@example.com", "bob@example.org"]],
    );
    const second = await page("&startIndex=3&count=2");
    assert.deepEqual(
      [second.startIndex, second.itemsPerPage, second.Resources[0].userName],
      [3, 1, "carol.cruz@example.com"],
    );
    const beyond = await page("&startIndex=10");
    assert.deepEqual([beyond.totalResults, beyond.itemsPerPage, beyond.Resources], [3, 0, []]);
    const counted = await page("&count=0");
    assert.deepEqual([counted.totalResults, counted.Resources], [3, []]);
    // Below 1 is 1; a negative count is 0 (RFC 7644 §3.4.2.4).
    assert.equal((await page("&startIndex=0&count=1")).Resources[0].userName, "alice@example.com");
    assert.deepEqual((await page("&count=-4")).Resources, []);
    const bad = await scim(api, org.scim, "GET", "/Users?count=lots");
    assert.deepEqual([bad.status, bad.body.scimType], [400, "invalidValue"]);
    // Okta's first request.
    const okta = await scim(api, org.scim, "GET", "/Users?count=1&startIndex=1");
    assert.deepEqual([okta.body.totalResults, okta.body.itemsPerPage, okta.body.Resources.length], [4, 1, 1]);
  });

  test("sortBy and sortOrder", async () => {
    const order = async (more: string) => {
      const res = await scim(api, org.scim, "GET", filter('userName co "example"', more));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.Resources.map((u: { name: { familyName: string } }) => u.name.familyName);
    };
    assert.deepEqual(await order("&sortBy=name.familyName&sortOrder=descending"), [
      "Cruz",
      "Baker",
      "Archer",
    ]);
    assert.deepEqual(await order("&sortBy=NAME.GIVENNAME&sortOrder=Ascending"), ["Archer", "Baker", "Cruz"]);
    assert.deepEqual(await order("&sortBy=userName&sortOrder=descending&count=1&startIndex=2"), ["Baker"]);
    assert.deepEqual(await order("&sortBy=emails&sortOrder=descending"), ["Cruz", "Baker", "Archer"]);
    assert.deepEqual(await order(`&sortBy=${ENTERPRISE}:department`), ["Baker", "Archer", "Cruz"]);
    for (const more of ["&sortBy=groups", "&sortBy=shoeSize", "&sortOrder=sideways"]) {
      const res = await scim(api, org.scim, "GET", filter('userName co "example"', more));
      assert.deepEqual([res.status, res.body.scimType], [400, "invalidValue"], more);
    }
  });

  test("attributes and excludedAttributes choose what is returned; id and schemas always are", async () => {
    const get = async (query: string) =>
      (await scim(api, org.scim, "GET", `/Users/${ids.alice}?${query}`)).body;
    assert.deepEqual(Object.keys(await get("attributes=userName")).sort(), ["id", "schemas", "userName"]);
    assert.deepEqual(await get(`attributes=name.givenName,${ENTERPRISE}:department,id`), {
      schemas: [USER, ENTERPRISE],
      id: ids.alice,
      name: { givenName: "Alice" },
      [ENTERPRISE]: { department: "Sales" },
    });
    assert.deepEqual((await get("attributes=emails.value")).emails, [{ value: "alice@example.com" }]);
    const excluded = await get(`excludedAttributes=emails,meta,groups,id,name.familyName,${ENTERPRISE}`);
    assert.deepEqual(Object.keys(excluded).sort(), [
      "active",
      "displayName",
      "externalId",
      "id",
      "name",
      "schemas",
      "userName",
    ]);
    assert.deepEqual(excluded.name, { givenName: "Alice", formatted: "Alice Archer" });
    const listed = await scim(
      api,
      org.scim,
      "GET",
      filter('userName eq "alice@example.com"', "&attributes=userName,active"),
    );
    assert.deepEqual(listed.body.Resources, [
      { schemas: [USER, ENTERPRISE], id: ids.alice, userName: "alice@example.com", active: true },
    ]);
  });

  test("POST .search takes the same parameters in a body", async () => {
    const res = await scim(api, org.scim, "POST", "/Users/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: 'userName co "example"',
      attributes: ["userName"],
      sortBy: "userName",
      sortOrder: "descending",
      startIndex: 1,
      count: 2,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      [res.body.totalResults, res.body.Resources.map((u: { userName: string }) => u.userName)],
      [3, ["carol.cruz@example.com", "bob@example.org"]],
    );
    const groups = await scim(api, org.scim, "POST", "/Groups/.search", { filter: 'displayName sw "team"' });
    assert.equal(groups.body.totalResults, 1);
  });

  test("ETags: a version per resource, If-None-Match answers 304, a stale If-Match 412 and changes nothing", async () => {
    const read = await scim(api, org.scim, "GET", `/Users/${ids.carol}`);
    const tag = String(read.headers.etag);
    assert.match(tag, /^W\/"\d+"$/);
    assert.equal(read.body.meta.version, tag);
    assert.equal(
      (await scim(api, org.scim, "GET", `/Users/${ids.carol}`, undefined, { "if-none-match": tag })).status,
      304,
    );

    const rename = (value: string) => ({
      schemas: [PATCH],
      Operations: [{ op: "replace", path: "name.givenName", value }],
    });
    const changed = await scim(api, org.scim, "PATCH", `/Users/${ids.carol}`, rename("Caroline"), {
      "if-match": tag,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.notEqual(changed.headers.etag, tag);
    assert.equal(changed.body.meta.version, changed.headers.etag);

    const revision = (await api.call(org.token, "GET", "/api/v1/organization")).body.revision;
    for (const [method, body] of [
      ["PATCH", rename("Carla")],
      ["PUT", { userName: "carol.cruz@example.com", name: { givenName: "Carla" } }],
      ["DELETE", undefined],
    ] as const) {
      const stale = await scim(api, org.scim, method, `/Users/${ids.carol}`, body, { "if-match": tag });
      assert.deepEqual([stale.status, stale.body.schemas, stale.body.status], [412, [ERROR], "412"], method);
    }
    const groupTag = String((await scim(api, org.scim, "GET", `/Groups/${teamId}`)).headers.etag);
    const staleGroup = await scim(
      api,
      org.scim,
      "PATCH",
      `/Groups/${teamId}`,
      {
        Operations: [{ op: "replace", path: "displayName", value: "Renamed" }],
      },
      { "if-match": 'W/"1"' },
    );
    assert.equal(staleGroup.status, 412);
    assert.equal((await api.call(org.token, "GET", "/api/v1/organization")).body.revision, revision);
    assert.equal((await scim(api, org.scim, "GET", `/Users/${ids.carol}`)).body.name.givenName, "Caroline");
    // A matching If-Match (or *) lets the write through.
    const star = await scim(api, org.scim, "PATCH", `/Users/${ids.carol}`, rename("Carol"), {
      "if-match": "*",
    });
    assert.equal(star.status, 200);
    const matching = await scim(
      api,
      org.scim,
      "PATCH",
      `/Groups/${teamId}`,
      {
        Operations: [{ op: "replace", path: "externalId", value: "aad-team" }],
      },
      { "if-match": groupTag },
    );
    assert.equal(matching.status, 204);
  });

  test("media types, malformed bodies and unknown endpoints answer in the SCIM error schema", async () => {
    // Okta's spec test posts with application/json.
    const json = await api.app.inject({
      method: "POST",
      url: "/scim/v2/Users",
      headers: { authorization: `Bearer ${org.scim}`, "content-type": "application/json" },
      payload: JSON.stringify({ userName: "dave@example.com" }),
    });
    assert.equal(json.statusCode, 201, json.body);
    assert.match(String(json.headers["content-type"]), /^application\/scim\+json/);
    assert.equal(json.headers.location, `http://localhost:80/scim/v2/Users/${JSON.parse(json.body).id}`);

    const cases: [string, "POST" | "PATCH" | "GET", string, unknown, number, string | undefined][] = [
      ["broken JSON", "POST", "/Users", "{not json", 400, "invalidSyntax"],
      ["not an object", "POST", "/Users", "[1,2]", 400, "invalidSyntax"],
      ["no userName", "POST", "/Users", { name: { givenName: "X" } }, 400, "invalidValue"],
      ["userName not an email", "POST", "/Users", { userName: "Test_User_1" }, 400, "invalidValue"],
      ["no Operations", "PATCH", `/Users/${ids.alice}`, { schemas: [PATCH] }, 400, "invalidSyntax"],
      [
        "unknown op",
        "PATCH",
        `/Users/${ids.alice}`,
        { Operations: [{ op: "merge", path: "active", value: true }] },
        400,
        "invalidSyntax",
      ],
      [
        "unknown attribute",
        "PATCH",
        `/Users/${ids.alice}`,
        { Operations: [{ op: "replace", path: "usrName", value: "x" }] },
        400,
        "invalidPath",
      ],
      [
        "malformed path",
        "PATCH",
        `/Users/${ids.alice}`,
        { Operations: [{ op: "replace", path: "emails[type eq", value: "x" }] },
        400,
        "invalidPath",
      ],
      [
        "read-only id",
        "PATCH",
        `/Users/${ids.alice}`,
        { Operations: [{ op: "replace", path: "id", value: "x" }] },
        400,
        "mutability",
      ],
      [
        "groups of a user",
        "PATCH",
        `/Users/${ids.alice}`,
        { Operations: [{ op: "add", path: "groups", value: [{ value: teamId }] }] },
        400,
        "mutability",
      ],
      [
        "remove without path",
        "PATCH",
        `/Users/${ids.alice}`,
        { Operations: [{ op: "remove" }] },
        400,
        "noTarget",
      ],
      [
        "remove userName",
        "PATCH",
        `/Users/${ids.alice}`,
        { Operations: [{ op: "remove", path: "userName" }] },
        400,
        "invalidValue",
      ],
      [
        "active not a boolean",
        "PATCH",
        `/Users/${ids.alice}`,
        { Operations: [{ op: "replace", path: "active", value: "maybe" }] },
        400,
        "invalidValue",
      ],
      ["no such endpoint", "GET", "/Computers", undefined, 404, undefined],
      ["no such user", "GET", "/Users/usr_nobody", undefined, 404, undefined],
    ];
    const revision = (await api.call(org.token, "GET", "/api/v1/organization")).body.revision;
    for (const [what, method, path, body, status, scimType] of cases) {
      const res = await scim(api, org.scim, method, path, body);
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.match(String(res.headers["content-type"]), /^application\/scim\+json/, what);
      assert.deepEqual(
        [res.body.schemas, res.body.status, res.body.scimType],
        [[ERROR], String(status), scimType],
        what,
      );
      assert.ok(res.body.detail, what);
    }
    assert.equal((await api.call(org.token, "GET", "/api/v1/organization")).body.revision, revision);
  });
});

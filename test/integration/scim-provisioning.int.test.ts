import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Store } from "../../src/commands/index.ts";
import type { Organization } from "../../src/domain/index.ts";
import { describeBackends } from "../support/backends.ts";
import { assertLogMatchesStore } from "../support/consistency.ts";
import { startApi, type TestApi } from "../support/http.ts";
import type { TestOrg } from "../support/org.ts";

/**
 * Provisioning through SCIM as Okta and Entra ID do it: their documented
 * request sequences replayed, and what each write does in Roster (the same
 * commands as every other surface: revision, audit, access).
 */

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
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
      ...(token !== null && { authorization: token }),
      ...(body !== undefined && { "content-type": "application/scim+json; charset=utf-8" }),
      accept: "application/scim+json",
      ...headers,
    },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  });
  return { status: res.statusCode, headers: res.headers, body: res.body ? JSON.parse(res.body) : undefined };
}

const patch = (...operations: unknown[]) => ({ schemas: [PATCH], Operations: operations });
const byUserName = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

describeBackends("SCIM: provisioning as Okta and Entra ID do it", (store: () => Store) => {
  let api: TestApi;
  let org: Org;
  /** `Bearer <the scim token>`. */
  let auth = "";

  const newOrg = async (plan: "team" | "enterprise" = "enterprise"): Promise<Org> => {
    const o = await api.newOrg(plan);
    const res = await api.call(o.token, "POST", "/api/v1/tokens", { name: "Entra ID", scopes: ["scim"] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { ...o, scim: res.body.token };
  };
  const call = (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown, h = {}) =>
    scim(api, auth, method, path, body, h);
  const revision = async (o: Org = org): Promise<number> =>
    (await api.call(o.token, "GET", "/api/v1/organization")).body.revision;
  const ok = (res: Res, status: number) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    return res.body;
  };
  const newUser = async (userName: string, more: object = {}) =>
    ok(
      await call("POST", "/Users", {
        schemas: [USER],
        userName,
        name: { givenName: "G", familyName: "F" },
        ...more,
      }),
      201,
    ).id as string;
  const members = async (groupId: string) =>
    (ok(await call("GET", `/Groups/${groupId}`), 200).members as { value: string }[])
      .map((m) => m.value)
      .sort();
  const asTestOrg = (o: Org) => ({ organization: { id: o.orgId } as Organization }) as TestOrg;

  before(async () => {
    api = await startApi(store());
    org = await newOrg();
    auth = `Bearer ${org.scim}`;
  });
  after(async () => api.close());

  test("Okta's SCIM 2.0 spec test, replayed", async () => {
    // The spec test expects a user to exist already; the first in userName order.
    await newUser(`aaron.${randomUUID().slice(0, 8)}@example.com`);
    const headers = { "user-agent": "OKTA SCIM Integration", "accept-charset": "utf-8" };

    const first = ok(await call("GET", "/Users?count=1&startIndex=1", undefined, headers), 200);
    assert.ok(first.schemas.includes(LIST));
    for (const n of [first.itemsPerPage, first.startIndex, first.totalResults])
      assert.equal(typeof n, "number");
    const listed = first.Resources[0];
    for (const value of [
      listed.id,
      listed.name.familyName,
      listed.name.givenName,
      listed.userName,
      listed.emails[0].value,
    ]) {
      assert.ok(value, JSON.stringify(listed));
    }
    assert.equal(listed.active, true);
    const byId = ok(await call("GET", `/Users/${listed.id}`, undefined, headers), 200);
    assert.deepEqual(
      [byId.id, byId.userName, byId.name.givenName],
      [listed.id, listed.userName, listed.name.givenName],
    );

    const invalid = ok(await call("GET", byUserName(`invalid-${randomUUID()}@example.com`)), 200);
    assert.deepEqual([invalid.schemas, invalid.totalResults], [[LIST], 0]);
    const missing = await call("GET", `/Users/${randomUUID()}`);
    assert.deepEqual([missing.status, missing.body.schemas, missing.body.status], [404, [ERROR], "404"]);
    assert.ok(missing.body.detail);

    const suffix = randomUUID().slice(0, 8);
    const userName = `Runscope${suffix}@atko.com`;
    const email = `runscope${suffix}@example.com`;
    assert.equal(ok(await call("GET", byUserName(email)), 200).totalResults, 0);
    // Okta creates with Content-Type application/json.
    const createBody = {
      schemas: [USER],
      userName,
      name: { givenName: "Rando", familyName: "Scope" },
      emails: [{ primary: true, value: email, type: "work" }],
      displayName: "Rando Scope",
      active: true,
    };
    const created = await scim(api, auth, "POST", "/Users", undefined, {
      "content-type": "application/json",
    });
    assert.equal(created.status, 400, "an empty body is refused");
    const res = await api.app.inject({
      method: "POST",
      url: "/scim/v2/Users",
      headers: {
        authorization: auth,
        "content-type": "application/json",
        accept: "application/scim+json; charset=utf-8",
      },
      payload: JSON.stringify(createBody),
    });
    assert.equal(res.statusCode, 201, res.body);
    const user = JSON.parse(res.body);
    assert.deepEqual(
      [user.active, user.name.familyName, user.name.givenName, user.userName, user.schemas.includes(USER)],
      [true, "Scope", "Rando", userName, true],
    );
    assert.ok(user.id);
    const read = ok(await call("GET", `/Users/${user.id}`), 200);
    assert.deepEqual(
      [read.userName, read.name.familyName, read.name.givenName],
      [userName, "Scope", "Rando"],
    );

    // Creating it again is a conflict, and userName is compared case-insensitively.
    const again = await call("POST", "/Users", createBody);
    assert.deepEqual([again.status, again.body.schemas, again.body.scimType], [409, [ERROR], "uniqueness"]);
    const caps = ok(await call("GET", byUserName(userName.toUpperCase())), 200);
    assert.deepEqual([caps.totalResults, caps.Resources[0].id], [1, user.id]);

    assert.equal((await call("GET", "/Groups", undefined, headers)).status, 200);
    const noToken = await scim(api, "non-token", "GET", byUserName(userName.toUpperCase()));
    assert.deepEqual([noToken.status, noToken.body.status, noToken.body.schemas], [401, "401", [ERROR]]);
    assert.ok(noToken.body.detail);
    const notFound = await call("GET", "/Users/00919288221112222");
    assert.deepEqual([notFound.status, notFound.body.status], [404, "404"]);

    // Okta's profile updates replace the user; deprovisioning sets active to false.
    const put = ok(
      await call("PUT", `/Users/${user.id}`, {
        ...createBody,
        id: user.id,
        name: { givenName: "Randy", familyName: "Scope" },
      }),
      200,
    );
    assert.deepEqual([put.name.givenName, put.active], ["Randy", true]);
    const off = ok(
      await call("PATCH", `/Users/${user.id}`, patch({ op: "replace", value: { active: false } })),
      200,
    );
    assert.equal(off.active, false);
    assert.equal(ok(await call("GET", `/Users/${user.id}`), 200).active, false);
    assert.equal(ok(await call("GET", byUserName(userName)), 200).Resources[0].active, false);
  });

  test("Entra ID's documented user and group sequence, replayed", async () => {
    // The connection test: a filter on a random id answers 200 with an empty list.
    const probe = ok(await call("GET", byUserName(`${randomUUID()}@testuser.com`)), 200);
    assert.deepEqual([probe.totalResults, probe.Resources], [0, []]);
    const groupProbe = ok(
      await call(
        "GET",
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${randomUUID()}"`)}`,
      ),
      200,
    );
    assert.equal(groupProbe.totalResults, 0);

    const n = randomUUID().slice(0, 8);
    const upn = `Test_User_${n}@testuser.com`;
    const created = ok(
      await call("POST", "/Users", {
        schemas: [USER, ENTERPRISE],
        externalId: `0a21f0f2-${n}`,
        userName: upn,
        active: true,
        emails: [{ primary: true, type: "work", value: `Test_User_mail_${n}@testuser.com` }],
        meta: { resourceType: "User" },
        name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
        roles: [],
      }),
      201,
    );
    assert.deepEqual(
      [created.userName, created.externalId, created.name.formatted, created.meta.resourceType],
      [upn, `0a21f0f2-${n}`, "givenName familyName", "User"],
    );
    const id = created.id as string;
    assert.equal(ok(await call("GET", `/Users/${id}`), 200).id, id);
    assert.equal(ok(await call("GET", byUserName(upn)), 200).Resources[0].id, id);
    const byExternal = `/Users?filter=${encodeURIComponent(`externalId eq "0a21f0f2-${n}"`)}`;
    assert.equal(ok(await call("GET", byExternal), 200).totalResults, 1);

    // Update User [Multi-valued properties]: the work email follows userName, the family name changes.
    const multi = ok(
      await call(
        "PATCH",
        `/Users/${id}`,
        patch(
          { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
          { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
        ),
      ),
      200,
    );
    assert.deepEqual(
      [multi.name.familyName, multi.name.formatted, multi.emails],
      ["updatedFamilyName", "givenName updatedFamilyName", [{ value: upn, type: "work", primary: true }]],
    );
    // Update User [Single-valued properties].
    const renamed = `${n}-renamed@testuser.com`;
    assert.equal(
      ok(await call("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "userName", value: renamed })), 200)
        .userName,
      renamed,
    );
    // Values without a path, keyed by dotted paths and the enterprise URN; attributes Roster does not keep are accepted.
    const manager = await newUser(`manager.${n}@testuser.com`);
    const enterprise = ok(
      await call(
        "PATCH",
        `/Users/${id}`,
        patch(
          {
            op: "Replace",
            value: {
              "name.givenName": "Grace",
              [`${ENTERPRISE}:department`]: "Sales",
              [`${ENTERPRISE}:employeeNumber`]: 1042,
              title: "Engineer",
              displayName: "Ignored",
            },
          },
          { op: "Add", path: `${ENTERPRISE}:manager`, value: manager },
          { op: "Add", path: 'phoneNumbers[type eq "work"].value', value: "555-0100" },
          { op: "Replace", value: { [ENTERPRISE]: { costCenter: "CC-1", division: "EMEA" } } },
        ),
      ),
      200,
    );
    assert.equal(enterprise.name.givenName, "Grace");
    assert.deepEqual(enterprise[ENTERPRISE], {
      department: "Sales",
      employeeNumber: "1042",
      costCenter: "CC-1",
      division: "EMEA",
      manager: { value: manager, $ref: `http://localhost:80/scim/v2/Users/${manager}` },
    });
    assert.deepEqual(enterprise.schemas, [USER, ENTERPRISE]);
    // Kept as user attributes, where data filters use them.
    const admin = await api.call(org.token, "GET", `/api/v1/users/${id}`);
    assert.deepEqual(admin.body.user.attributes, {
      department: ["Sales"],
      employeeNumber: ["1042"],
      manager: [manager],
      costCenter: ["CC-1"],
      division: ["EMEA"],
    });
    const removed = ok(
      await call("PATCH", `/Users/${id}`, patch({ op: "Remove", path: `${ENTERPRISE}:division` })),
      200,
    );
    assert.equal(removed[ENTERPRISE].division, undefined);

    // Disable User: Entra sends active as the string "False"; the user stays, visible to reads.
    const disabled = ok(
      await call("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "active", value: "False" })),
      200,
    );
    assert.equal(disabled.active, false);
    assert.equal(ok(await call("GET", byUserName(renamed)), 200).Resources[0].active, false);
    assert.equal(
      ok(await call("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "active", value: "True" })), 200)
        .active,
      true,
    );

    // Groups: created empty, read without members, renamed, members added with "$ref": null.
    const displayName = `Group_${n}`;
    const group = ok(
      await call("POST", "/Groups", {
        schemas: [GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
        externalId: `8aa1a0c0-${n}`,
        displayName,
        meta: { resourceType: "Group" },
      }),
      201,
    );
    assert.deepEqual(
      [group.displayName, group.externalId, group.members],
      [displayName, `8aa1a0c0-${n}`, []],
    );
    const gid = group.id as string;
    const withoutMembers = ok(await call("GET", `/Groups/${gid}?excludedAttributes=members`), 200);
    assert.equal("members" in withoutMembers, false);
    const found = ok(
      await call(
        "GET",
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`,
      ),
      200,
    );
    assert.deepEqual([found.totalResults, found.Resources[0].id], [1, gid]);
    const newName = `${n}updatedDisplayName`;
    const renaming = await call(
      "PATCH",
      `/Groups/${gid}`,
      patch({ op: "Replace", path: "displayName", value: newName }),
    );
    assert.equal(renaming.status, 204);
    assert.equal(ok(await call("GET", `/Groups/${gid}`), 200).displayName, newName);

    const add = patch({ op: "Add", path: "members", value: [{ $ref: null, value: id }] });
    assert.equal((await call("PATCH", `/Groups/${gid}`, add)).status, 204);
    const afterAdd = await revision();
    // Re-sent: no error, no duplicate, nothing written.
    assert.equal((await call("PATCH", `/Groups/${gid}`, add)).status, 204);
    assert.deepEqual(await members(gid), [id]);
    assert.equal(await revision(), afterAdd);
    assert.equal(ok(await call("GET", `/Users/${id}`), 200).groups[0].value, gid);

    // Remove Members: by a value list (Entra's documented form), then by members[value eq "..."].
    const remove = patch({ op: "Remove", path: "members", value: [{ $ref: null, value: id }] });
    assert.equal((await call("PATCH", `/Groups/${gid}`, remove)).status, 204);
    assert.deepEqual(await members(gid), []);
    assert.equal(
      (await call("PATCH", `/Groups/${gid}`, remove)).status,
      204,
      "removing a non-member is not an error",
    );
    await call(
      "PATCH",
      `/Groups/${gid}`,
      patch({ op: "Add", path: "members", value: [{ value: id }, { value: manager }] }),
    );
    assert.deepEqual(await members(gid), [id, manager].sort());
    assert.equal(
      (await call("PATCH", `/Groups/${gid}`, patch({ op: "Remove", path: `members[value eq "${id}"]` })))
        .status,
      204,
    );
    assert.deepEqual(await members(gid), [manager]);

    assert.equal((await call("DELETE", `/Groups/${gid}`)).status, 204);
    assert.equal((await call("GET", `/Groups/${gid}`)).status, 404);
    assert.equal((await call("DELETE", `/Users/${id}`)).status, 204);
    const gone = await call("GET", `/Users/${id}`);
    assert.deepEqual([gone.status, gone.body.schemas], [404, [ERROR]]);
    assert.equal((await call("DELETE", `/Users/${id}`)).status, 404);
  });

  test("PATCH takes op names in any case and several operations in one request, all or nothing", async () => {
    const id = await newUser(`multi.${randomUUID().slice(0, 8)}@example.com`);
    const done = ok(
      await call(
        "PATCH",
        `/Users/${id}`,
        patch(
          { op: "add", path: "externalId", value: "ext-1" },
          { op: "REPLACE", path: "name", value: { givenName: "Ada" } },
          { op: "Replace", path: "name.familyName", value: "Lovelace" },
          { op: "remove", path: "externalId" },
          { op: "add", path: "externalId", value: "ext-2" },
        ),
      ),
      200,
    );
    assert.deepEqual(
      [done.name.givenName, done.name.familyName, done.externalId],
      ["Ada", "Lovelace", "ext-2"],
    );
    const before = await revision();
    const refused = await call(
      "PATCH",
      `/Users/${id}`,
      patch(
        { op: "replace", path: "name.givenName", value: "Changed" },
        { op: "replace", path: "active", value: "sometimes" },
      ),
    );
    assert.deepEqual([refused.status, refused.body.scimType], [400, "invalidValue"]);
    assert.equal(await revision(), before);
    assert.equal(ok(await call("GET", `/Users/${id}`), 200).name.givenName, "Ada");
  });

  test("PUT replaces what SCIM keeps of a user and leaves Roster's own attributes; an unchanged PUT writes nothing", async () => {
    const userName = `put.${randomUUID().slice(0, 8)}@example.com`;
    const id = await newUser(userName, {
      externalId: "put-1",
      [ENTERPRISE]: { department: "Ops", costCenter: "C9" },
    });
    // An attribute set in Roster (for data filters) is not SCIM's.
    assert.equal(
      (
        await api.call(org.token, "PATCH", `/api/v1/users/${id}`, {
          attributes: { region: ["EMEA"], department: ["Ops"], costCenter: ["C9"] },
        })
      ).status,
      200,
    );
    const body = {
      schemas: [USER, ENTERPRISE],
      userName,
      name: { givenName: "New" },
      [ENTERPRISE]: { department: "Finance" },
    };
    const put = ok(await call("PUT", `/Users/${id}`, body), 200);
    assert.deepEqual(
      [put.name, put.externalId, put[ENTERPRISE], put.active],
      [{ givenName: "New", formatted: "New" }, undefined, { department: "Finance" }, true],
    );
    const admin = await api.call(org.token, "GET", `/api/v1/users/${id}`);
    assert.deepEqual(admin.body.user.attributes, { region: ["EMEA"], department: ["Finance"] });
    const before = await revision();
    assert.equal((await call("PUT", `/Users/${id}`, body)).status, 200);
    assert.equal(await revision(), before, "the same PUT again changes nothing");
    // Another user's userName, in any case, is taken.
    const other = await newUser(`other.${randomUUID().slice(0, 8)}@example.com`);
    const withOther = await revision();
    const taken = await call("PUT", `/Users/${other}`, { ...body, userName: userName.toUpperCase() });
    assert.deepEqual([taken.status, taken.body.scimType], [409, "uniqueness"]);
    const patched = await call(
      "PATCH",
      `/Users/${other}`,
      patch({ op: "replace", path: "userName", value: userName }),
    );
    assert.deepEqual([patched.status, patched.body.scimType], [409, "uniqueness"]);
    assert.equal(await revision(), withOther);
  });

  test("active false keeps the user and removes its access; deleting a user removes it from its groups", async () => {
    const userName = `analyst.${randomUUID().slice(0, 8)}@example.com`;
    const id = await newUser(userName);
    const group = ok(
      await call("POST", "/Groups", {
        displayName: `Finance ${randomUUID().slice(0, 6)}`,
        members: [{ value: id }],
      }),
      201,
    );
    const key = `fin-${randomUUID().slice(0, 8)}`;
    const resource = await api.call(org.token, "POST", "/api/v1/resources", {
      type: "app",
      key,
      name: "Finance",
    });
    assert.equal(resource.status, 201, JSON.stringify(resource.body));
    const rule = await api.call(org.token, "POST", "/api/v1/rules", {
      subject: { kind: "group", id: group.id },
      role: { role: "Reader" },
      scope: { kind: "resource", resourceId: resource.body.resource.id },
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const check = async (atLeastRevision: number) =>
      (
        await api.call(org.token, "POST", "/api/v1/access/check", {
          user: userName,
          resource: key,
          type: "app",
          capability: "view",
          atLeastRevision,
        })
      ).body.allowed;
    assert.equal(await check(rule.body.revision), true);

    const off = await call("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "active", value: false }));
    assert.equal(off.status, 200);
    const offRevision = Number(off.headers["roster-revision"]);
    assert.equal(await check(offRevision), false);
    // Still a user, still in its group.
    assert.equal(ok(await call("GET", `/Users/${id}`), 200).active, false);
    assert.deepEqual(await members(group.id), [id]);
    const on = await call("PATCH", `/Users/${id}`, patch({ op: "replace", value: { active: "true" } }));
    assert.equal(await check(Number(on.headers["roster-revision"])), true);

    const deleted = await call("DELETE", `/Users/${id}`);
    assert.equal(deleted.status, 204);
    assert.deepEqual(await members(group.id), []);
    assert.equal((await api.call(org.token, "GET", `/api/v1/users/${id}`)).status, 404);
    const audit = await api.call(org.token, "GET", `/api/v1/audit?target=${id}&action=user.remove`);
    assert.equal(audit.body.entries[0].before.groups[0].id, group.id);
  });

  test("a provisioned user is a member; an owner stays managed in Roster", async () => {
    const id = await newUser(`member.${randomUUID().slice(0, 8)}@example.com`);
    assert.equal((await api.call(org.token, "GET", `/api/v1/users/${id}`)).body.user.role, "member");
    const owner = await call(
      "PATCH",
      `/Users/${org.adminId}`,
      patch({ op: "replace", path: "active", value: false }),
    );
    assert.deepEqual([owner.status, owner.body.schemas], [403, [ERROR]]);
    assert.equal(ok(await call("GET", `/Users/${org.adminId}`), 200).active, true);
  });

  test("groups: PUT renames and replaces members in one change; nested groups; members by filter; unknown members refused", async () => {
    const n = randomUUID().slice(0, 6);
    const [a, b, c] = [
      await newUser(`a.${n}@example.com`),
      await newUser(`b.${n}@example.com`),
      await newUser(`c.${n}@example.com`),
    ];
    const inner = ok(
      await call("POST", "/Groups", { displayName: `Inner ${n}`, members: [{ value: c }] }),
      201,
    );
    const outer = ok(
      await call("POST", "/Groups", {
        displayName: `Outer ${n}`,
        externalId: `outer-${n}`,
        members: [{ value: a }, { value: inner.id, type: "Group" }],
      }),
      201,
    );
    assert.deepEqual(
      outer.members.map((m: { value: string; type: string }) => [m.value, m.type]).sort(),
      [
        [a, "User"],
        [inner.id, "Group"],
      ].sort(),
    );
    const before = await revision();
    const put = ok(
      await call("PUT", `/Groups/${outer.id}`, {
        displayName: `Outer renamed ${n}`,
        externalId: `outer-${n}`,
        members: [{ value: b }, { value: inner.id }],
      }),
      200,
    );
    assert.equal(put.displayName, `Outer renamed ${n}`);
    assert.deepEqual(put.members.map((m: { value: string }) => m.value).sort(), [b, inner.id].sort());
    assert.equal(await revision(), before + 1, "one change, one revision");
    // A PUT without members leaves them; externalId left out is cleared.
    const kept = ok(await call("PUT", `/Groups/${outer.id}`, { displayName: `Outer renamed ${n}` }), 200);
    assert.equal(kept.members.length, 2);
    assert.equal(kept.externalId, undefined);

    // Remove by a filter on type; then every member with a value-less remove.
    assert.equal(
      (await call("PATCH", `/Groups/${outer.id}`, patch({ op: "remove", path: 'members[type eq "Group"]' })))
        .status,
      204,
    );
    assert.deepEqual(await members(outer.id), [b]);
    assert.equal(
      (
        await call(
          "PATCH",
          `/Groups/${outer.id}`,
          patch({ op: "add", path: "members", value: [{ value: a }] }, { op: "remove", path: "members" }),
        )
      ).status,
      204,
    );
    assert.deepEqual(await members(outer.id), []);
    // Okta's value-less replace carries the id, which is not changed.
    const okta = await call(
      "PATCH",
      `/Groups/${outer.id}`,
      patch({ op: "replace", value: { id: outer.id, displayName: `Okta ${n}` } }),
    );
    assert.equal(okta.status, 204);
    // A PATCH asked for attributes answers with the group.
    const shown = await call(
      "PATCH",
      `/Groups/${outer.id}?attributes=displayName`,
      patch({ op: "add", path: "members", value: [{ value: c }] }),
    );
    assert.deepEqual(shown.body, { schemas: [GROUP], id: outer.id, displayName: `Okta ${n}` });

    const unchanged = await revision();
    const unknown = await call(
      "PATCH",
      `/Groups/${outer.id}`,
      patch({ op: "add", path: "members", value: [{ value: a }, { value: "usr_nobody" }] }),
    );
    assert.deepEqual([unknown.status, unknown.body.scimType], [400, "invalidValue"]);
    assert.match(unknown.body.detail, /usr_nobody/);
    const taken = await call("POST", "/Groups", { displayName: `inner ${n}`.toUpperCase() });
    assert.deepEqual([taken.status, taken.body.scimType], [409, "uniqueness"]);
    const renameTaken = await call(
      "PATCH",
      `/Groups/${outer.id}`,
      patch({ op: "replace", path: "displayName", value: `Inner ${n}` }),
    );
    assert.deepEqual([renameTaken.status, renameTaken.body.scimType], [409, "uniqueness"]);
    const badFilter = await call(
      "PATCH",
      `/Groups/${outer.id}`,
      patch({ op: "remove", path: 'members[display eq "x"]' }),
    );
    assert.deepEqual([badFilter.status, badFilter.body.scimType], [400, "invalidPath"]);
    const cycle = await call(
      "PATCH",
      `/Groups/${inner.id}`,
      patch({ op: "add", path: "members", value: [{ value: outer.id }] }),
    );
    assert.equal(cycle.status, 204, "inner may hold outer: outer no longer holds inner");
    const closing = await call(
      "PATCH",
      `/Groups/${outer.id}`,
      patch({ op: "add", path: "members", value: [{ value: inner.id }] }),
    );
    assert.deepEqual([closing.status, closing.body.scimType], [400, "invalidValue"]);
    assert.equal(await revision(), unchanged + 1);
    // System groups are not SCIM resources.
    const admins = (await api.call(org.token, "GET", "/api/v1/groups")).body.groups.find(
      (g: { system: string | null }) => g.system === "administrators",
    );
    assert.equal((await call("GET", `/Groups/${admins.id}`)).status, 404);
    assert.equal(
      (
        await call(
          "PATCH",
          `/Groups/${admins.id}`,
          patch({ op: "add", path: "members", value: [{ value: a }] }),
        )
      ).status,
      404,
    );
  });

  test("custom groups need the enterprise plan: a SCIM error names it; users provision on every plan", async () => {
    const team = await newOrg("team");
    const token = `Bearer ${team.scim}`;
    const before = await revision(team);
    const refused = await scim(api, token, "POST", "/Groups", { displayName: "Sales" });
    assert.deepEqual([refused.status, refused.body.schemas, refused.body.status], [403, [ERROR], "403"]);
    assert.match(refused.body.detail, /enterprise plan/);
    assert.match(refused.body.detail, /\bteam\b/);
    assert.equal(await revision(team), before);
    const list = await scim(api, token, "GET", "/Groups");
    assert.deepEqual([list.status, list.body.totalResults], [200, 0]);
    assert.equal((await scim(api, token, "POST", "/Users", { userName: "someone@example.com" })).status, 201);
  });

  test("every SCIM write is a command: it moves the revision, is audited with the token and the request, and the log folds to the store", async () => {
    const o = await newOrg();
    const token = `Bearer ${o.scim}`;
    let last = await revision(o);
    const writes: [string, Res][] = [];
    const step = async (what: string, res: Res) => {
      assert.ok(res.status < 300, `${what}: ${JSON.stringify(res.body)}`);
      const now = await revision(o);
      assert.ok(now > last, `${what} moves the revision`);
      assert.equal(Number(res.headers["roster-revision"]), now, `${what} answers with the revision`);
      last = now;
      writes.push([what, res]);
      return res.body;
    };
    const user = await step(
      "POST user",
      await scim(api, token, "POST", "/Users", { userName: "audit@example.com" }),
    );
    await step(
      "PUT user",
      await scim(api, token, "PUT", `/Users/${user.id}`, {
        userName: "audit@example.com",
        name: { givenName: "Aud" },
      }),
    );
    await step(
      "PATCH user",
      await scim(
        api,
        token,
        "PATCH",
        `/Users/${user.id}`,
        patch({ op: "replace", path: "active", value: false }),
      ),
    );
    const group = await step(
      "POST group",
      await scim(api, token, "POST", "/Groups", { displayName: "Audited" }),
    );
    await step(
      "PATCH group",
      await scim(
        api,
        token,
        "PATCH",
        `/Groups/${group.id}`,
        patch({ op: "add", path: "members", value: [{ value: user.id }] }),
      ),
    );
    await step(
      "PUT group",
      await scim(api, token, "PUT", `/Groups/${group.id}`, { displayName: "Audited 2", members: [] }),
    );
    await step("DELETE group", await scim(api, token, "DELETE", `/Groups/${group.id}`));
    await step("DELETE user", await scim(api, token, "DELETE", `/Users/${user.id}`));

    const audit = await api.call(o.token, "GET", "/api/v1/audit?actor=Entra&limit=100");
    const actions = (audit.body.entries as { action: string }[]).map((e) => e.action).reverse();
    assert.deepEqual(actions, [
      "user.create",
      "user.update",
      "user.deactivate",
      "group.create",
      "group.members.add",
      "group.update",
      "group.members.remove",
      "group.delete",
      "user.remove",
    ]);
    for (const e of audit.body.entries) {
      assert.deepEqual([e.actor.kind, e.actor.label], ["token", "token Entra ID"]);
      assert.ok(e.requestId);
    }
    const requestIds = new Set(writes.map(([, res]) => res.headers["x-request-id"]));
    assert.ok(audit.body.entries.every((e: { requestId: string }) => requestIds.has(e.requestId)));
    await assertLogMatchesStore(store(), asTestOrg(o));
    await assertLogMatchesStore(store(), asTestOrg(org));
  });
});

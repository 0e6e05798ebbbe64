import type { Filter } from "scim2-parse-filter";
import type { GroupEdit, GroupMembers, MemberRef, MemberStep } from "../../../commands/index.ts";
import { fail, type GroupId, type UserId } from "../../../domain/index.ts";
import { SCIM_GROUP, type ScimGroupRecord } from "../../../queries/index.ts";
import { etag } from "./context.ts";
import {
  type AttrPath,
  expandValue,
  field,
  isObject,
  type Json,
  type PatchOperation,
  patchOperations,
  text,
} from "./patch.ts";

/**
 * A Roster custom group as a SCIM Group (RFC 7643 §4.2): `displayName` is
 * its name (unique per organization, case-insensitively), `externalId` the
 * identity provider's id, `members` its direct members, users and nested
 * groups (`type` User or Group). Its privileges, rules and notifications are
 * Roster's and SCIM leaves them alone.
 */

/** The most member values one request may name. */
const MAX_MEMBER_VALUES = 10_000;

export function groupResource(record: ScimGroupRecord, base: string): Json {
  const { group } = record;
  return {
    schemas: [SCIM_GROUP],
    id: group.id,
    ...(group.externalId !== undefined && { externalId: group.externalId }),
    displayName: group.name,
    ...(record.members && {
      members: record.members.map((m) => ({
        value: m.id,
        $ref: `${base}/${m.kind === "user" ? "Users" : "Groups"}/${m.id}`,
        display: m.display,
        type: m.kind === "user" ? "User" : "Group",
      })),
    }),
    meta: {
      resourceType: "Group",
      created: group.createdAt,
      lastModified: record.lastModified,
      location: `${base}/Groups/${group.id}`,
      version: etag(record.version),
    },
  };
}

/** A member step before its values are known to be users or groups. */
export type RawStep =
  | { readonly op: "add" | "remove" | "replace"; readonly values: readonly string[] }
  | { readonly op: "remove_where"; readonly filter: Filter };

/** A group change as a request says it; `values` still to be resolved to users and groups. */
export type GroupChange = {
  readonly name?: string;
  readonly externalId?: string | null;
  readonly steps: readonly RawStep[];
};

function displayName(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    fail("group.invalid", "displayName is required: the group's name.", { field: "displayName" });
  }
  return value;
}

function externalId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const id = text(value, "externalId").trim();
  return id || null;
}

/** Member values from `[{ value, $ref, display, type }]` (or one such object); `$ref` and the rest are not needed. */
function memberValues(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_MEMBER_VALUES)
    fail("request.too_large", `At most ${MAX_MEMBER_VALUES} members per request.`);
  return list.map((m) => {
    const v = isObject(m) ? field(m, "value") : undefined;
    if (typeof v !== "string" || v.trim() === "") {
      fail("group.invalid", 'Each member is an object with a "value": the id of a user or a group.', {
        field: "members",
      });
    }
    return v.trim();
  });
}

/** A group from a POST body. */
export function groupFromBody(body: unknown): { name: string; externalId: string | null; members: string[] } {
  if (!isObject(body)) fail("scim.invalid_syntax", "A Group is a JSON object.");
  return {
    name: displayName(field(body, "displayName")),
    externalId: externalId(field(body, "externalId")),
    members: memberValues(field(body, "members")),
  };
}

/**
 * A PUT: the name and externalId as given (externalId left out is cleared);
 * the members as given, or as they are when the body leaves `members` out.
 */
export function groupReplacement(body: unknown): GroupChange {
  const group = groupFromBody(body);
  const members = field(body as Json, "members");
  return {
    name: group.name,
    externalId: group.externalId,
    steps: members === undefined ? [] : [{ op: "replace", values: group.members }],
  };
}

// ---- PATCH ---------------------------------------------------------------------------

type Target = "displayName" | "externalId" | "members" | "ignored";

function target(path: AttrPath, explicit: boolean): Target {
  if (path.schema !== null) return "ignored";
  const attr = path.attr!;
  if (attr === "id" || attr === "meta" || attr === "schemas") {
    if (!explicit) return "ignored";
    fail("scim.mutability", `${attr} is set by the server and cannot be changed.`);
  }
  if (attr === "members") {
    if (path.sub !== null)
      fail("scim.invalid_path", `${path.text}: change members as a whole or by [filter].`);
    return "members";
  }
  if (path.filter || path.sub !== null)
    fail("scim.invalid_path", `${path.text}: ${attr} has no sub-attributes.`);
  if (attr === "displayname") return "displayName";
  if (attr === "externalid") return "externalId";
  return fail("scim.invalid_path", `${path.text}: the Group schema has no attribute ${attr}.`);
}

/**
 * The change a PATCH body makes, checked before anything is read. Member
 * operations keep their order; the name and externalId end as the last
 * operation on them sets them.
 */
export function groupPatch(body: unknown): GroupChange {
  const operations = patchOperations(body, SCIM_GROUP, []);
  let change: { name?: string; externalId?: string | null } = {};
  const steps: RawStep[] = [];
  const one = (op: PatchOperation["op"], path: AttrPath, value: unknown, explicit: boolean) => {
    const t = target(path, explicit);
    if (t === "ignored") return;
    if (t === "displayName") {
      if (op === "remove") fail("group.invalid", "displayName is required: it cannot be removed.");
      change = { ...change, name: displayName(value) };
    } else if (t === "externalId") {
      change = { ...change, externalId: op === "remove" ? null : externalId(value) };
    } else if (path.filter) {
      if (op !== "remove") fail("scim.invalid_path", `${path.text}: only remove takes a filter on members.`);
      steps.push(memberFilterStep(path.filter, path.text));
    } else if (op === "remove") {
      // Without a value, every member goes (RFC 7644 §3.5.2.2); with one, those listed (Entra).
      steps.push(
        value === undefined ? { op: "replace", values: [] } : { op: "remove", values: memberValues(value) },
      );
    } else {
      steps.push({ op: op === "add" ? "add" : "replace", values: memberValues(value) });
    }
  };
  for (const o of operations) {
    if (o.path) one(o.op, o.path, o.value, true);
    else for (const e of expandValue(o, SCIM_GROUP, [])) one(e.op, e.path, e.value, false);
  }
  return { ...change, steps };
}

/**
 * `members[value eq "id"]` (or several `value eq` joined by `or`) removes those
 * members; another filter on `value` and `type` removes those it matches.
 */
function memberFilterStep(filter: Filter, path: string): RawStep {
  const values = valueList(filter);
  if (values) return { op: "remove", values };
  memberTest(filter, path); // refuses a filter on anything but value and type
  return { op: "remove_where", filter };
}

function valueList(f: Filter): string[] | null {
  if (f.op === "eq") {
    const c = f as { attrPath: string; compValue: unknown };
    return c.attrPath.toLowerCase() === "value" && typeof c.compValue === "string" ? [c.compValue] : null;
  }
  if (f.op === "or") {
    const all = (f as { filters: Filter[] }).filters.map(valueList);
    return all.every((v) => v !== null) ? (all.flat() as string[]) : null;
  }
  return null;
}

/** A filter on a member (`value`, case-exact; `type`, User or Group, any case) as a test. */
export function memberTest(filter: Filter, path: string): (m: MemberRef) => boolean {
  switch (filter.op) {
    case "and":
    case "or": {
      const tests = (filter as { filters: Filter[] }).filters.map((f) => memberTest(f, path));
      return filter.op === "and" ? (m) => tests.every((t) => t(m)) : (m) => tests.some((t) => t(m));
    }
    case "not": {
      const t = memberTest((filter as { filter: Filter }).filter, path);
      return (m) => !t(m);
    }
    case "[]":
      return fail("scim.invalid_path", `${path}: a member filter cannot hold another [filter].`);
    default: {
      const f = filter as { op: string; attrPath: string; compValue?: unknown };
      const attr = f.attrPath.toLowerCase();
      if (attr !== "value" && attr !== "type") {
        fail("scim.invalid_path", `${path}: members can be chosen by value or type, not ${f.attrPath}.`);
      }
      const read = (m: MemberRef) => (attr === "value" ? m.id : m.kind === "user" ? "user" : "group");
      if (f.op === "pr") return () => true;
      if (typeof f.compValue !== "string")
        fail("scim.invalid_path", `${path}: compare ${attr} with a string.`);
      const v = attr === "value" ? f.compValue : f.compValue.toLowerCase();
      const ops: Record<string, (x: string) => boolean> = {
        eq: (x) => x === v,
        ne: (x) => x !== v,
        co: (x) => x.includes(v),
        sw: (x) => x.startsWith(v),
        ew: (x) => x.endsWith(v),
        gt: (x) => x > v,
        ge: (x) => x >= v,
        lt: (x) => x < v,
        le: (x) => x <= v,
      };
      const test = ops[f.op] ?? fail("scim.invalid_path", `${path}: unknown operator ${f.op}.`);
      return (m) => test(read(m));
    }
  }
}

export type MemberKinds = { readonly userIds: readonly string[]; readonly groupIds: readonly string[] };

/** Member values as users and groups; one naming neither is refused when `adding`, else skipped. */
export function membersOf(values: readonly string[], kinds: MemberKinds, adding: boolean): GroupMembers {
  const users = new Set(kinds.userIds);
  const groups = new Set(kinds.groupIds);
  const unknown = values.filter((v) => !users.has(v) && !groups.has(v));
  if (adding && unknown.length > 0) {
    fail("group.invalid", `No user or group ${unknown.join(", ")} in this organization.`, {
      field: "members",
      values: unknown,
    });
  }
  return {
    userIds: values.filter((v) => users.has(v)) as UserId[],
    groupIds: values.filter((v) => groups.has(v)) as GroupId[],
  };
}

/**
 * The steps with their values resolved (`kinds`: which are users, which
 * groups). A value naming neither is refused where it would add a member,
 * and skipped where it removes one (it is not a member).
 */
export function groupEdit(change: GroupChange, kinds: MemberKinds): GroupEdit {
  const members: MemberStep[] = change.steps.map((s) =>
    s.op === "remove_where"
      ? { op: "remove_where", where: memberTest(s.filter, "members") }
      : { op: s.op, members: membersOf(s.values, kinds, s.op !== "remove") },
  );
  return {
    ...(change.name !== undefined && { name: change.name }),
    ...(change.externalId !== undefined && { externalId: change.externalId }),
    members,
  };
}

/** Every value a change names, to resolve in one read. */
export function changeValues(change: GroupChange): string[] {
  return change.steps.flatMap((s) => (s.op === "remove_where" ? [] : s.values));
}

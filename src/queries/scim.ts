import { type SQL, sql } from "drizzle-orm";
import { type Filter, parse } from "scim2-parse-filter";
import {
  type Attributes,
  type DelegationId,
  fail,
  type Group,
  type GroupId,
  type NotifySetting,
  type OrgId,
  type User,
  type UserId,
  type UserStatus,
} from "../domain/index.ts";
import { rows, type Store } from "../store/index.ts";
import { toIso } from "./groups.ts";

/**
 * SCIM reads (RFC 7644 §3.4): users and custom groups as stored, found by a
 * SCIM filter that this module translates into SQL over the users and groups
 * tables, organization-scoped, sorted and paged in the database. A filter on
 * an attribute Roster does not keep is refused (`scim.invalid_filter`), never
 * answered by loading rows and testing them here.
 */

export const SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const SCIM_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const SCIM_ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/**
 * The enterprise extension's attributes, kept as user attributes under the
 * same names (`department: ["Sales"]`), where data filters can use them.
 * `manager` holds the manager's user id.
 */
export const ENTERPRISE_ATTRIBUTES = [
  "employeeNumber",
  "costCenter",
  "organization",
  "division",
  "department",
  "manager",
] as const;
export type EnterpriseAttribute = (typeof ENTERPRISE_ATTRIBUTES)[number];

/** The longest filter accepted, in characters. */
const MAX_FILTER = 4096;

export type ScimListInput = {
  readonly filter?: string | undefined;
  /** 1-based. */
  readonly startIndex: number;
  /** 0 counts without returning resources. */
  readonly count: number;
  readonly sortBy?: string | undefined;
  readonly descending?: boolean | undefined;
};

export type ScimVersion = {
  /** The revision of the last audited change (0 when none was). */
  readonly version: number;
  readonly lastModified: string;
};

export type ScimUserRecord = ScimVersion & {
  readonly user: User;
  /** The custom groups the user is directly in, when asked for. */
  readonly groups?: readonly { readonly id: GroupId; readonly name: string }[];
};

export type ScimMember = {
  readonly id: UserId | GroupId;
  readonly kind: "user" | "group";
  readonly display: string;
};

export type ScimGroupRecord = ScimVersion & {
  readonly group: Group;
  /** Direct members (users and nested groups), when asked for. */
  readonly members?: readonly ScimMember[];
};

export type ScimPage<T> = { readonly total: number; readonly records: readonly T[] };

// ---- attributes ----------------------------------------------------------------------

type ValueType = "string" | "boolean" | "dateTime";

/** A single value: a column or an expression of the row. */
type Scalar = {
  readonly kind: "scalar";
  readonly type: ValueType;
  readonly sql: SQL;
  /** Compared as written (ids, externalId); otherwise case-insensitively. */
  readonly caseExact: boolean;
  /** The column already holds the lower-cased value (users.email_normalized, whose index then serves). */
  readonly folded?: boolean;
  /** May be NULL (an absent value). */
  readonly nullable?: boolean;
};

/** A multi-valued attribute: a condition on its elements' sub-attributes holds for one of them. */
type Multi = {
  readonly kind: "multi";
  readonly some: (condition: SQL) => SQL;
  readonly sub: Readonly<Record<string, Scalar>>;
  /** The sub-attribute a comparison on the attribute itself uses (`emails co "x"` is `emails.value co "x"`). */
  readonly primary: string;
  /** What sorting by it uses, when it sorts. */
  readonly sortKey?: SQL;
};

type Attr = Scalar | Multi;

/** How one resource type's attribute paths (lower-cased, schema URN removed) map onto SQL. */
type Resolver = (path: readonly string[], extension: boolean) => Attr | undefined;

const str = (expr: SQL, caseExact = false, more: { folded?: boolean; nullable?: boolean } = {}): Scalar => ({
  kind: "scalar",
  type: "string",
  sql: expr,
  caseExact,
  ...more,
});
const bool = (expr: SQL): Scalar => ({ kind: "scalar", type: "boolean", sql: expr, caseExact: true });
const date = (expr: SQL): Scalar => ({ kind: "scalar", type: "dateTime", sql: expr, caseExact: true });

/** The time of the last audited change to a row (its creation when none was). */
const lastModified = (id: SQL, orgId: SQL, created: SQL) =>
  sql`coalesce((select max(a.at) from audit a where a.org_id = ${orgId} and a.target_id = ${id}), ${created})`;

const USER_DISPLAY = sql`coalesce(nullif(trim(u.first_name || ' ' || u.last_name), ''), u.email)`;

/** A user attribute kept as a list of strings in users.attributes (the enterprise extension). */
function attributeList(key: string): Multi {
  return {
    kind: "multi",
    some: (c) =>
      sql`exists (select 1 from jsonb_array_elements_text(coalesce(u.attributes -> ${key}::text, '[]'::jsonb)) as ev(v) where ${c})`,
    // The manager is a user id: compared as written.
    sub: { value: str(sql`ev.v`, key === "manager") },
    primary: "value",
    sortKey: sql`lower(u.attributes -> ${key}::text ->> 0)`,
  };
}

const userAttributes: Resolver = (path, extension) => {
  const [a, b, ...rest] = path;
  if (rest.length > 0) return undefined;
  if (extension) {
    const key = ENTERPRISE_ATTRIBUTES.find((k) => k.toLowerCase() === a);
    if (!key || (b !== undefined && !(key === "manager" && b === "value"))) return undefined;
    return attributeList(key);
  }
  const emails: Multi = {
    kind: "multi",
    // A user has one email: its element is the row itself.
    some: (c) => c,
    sub: {
      value: str(sql`u.email_normalized`, false, { folded: true }),
      display: str(sql`u.email`),
      type: str(sql`'work'`),
      primary: bool(sql`true`),
    },
    primary: "value",
    sortKey: sql`u.email_normalized`,
  };
  const groups: Multi = {
    kind: "multi",
    some: (c) =>
      sql`exists (select 1 from group_user_members gm join groups mg on mg.id = gm.group_id
                  where gm.user_id = u.id and gm.org_id = u.org_id and mg.system is null and ${c})`,
    sub: { value: str(sql`mg.id`, true), display: str(sql`mg.name`), type: str(sql`'direct'`) },
    primary: "value",
  };
  const single: Record<string, Attr | undefined> = {
    id: str(sql`u.id`, true),
    username: str(sql`u.email_normalized`, false, { folded: true }),
    externalid: str(sql`u.external_id`, true, { nullable: true }),
    displayname: str(USER_DISPLAY),
    active: bool(sql`(u.status = 'active')`),
    emails,
    groups,
  };
  if (b === undefined) return single[a!];
  if (a === "name") {
    return (
      {
        givenname: str(sql`u.first_name`),
        familyname: str(sql`u.last_name`),
        formatted: str(sql`nullif(trim(u.first_name || ' ' || u.last_name), '')`, false, { nullable: true }),
      } as Record<string, Scalar | undefined>
    )[b];
  }
  if (a === "meta") {
    return (
      {
        created: date(sql`u.created_at`),
        lastmodified: date(lastModified(sql`u.id`, sql`u.org_id`, sql`u.created_at`)),
        resourcetype: str(sql`'User'`),
      } as Record<string, Scalar | undefined>
    )[b];
  }
  return subAttribute(single[a!], b);
};

/** `attr.sub` of a multi-valued attribute: the attribute, compared on that sub-attribute. */
function subAttribute(attr: Attr | undefined, sub: string): Multi | undefined {
  if (attr?.kind !== "multi" || !attr.sub[sub]) return undefined;
  const { sortKey, ...rest } = attr;
  return { ...rest, primary: sub, ...(sub === attr.primary && sortKey && { sortKey }) };
}

const GROUP_MEMBERS = sql`(
  select gm.user_id as value, 'User' as type, coalesce(nullif(trim(mu.first_name || ' ' || mu.last_name), ''), mu.email) as display
    from group_user_members gm join users mu on mu.id = gm.user_id where gm.group_id = g.id
  union all
  select gg.child_id, 'Group', cg.name from group_group_members gg join groups cg on cg.id = gg.child_id
    where gg.parent_id = g.id)`;

const groupAttributes: Resolver = (path, extension) => {
  const [a, b, ...rest] = path;
  if (extension || rest.length > 0) return undefined;
  const members: Multi = {
    kind: "multi",
    some: (c) => sql`exists (select 1 from ${GROUP_MEMBERS} as mem where ${c})`,
    sub: { value: str(sql`mem.value`, true), type: str(sql`mem.type`), display: str(sql`mem.display`) },
    primary: "value",
  };
  const single: Record<string, Attr | undefined> = {
    id: str(sql`g.id`, true),
    displayname: str(sql`g.name`),
    externalid: str(sql`g.external_id`, true, { nullable: true }),
    members,
  };
  if (b === undefined) return single[a!];
  if (a === "meta") {
    return (
      {
        created: date(sql`g.created_at`),
        lastmodified: date(lastModified(sql`g.id`, sql`g.org_id`, sql`g.created_at`)),
        resourcetype: str(sql`'Group'`),
      } as Record<string, Scalar | undefined>
    )[b];
  }
  return a === "members" ? subAttribute(members, b) : undefined;
};

/**
 * An attribute path as written in a filter or sortBy: an optional schema URN
 * (the resource's own, or the enterprise extension for users), then
 * dot-separated names, all case-insensitive.
 */
function splitPath(path: string, core: string): { path: string[]; extension: boolean } | null {
  const lower = path.toLowerCase();
  for (const [urn, extension] of [
    [core, false],
    [SCIM_ENTERPRISE_USER, true],
  ] as const) {
    const prefix = `${urn.toLowerCase()}:`;
    if (lower.startsWith(prefix)) return { path: lower.slice(prefix.length).split("."), extension };
  }
  if (lower.startsWith("urn:")) return null;
  return { path: lower.split("."), extension: false };
}

// ---- filters -----------------------------------------------------------------------

type Resource = { readonly core: string; readonly resolve: Resolver; readonly name: string };

const USERS: Resource = { core: SCIM_USER, resolve: userAttributes, name: "User" };
const GROUPS: Resource = { core: SCIM_GROUP, resolve: groupAttributes, name: "Group" };

function invalidFilter(message: string): never {
  return fail("scim.invalid_filter", message);
}

/** Parses a filter (RFC 7644 §3.4.2.2); a syntax error is `scim.invalid_filter`. */
export function parseScimFilter(text: string): Filter {
  if (text.length > MAX_FILTER) invalidFilter(`The filter is longer than ${MAX_FILTER} characters.`);
  try {
    return parse(text);
  } catch (e) {
    return invalidFilter(`The filter "${text}" is not a SCIM filter: ${(e as Error).message}.`);
  }
}

/** The SQL condition of a parsed filter on a resource type. */
function condition(filter: Filter, resource: Resource, within?: Multi): SQL {
  switch (filter.op) {
    case "and":
    case "or": {
      const parts = (filter as { filters: Filter[] }).filters.map(
        (f) => sql`(${condition(f, resource, within)})`,
      );
      return sql.join(parts, filter.op === "and" ? sql` and ` : sql` or `);
    }
    case "not":
      // Comparisons on an absent value are NULL: under "not" they count as false, as everywhere else.
      return sql`not coalesce((${condition((filter as { filter: Filter }).filter, resource, within)}), false)`;
    case "[]": {
      const f = filter as { attrPath: string; valFilter: Filter };
      if (within) invalidFilter(`A value filter cannot be nested inside another: ${f.attrPath}[...].`);
      const attr = attribute(f.attrPath, resource);
      if (attr.kind !== "multi") invalidFilter(`${f.attrPath} is not multi-valued: it takes no [filter].`);
      return attr.some(condition(f.valFilter, resource, attr));
    }
    default: {
      const f = filter as { op: string; attrPath: string; compValue?: unknown };
      if (within) {
        const sub = within.sub[f.attrPath.toLowerCase()];
        if (!sub)
          invalidFilter(`No sub-attribute ${f.attrPath} here: ${Object.keys(within.sub).join(", ")}.`);
        return compare(sub, f.op, f.compValue, f.attrPath);
      }
      const attr = attribute(f.attrPath, resource);
      if (attr.kind === "scalar") return compare(attr, f.op, f.compValue, f.attrPath);
      const sub = attr.sub[attr.primary]!;
      // "Not equal" on a multi-valued attribute: no element equals it.
      if (f.op === "ne") return sql`not ${attr.some(compare(sub, "eq", f.compValue, f.attrPath))}`;
      return attr.some(compare(sub, f.op, f.compValue, f.attrPath));
    }
  }
}

function attribute(path: string, resource: Resource): Attr {
  const split = splitPath(path, resource.core);
  const attr = split && resource.resolve(split.path, split.extension);
  if (!attr) invalidFilter(`Filtering ${resource.name}s on ${path} is not supported.`);
  return attr;
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const OPERATORS: Record<string, SQL> = {
  eq: sql`=`,
  ne: sql`<>`,
  gt: sql`>`,
  ge: sql`>=`,
  lt: sql`<`,
  le: sql`<=`,
};

/**
 * One comparison, written so an index on the column can serve it (no
 * function around a folded or case-exact column). On an absent (NULL)
 * value it is NULL, which the query treats as false; `ne` matches it.
 */
function compare(attr: Scalar, op: string, value: unknown, path: string): SQL {
  if (op === "pr") {
    return attr.type === "string" ? sql`coalesce(${attr.sql} <> '', false)` : sql`(${attr.sql} is not null)`;
  }
  if (value === null || value === undefined) {
    invalidFilter(`${path} ${op} null: test for a value with "${path} pr" instead.`);
  }
  if (attr.type === "boolean") {
    const b =
      typeof value === "boolean"
        ? value
        : typeof value === "string" && /^(true|false)$/i.test(value)
          ? value.toLowerCase() === "true"
          : invalidFilter(`${path} is a boolean: compare it with true or false.`);
    if (op !== "eq" && op !== "ne") invalidFilter(`${path} is a boolean: only eq, ne and pr apply.`);
    return op === "eq" ? sql`${attr.sql} = ${b}` : sql`${attr.sql} <> ${b}`;
  }
  if (attr.type === "dateTime") {
    const at = typeof value === "string" ? new Date(value) : null;
    if (!at || Number.isNaN(at.getTime()))
      invalidFilter(`${path} is a date and time: "${value}" is not one.`);
    const operator =
      OPERATORS[op] ?? invalidFilter(`${path} is a date and time: ${op} does not apply to it.`);
    return sql`${attr.sql} ${operator} ${at.toISOString()}::timestamptz`;
  }
  if (typeof value !== "string" && typeof value !== "number") {
    invalidFilter(`${path} is a string: compare it with a quoted string.`);
  }
  const text = String(value);
  const left = attr.caseExact || attr.folded ? attr.sql : sql`lower(${attr.sql})`;
  const right = (v: string) =>
    attr.caseExact ? sql`${v}` : attr.folded ? sql`${v.toLowerCase()}` : sql`lower(${v})`;
  switch (op) {
    case "co":
      return sql`${left} like ${right(`%${literal(text)}%`)}`;
    case "sw":
      return sql`${left} like ${right(`${literal(text)}%`)}`;
    case "ew":
      return sql`${left} like ${right(`%${literal(text)}`)}`;
    case "ne":
      return attr.nullable
        ? sql`(${left} <> ${right(text)} or ${attr.sql} is null)`
        : sql`${left} <> ${right(text)}`;
    default: {
      const operator = OPERATORS[op] ?? invalidFilter(`Unknown operator ${op}.`);
      return sql`${left} ${operator} ${right(text)}`;
    }
  }
}

/** The condition of an optional filter text. */
function where(text: string | undefined, resource: Resource): SQL {
  const trimmed = text?.trim();
  return trimmed ? condition(parseScimFilter(trimmed), resource) : sql`true`;
}

/** ORDER BY for sortBy (RFC 7644 §3.4.2.3): a single-valued attribute, or a multi-valued one by its primary value. */
function orderBy(
  sortBy: string | undefined,
  descending: boolean,
  resource: Resource,
  fallback: SQL,
  id: SQL,
) {
  const direction = descending ? sql`desc` : sql`asc`;
  if (!sortBy?.trim()) return sql`${fallback} ${direction}, ${id} ${direction}`;
  const split = splitPath(sortBy.trim(), resource.core);
  const attr = split && resource.resolve(split.path, split.extension);
  const key =
    attr?.kind === "scalar"
      ? attr.caseExact || attr.folded || attr.type !== "string"
        ? attr.sql
        : sql`lower(${attr.sql})`
      : attr?.sortKey;
  if (!key) {
    return fail("request.invalid", `${resource.name}s cannot be sorted by ${sortBy}.`, { field: "sortBy" });
  }
  return sql`${key} ${direction} nulls last, ${id} ${direction}`;
}

// ---- users -------------------------------------------------------------------------

type UserRow = {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  status: UserStatus;
  external_id: string | null;
  attributes: Attributes | string;
  owner: boolean;
  created_at: Date | string;
};

/** The organization's users matching a filter, one page of them, and how many match. */
export async function scimUsers(
  store: Store,
  orgId: OrgId,
  input: ScimListInput & { readonly groups?: boolean },
): Promise<ScimPage<ScimUserRecord>> {
  const condition = sql`u.org_id = ${orgId} and (${where(input.filter, USERS)})`;
  const order = orderBy(input.sortBy, input.descending ?? false, USERS, sql`u.email_normalized`, sql`u.id`);
  const [count] = await rows<{ n: number | string }>(
    store.db,
    sql`select count(*)::int as n from users u where ${condition}`,
  );
  const list =
    input.count > 0
      ? await rows<UserRow>(
          store.db,
          sql`select u.id, u.email, u.first_name, u.last_name, u.status, u.external_id, u.attributes, u.owner, u.created_at
              from users u where ${condition}
              order by ${order} limit ${input.count} offset ${input.startIndex - 1}`,
        )
      : [];
  return {
    total: Number(count?.n ?? 0),
    records: await userRecords(store, orgId, list, input.groups ?? false),
  };
}

/** One user, or `user.not_found`. */
export async function scimUser(
  store: Store,
  orgId: OrgId,
  id: string,
  options: { readonly groups?: boolean } = {},
): Promise<ScimUserRecord> {
  const list = await rows<UserRow>(
    store.db,
    sql`select u.id, u.email, u.first_name, u.last_name, u.status, u.external_id, u.attributes, u.owner, u.created_at
        from users u where u.org_id = ${orgId} and u.id = ${id}`,
  );
  const [record] = await userRecords(store, orgId, list, options.groups ?? false);
  return record ?? fail("user.not_found", `No user ${id} in this organization.`, { id });
}

async function userRecords(
  store: Store,
  orgId: OrgId,
  list: UserRow[],
  withGroups: boolean,
): Promise<ScimUserRecord[]> {
  if (list.length === 0) return [];
  const ids = list.map((u) => u.id);
  const versions = await lastChanges(store, orgId, ids);
  const groupsOf = new Map<string, { id: GroupId; name: string }[]>();
  if (withGroups) {
    const memberships = await rows<{ user_id: string; id: string; name: string }>(
      store.db,
      sql`select m.user_id, g.id, g.name from group_user_members m join groups g on g.id = m.group_id
          where m.org_id = ${orgId} and m.user_id in ${ids} and g.system is null
          order by lower(g.name), g.id`,
    );
    for (const m of memberships) {
      const own = groupsOf.get(m.user_id) ?? [];
      own.push({ id: m.id as GroupId, name: m.name });
      groupsOf.set(m.user_id, own);
    }
  }
  return list.map((u) => {
    const user: User = {
      id: u.id as UserId,
      email: u.email,
      firstName: u.first_name,
      lastName: u.last_name,
      status: u.status,
      externalId: u.external_id,
      attributes: (typeof u.attributes === "string" ? JSON.parse(u.attributes) : u.attributes) as Attributes,
      owner: u.owner,
      createdAt: toIso(u.created_at),
    };
    return {
      user,
      ...version(versions.get(u.id), user.createdAt),
      ...(withGroups && { groups: groupsOf.get(u.id) ?? [] }),
    };
  });
}

// ---- groups ------------------------------------------------------------------------

type GroupRow = {
  id: string;
  name: string;
  description: string;
  privileges: boolean;
  notify: string;
  all_users: boolean;
  delegation_id: string | null;
  external_id: string | null;
  created_at: Date | string;
};

const GROUP_COLUMNS = sql`g.id, g.name, g.description, g.privileges, g.notify, g.all_users, g.delegation_id,
  g.external_id, g.created_at`;

/** The organization's custom groups (SCIM's groups) matching a filter, one page of them, and how many match. */
export async function scimGroups(
  store: Store,
  orgId: OrgId,
  input: ScimListInput & { readonly members?: boolean },
): Promise<ScimPage<ScimGroupRecord>> {
  const condition = sql`g.org_id = ${orgId} and g.system is null and (${where(input.filter, GROUPS)})`;
  const order = orderBy(input.sortBy, input.descending ?? false, GROUPS, sql`lower(g.name)`, sql`g.id`);
  const [count] = await rows<{ n: number | string }>(
    store.db,
    sql`select count(*)::int as n from groups g where ${condition}`,
  );
  const list =
    input.count > 0
      ? await rows<GroupRow>(
          store.db,
          sql`select ${GROUP_COLUMNS} from groups g where ${condition}
              order by ${order} limit ${input.count} offset ${input.startIndex - 1}`,
        )
      : [];
  return {
    total: Number(count?.n ?? 0),
    records: await groupRecords(store, orgId, list, input.members ?? false),
  };
}

/** One custom group, or `group.not_found` (system groups are not SCIM's). */
export async function scimGroup(
  store: Store,
  orgId: OrgId,
  id: string,
  options: { readonly members?: boolean } = {},
): Promise<ScimGroupRecord> {
  const list = await rows<GroupRow>(
    store.db,
    sql`select ${GROUP_COLUMNS} from groups g where g.org_id = ${orgId} and g.id = ${id} and g.system is null`,
  );
  const [record] = await groupRecords(store, orgId, list, options.members ?? false);
  return record ?? fail("group.not_found", `No group ${id} in this organization.`, { id });
}

async function groupRecords(
  store: Store,
  orgId: OrgId,
  list: GroupRow[],
  withMembers: boolean,
): Promise<ScimGroupRecord[]> {
  if (list.length === 0) return [];
  const ids = list.map((g) => g.id);
  const versions = await lastChanges(store, orgId, ids);
  const membersOf = new Map<string, ScimMember[]>();
  if (withMembers) {
    const members = await rows<{ group_id: string; id: string; kind: "user" | "group"; display: string }>(
      store.db,
      sql`select m.group_id, m.user_id as id, 'user' as kind,
            coalesce(nullif(trim(u.first_name || ' ' || u.last_name), ''), u.email) as display
          from group_user_members m join users u on u.id = m.user_id
          where m.org_id = ${orgId} and m.group_id in ${ids}
          union all
          select n.parent_id, n.child_id, 'group', c.name
          from group_group_members n join groups c on c.id = n.child_id
          where n.org_id = ${orgId} and n.parent_id in ${ids}
          order by 3 desc, 4, 2`,
    );
    for (const m of members) {
      const own = membersOf.get(m.group_id) ?? [];
      own.push({ id: m.id as UserId | GroupId, kind: m.kind, display: m.display });
      membersOf.set(m.group_id, own);
    }
  }
  return list.map((g) => {
    const group: Group = {
      id: g.id as GroupId,
      name: g.name,
      description: g.description,
      system: null,
      privileges: g.privileges,
      notify: g.notify as NotifySetting,
      allUsers: g.all_users,
      delegationId: g.delegation_id as DelegationId | null,
      ...(g.external_id !== null && { externalId: g.external_id }),
      createdAt: toIso(g.created_at),
    };
    return {
      group,
      ...version(versions.get(g.id), group.createdAt),
      ...(withMembers && { members: membersOf.get(g.id) ?? [] }),
    };
  });
}

// ---- versions and member references ---------------------------------------------------

type LastChange = { revision: number; at: string };

/** The revision and time of the last audited change of each target (as `lastAuditRevision` in the store). */
async function lastChanges(
  store: Store,
  orgId: OrgId,
  ids: readonly string[],
): Promise<Map<string, LastChange>> {
  const list = await rows<{ target_id: string; revision: number | string; at: Date | string }>(
    store.db,
    sql`select target_id, max(revision) as revision, max(at) as at from audit
        where org_id = ${orgId} and target_id in ${ids} group by target_id`,
  );
  return new Map(list.map((r) => [r.target_id, { revision: Number(r.revision), at: toIso(r.at) }]));
}

function version(last: LastChange | undefined, createdAt: string): ScimVersion {
  return { version: last?.revision ?? 0, lastModified: last?.at ?? createdAt };
}

/**
 * Which of some ids (SCIM member values) are users and which groups of the
 * organization; the rest are unknown. What an id names never changes, so
 * this may be read before the command that uses it.
 */
export async function memberKinds(
  store: Store,
  orgId: OrgId,
  ids: readonly string[],
): Promise<{ userIds: UserId[]; groupIds: GroupId[]; unknown: string[] }> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return { userIds: [], groupIds: [], unknown: [] };
  const found = await rows<{ id: string; kind: "user" | "group" }>(
    store.db,
    sql`select id, 'user' as kind from users where org_id = ${orgId} and id in ${wanted}
        union all
        select id, 'group' from groups where org_id = ${orgId} and id in ${wanted}`,
  );
  const kinds = new Map(found.map((r) => [r.id, r.kind]));
  return {
    userIds: wanted.filter((id) => kinds.get(id) === "user") as UserId[],
    groupIds: wanted.filter((id) => kinds.get(id) === "group") as GroupId[],
    unknown: wanted.filter((id) => !kinds.has(id)),
  };
}

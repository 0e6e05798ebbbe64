import type { z } from "zod";
import type * as C from "../../src/contracts/index.ts";
import { OFFLINE, type ProblemLike, sentenceFor } from "./errors.ts";

/**
 * The console's only way to the server: typed calls to the HTTP API. Types
 * come from the zod contracts in src/contracts (`Out` for responses, `In` for
 * request bodies and queries, defaults optional); nothing of the server's
 * code is imported. The session is the httpOnly cookie the browser sends by
 * itself; every write also carries the session's CSRF token.
 */

export type Out<T extends z.ZodType> = z.output<T>;
export type In<T extends z.ZodType> = z.input<T>;
/** A query string's input: the fields zod coerces (`z.coerce.number()`, input `unknown`) are numbers. */
export type QueryIn<T extends z.ZodType> = {
  [K in keyof In<T>]: unknown extends In<T>[K] ? number | undefined : In<T>[K];
};

// ---- response types the pages use --------------------------------------------------

export type Me = Out<typeof C.Me>;
export type OrgRef = Out<typeof C.OrgRef>;
export type UserSummary = Out<typeof C.UserSummary>;
export type UserList = Out<typeof C.UserList>;
export type UserDetail = Out<typeof C.UserDetail>;
export type UserAccessPage = Out<typeof C.UserAccessPage>;
export type UserAccessRow = Out<typeof C.UserAccessRow>;
export type GroupSummary = Out<typeof C.GroupSummary>;
export type ResourceTypeInfo = Out<typeof C.ResourceTypeInfo>;
export type AuditEntry = Out<typeof C.AuditEntryInfo>;
export type AuditPage = Out<typeof C.AuditPage>;
export type OrgRole = Out<typeof C.OrgRole>;

// ---- request types --------------------------------------------------------------------

export type InviteUserBody = In<typeof C.InviteUserBody>;
export type UpdateUserBody = In<typeof C.UpdateUserBody>;

/**
 * `GET /access/explain`. The check API's schemas are plain JSON Schema
 * (src/contracts/check.ts, ExplainResponse), which z.infer cannot read: this
 * type mirrors it.
 */
export type Explanation = {
  capabilities: string[];
  role: string | null;
  custom: boolean;
  contributions: {
    kind: "rule" | "organization_role";
    role?: string;
    ruleId?: string;
    capabilities?: string[];
    holder?: { kind: "user" | "group"; id: string; name: string };
    path: { id: string; name: string }[];
    text: string;
  }[];
  truncated: boolean;
  revision: number;
};

// ---- errors -------------------------------------------------------------------------

/** A refused or failed call, with the sentence to show a person. */
export class ApiError extends Error implements ProblemLike {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly requestId: string | undefined;

  constructor(problem: ProblemLike, sentence: string) {
    super(sentence);
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.details = problem.details;
    this.requestId = problem.requestId;
  }
}

/** The sentence for any error a page may meet. */
export function errorSentence(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong.";
}

function toProblem(status: number, body: unknown): ProblemLike {
  const b = (body ?? {}) as Partial<Record<keyof ProblemLike, unknown>>;
  return {
    status,
    code: typeof b.code === "string" ? b.code : "",
    detail: typeof b.detail === "string" ? b.detail : undefined,
    details:
      typeof b.details === "object" && b.details !== null
        ? (b.details as Record<string, unknown>)
        : undefined,
    requestId: typeof b.requestId === "string" ? b.requestId : undefined,
  };
}

// ---- the transport --------------------------------------------------------------------

let csrfToken: string | null = null;

/** The session's CSRF token (from sign-in or /auth/me), sent as X-CSRF-Token on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type QueryValue = string | number | boolean | null | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

/** `?a=1&b=x`, leaving out empty values. */
export function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : "";
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

async function call<T>(
  method: Method,
  path: string,
  options: { query?: Query; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}${queryString(options.query)}`, {
      method,
      headers,
      credentials: "same-origin",
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiError({ status: 0, code: "network" }, OFFLINE);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const problem = toProblem(response.status, body);
    throw new ApiError(problem, sentenceFor(problem));
  }
  return body as T;
}

const get = <T>(path: string, query?: Query) => call<T>("GET", path, query ? { query } : {});
const send =
  (method: Exclude<Method, "GET">) =>
  <T>(path: string, body?: unknown, query?: Query) =>
    call<T>(method, path, { ...(body !== undefined && { body }), ...(query && { query }) });
const post = send("POST");
const put = send("PUT");
const patch = send("PATCH");
const del = send("DELETE");

const id = (value: string) => encodeURIComponent(value);

// ---- the endpoints, by area ---------------------------------------------------------------

export const api = {
  auth: {
    me: () => get<Me>("/auth/me"),
    signIn: (body: In<typeof C.SignInBody>) => post<Out<typeof C.SignedIn>>("/auth/sign-in", body),
    // The route takes no body, but a JSON write needs one.
    signOut: () => post<void>("/auth/sign-out", {}),
    switchTo: (organizationId: string) => post<Out<typeof C.Switched>>("/auth/switch", { organizationId }),
    setPassword: (body: In<typeof C.SetPasswordBody>) =>
      post<Out<typeof C.PasswordSet>>("/auth/password", body),
    requestReset: (email: string) => post<Out<typeof C.ResetAccepted>>("/auth/password/reset", { email }),
  },
  users: {
    list: (query: QueryIn<typeof C.UserListQuery>) => get<UserList>("/users", query),
    get: (userId: string) => get<UserDetail>(`/users/${id(userId)}`),
    access: (userId: string, query: QueryIn<typeof C.UserAccessQuery>) =>
      get<UserAccessPage>(`/users/${id(userId)}/access`, query),
    invite: (body: In<typeof C.InviteUserBody>) => post<Out<typeof C.UserWritten>>("/users", body),
    update: (userId: string, body: In<typeof C.UpdateUserBody>) =>
      patch<Out<typeof C.UserWritten>>(`/users/${id(userId)}`, body),
    setRole: (userId: string, role: OrgRole) =>
      put<Out<typeof C.UserRoleWritten>>(`/users/${id(userId)}/role`, { role }),
    remove: (userId: string) => del<Out<typeof C.UserWritten>>(`/users/${id(userId)}`),
    bulkGroups: (body: In<typeof C.BulkUserGroupsBody>) =>
      post<Out<typeof C.BulkUserGroupsWritten>>("/users/bulk/groups", body),
    passwordLink: (userId: string, email = true) =>
      post<Out<typeof C.PasswordLink>>(`/users/${id(userId)}/password-link`, { email }),
  },
  groups: {
    list: (query: QueryIn<typeof C.GroupListQuery> = {}) => get<Out<typeof C.GroupList>>("/groups", query),
    get: (groupId: string) => get<Out<typeof C.GroupDetail>>(`/groups/${id(groupId)}`),
    create: (body: In<typeof C.NewGroupDefinitionBody>) =>
      post<Out<typeof C.GroupDefined>>("/groups/definition", body),
    redefine: (groupId: string, body: In<typeof C.GroupDefinitionBody>) =>
      put<Out<typeof C.GroupDefined>>(`/groups/${id(groupId)}/definition`, body),
    update: (groupId: string, body: In<typeof C.UpdateGroupBody>) =>
      patch<Out<typeof C.GroupWritten>>(`/groups/${id(groupId)}`, body),
    addMembers: (groupId: string, body: In<typeof C.GroupMembersBody>) =>
      post<Out<typeof C.GroupMembersAdded>>(`/groups/${id(groupId)}/members`, body),
    removeMembers: (groupId: string, body: In<typeof C.GroupMembersBody>) =>
      post<Out<typeof C.GroupMembersRemoved>>(`/groups/${id(groupId)}/members/remove`, body),
    bulkPrivileges: (body: In<typeof C.BulkPrivilegesBody>) =>
      post<Out<typeof C.GroupsWritten>>("/groups/bulk/privileges", body),
    bulkNotify: (body: In<typeof C.BulkNotifyBody>) =>
      post<Out<typeof C.GroupsWritten>>("/groups/bulk/notify", body),
    bulkDelete: (body: In<typeof C.BulkDeleteBody>) =>
      post<Out<typeof C.GroupsDeleted>>("/groups/bulk/delete", body),
    usersOf: (body: In<typeof C.GroupsUsersBody>) =>
      post<Out<typeof C.GroupsUsers>>("/groups/bulk/users", body),
  },
  catalog: {
    resourceTypes: () => get<Out<typeof C.ResourceTypeList>>("/resource-types"),
  },
  resources: {
    list: (query: QueryIn<typeof C.ResourceListQuery>) =>
      get<Out<typeof C.ResourcePage>>("/resources", query),
    get: (resourceId: string) => get<Out<typeof C.Resource>>(`/resources/${id(resourceId)}`),
    create: (body: In<typeof C.ResourceBody>) => post<Out<typeof C.ResourceWritten>>("/resources", body),
    update: (resourceId: string, body: In<typeof C.ResourcePatchBody>) =>
      patch<Out<typeof C.ResourceWritten>>(`/resources/${id(resourceId)}`, body),
    remove: (resourceId: string) => del<Out<typeof C.ResourceWritten>>(`/resources/${id(resourceId)}`),
  },
  rules: {
    list: (query: QueryIn<typeof C.RulesQuery>) => get<Out<typeof C.RulesPage>>("/rules", query),
    set: (body: In<typeof C.SetRulesBody>) => post<Out<typeof C.SetRulesResult>>("/rules", body),
    remove: (ruleId: string) => del<Out<typeof C.RulesRemoved>>(`/rules/${id(ruleId)}`),
  },
  roles: {
    preview: (body: In<typeof C.RolePreviewBody>) => post<Out<typeof C.RolePreview>>("/roles/preview", body),
    create: (body: In<typeof C.RoleBody>) => post<Out<typeof C.RoleWritten>>("/roles", body),
    update: (roleId: string, body: In<typeof C.RolePatchBody>) =>
      patch<Out<typeof C.RoleWritten>>(`/roles/${id(roleId)}`, body),
    remove: (roleId: string) => del<Out<typeof C.RoleDeleted>>(`/roles/${id(roleId)}`),
  },
  filters: {
    list: (query: QueryIn<typeof C.FilterListQuery> = {}) => get<Out<typeof C.FilterList>>("/filters", query),
    set: (body: In<typeof C.FilterBody>) => put<Out<typeof C.FilterWritten>>("/filters", body),
    remove: (filterId: string) => del<Out<typeof C.FilterWritten>>(`/filters/${id(filterId)}`),
    preview: (query: QueryIn<typeof C.FilterPreviewQuery>) =>
      get<Out<typeof C.FilterPreview>>("/filters/preview", query),
  },
  access: {
    explain: (user: string, resource: string) => get<Explanation>("/access/explain", { user, resource }),
  },
  audit: {
    search: (query: QueryIn<typeof C.AuditQuery>) => get<AuditPage>("/audit", query),
  },
  notifications: {
    list: (query: QueryIn<typeof C.NotificationQuery>) =>
      get<Out<typeof C.NotificationPage>>("/notifications", query),
  },
  delegations: {
    list: () => get<Out<typeof C.DelegationList>>("/delegations"),
    create: (body: In<typeof C.DelegationBody>) =>
      post<Out<typeof C.DelegationWritten>>("/delegations", body),
    remove: (delegationId: string) =>
      del<Out<typeof C.DelegationWritten>>(`/delegations/${id(delegationId)}`),
  },
  organization: {
    get: () => get<Out<typeof C.Organization> & { revision: number }>("/organization"),
    update: (body: { name?: string; plan?: Out<typeof C.Plan> }) =>
      patch<{ organization: Out<typeof C.Organization>; revision: number }>("/organization", body),
    smtp: () => get<Out<typeof C.SmtpSettingsAnswer>>("/organization/smtp"),
    setSmtp: (body: In<typeof C.SmtpSettingsBody>) =>
      put<Out<typeof C.SmtpSettingsWritten>>("/organization/smtp", body),
    removeSmtp: () => del<Out<typeof C.SmtpSettingsWritten>>("/organization/smtp"),
  },
  tokens: {
    list: () => get<Out<typeof C.TokenList>>("/tokens"),
    create: (body: In<typeof C.TokenBody>) => post<Out<typeof C.TokenCreated>>("/tokens", body),
    revoke: (tokenId: string) => del<Out<typeof C.TokenRevoked>>(`/tokens/${id(tokenId)}`),
  },
};

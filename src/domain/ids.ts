/** Ids are branded strings so a user id cannot be passed where a group id is expected. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type OrgId = Brand<string, "OrgId">;
export type UserId = Brand<string, "UserId">;
export type GroupId = Brand<string, "GroupId">;
export type ResourceId = Brand<string, "ResourceId">;
export type RoleId = Brand<string, "RoleId">;
export type RuleId = Brand<string, "RuleId">;
export type FilterId = Brand<string, "FilterId">;
export type DelegationId = Brand<string, "DelegationId">;

const prefixes = {
  org: "org",
  user: "usr",
  group: "grp",
  resource: "res",
  role: "rol",
  rule: "rul",
  filter: "flt",
  delegation: "dlg",
  token: "tok",
  message: "msg",
} as const;

export type IdKind = keyof typeof prefixes;

/** A new random id with a readable prefix, e.g. `grp_3f2a...`. */
export function newId<T extends string>(kind: IdKind): T {
  return `${prefixes[kind]}_${globalThis.crypto.randomUUID().replaceAll("-", "")}` as T;
}

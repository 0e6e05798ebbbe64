import type { ResourceTypeDef } from "./catalog.ts";
import type { Predicate } from "./filters.ts";
import type { DelegationId, FilterId, GroupId, OrgId, ResourceId, RoleId, RuleId, UserId } from "./ids.ts";

export const PLANS = ["free", "team", "enterprise"] as const;
export type Plan = (typeof PLANS)[number];

export type Organization = {
  readonly id: OrgId;
  readonly name: string;
  readonly slug: string;
  readonly plan: Plan;
  readonly createdAt: string;
};

export type UserStatus = "active" | "deactivated";
export type OrgRole = "owner" | "admin" | "member";
/** Key to values, e.g. `{ region: ["EMEA"] }`; used by data filters. */
export type Attributes = Readonly<Record<string, readonly string[]>>;

export type User = {
  readonly id: UserId;
  /** As entered; compared case-insensitively. */
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly status: UserStatus;
  readonly externalId: string | null;
  readonly attributes: Attributes;
  /** The owner mark, on top of admin (billing, plan, deleting the organization). */
  readonly owner: boolean;
  readonly createdAt: string;
};

export const SYSTEM_GROUP_KEYS = [
  "everyone",
  "administrators",
  "power_users",
  "database_managers",
  "report_builders",
  "dataset_designers",
  "report_consumers",
] as const;
export type SystemGroupKey = (typeof SYSTEM_GROUP_KEYS)[number];
export type NotifySetting = "none" | "email";

export type Group = {
  readonly id: GroupId;
  readonly name: string;
  readonly description: string;
  readonly system: SystemGroupKey | null;
  /** Off: the group's own rules and filters stop applying; its nesting still counts. */
  readonly privileges: boolean;
  readonly notify: NotifySetting;
  /** "All current and future users": every user of the organization is a member. */
  readonly allUsers: boolean;
  readonly delegationId: DelegationId | null;
  /** The identity provider's id of the group (SCIM `externalId`); absent when it has none. */
  readonly externalId?: string;
  readonly createdAt: string;
};

export type Resource = {
  readonly id: ResourceId;
  readonly type: string;
  /** The platform's own id for it, unique per type. */
  readonly key: string;
  readonly name: string;
  readonly createdAt: string;
};

export type Role = {
  readonly id: RoleId;
  readonly type: string;
  readonly name: string;
  readonly capabilities: readonly string[];
  /** A named role of the catalog; custom roles are not builtin. */
  readonly builtin: boolean;
};

export type Subject =
  | { readonly kind: "user"; readonly id: UserId }
  | { readonly kind: "group"; readonly id: GroupId };

export type Rule = {
  readonly id: RuleId;
  readonly subject: Subject;
  readonly type: string;
  /** The resource, or null for "all current and future resources of the type". */
  readonly resourceId: ResourceId | null;
  readonly roleId: RoleId;
  /** A system rule (the workspace policy groups'): cannot be changed or removed. */
  readonly locked: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
};

export type DataFilter = {
  readonly id: FilterId;
  readonly subject: Subject;
  readonly resourceId: ResourceId;
  readonly predicate: Predicate;
  readonly updatedAt: string;
};

export type Delegation = {
  readonly id: DelegationId;
  readonly userId: UserId;
  readonly type: string;
  /** The resources delegated, or null for all current and future resources of the type. */
  readonly resourceIds: readonly ResourceId[] | null;
  readonly createdAt: string;
};

export type RoleSpec =
  | { readonly roleId: RoleId }
  | { readonly role: string }
  | { readonly capabilities: readonly string[] };

/** A rule's scope, as a caller gives it; the first three expand to one rule per resource. */
export type RuleScope =
  | { readonly kind: "resource"; readonly resourceId: ResourceId }
  | { readonly kind: "resources"; readonly resourceIds: readonly ResourceId[] }
  | { readonly kind: "all_current"; readonly type: string }
  | { readonly kind: "all_current_and_future"; readonly type: string };

export type { ResourceTypeDef };

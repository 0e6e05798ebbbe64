import type { ResourceTypeDef } from "./catalog.ts";
import type { DelegationId, FilterId, GroupId, ResourceId, RoleId, RuleId, UserId } from "./ids.ts";
import type { DataFilter, Delegation, Group, Organization, Resource, Role, Rule, User } from "./model.ts";

/**
 * One entry of an organization's change log. Every access index is a fold of
 * these (see `applyEvent` in state.ts, the reference fold). Deletions cascade
 * as the database's foreign keys do: a deleted user or group loses its
 * memberships, rules and filters; a deleted resource its rules, filters and
 * delegation entries; a removed delegation unmarks its groups.
 */
export type ChangeEvent =
  | { readonly type: "organization.created"; readonly organization: Organization }
  | { readonly type: "organization.updated"; readonly organization: Organization }
  | { readonly type: "resource_type.created"; readonly resourceType: ResourceTypeDef }
  | { readonly type: "role.created"; readonly role: Role }
  | { readonly type: "role.updated"; readonly role: Role }
  | { readonly type: "role.deleted"; readonly roleId: RoleId }
  | { readonly type: "resource.created"; readonly resource: Resource }
  | { readonly type: "resource.updated"; readonly resource: Resource }
  | { readonly type: "resource.deleted"; readonly resourceId: ResourceId }
  | { readonly type: "user.created"; readonly user: User }
  | { readonly type: "user.updated"; readonly user: User }
  | { readonly type: "user.deleted"; readonly userId: UserId }
  | { readonly type: "group.created"; readonly group: Group }
  | { readonly type: "group.updated"; readonly group: Group }
  | { readonly type: "group.deleted"; readonly groupId: GroupId }
  | {
      readonly type: "members.added" | "members.removed";
      readonly groupId: GroupId;
      readonly userIds: readonly UserId[];
      readonly groupIds: readonly GroupId[];
    }
  | { readonly type: "rule.set"; readonly rule: Rule }
  | { readonly type: "rule.removed"; readonly ruleId: RuleId }
  | { readonly type: "filter.set"; readonly filter: DataFilter }
  | { readonly type: "filter.removed"; readonly filterId: FilterId }
  | { readonly type: "delegation.created"; readonly delegation: Delegation }
  | { readonly type: "delegation.removed"; readonly delegationId: DelegationId }
  /** Tokens change no access; they are logged so every server drops a revoked token at once. */
  | { readonly type: "token.created" | "token.revoked"; readonly tokenId: string };

export type ChangeType = ChangeEvent["type"];

/** An event as stored: stamped with the organization's revision. */
export type LoggedChange = { readonly revision: number; readonly event: ChangeEvent };

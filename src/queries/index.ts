export * from "./audit.ts";
export * from "./auth.ts";
export { findResource, listResources, listResourceTypes, previewRole } from "./catalog.ts";
export * from "./csv.ts";
export * from "./exports.ts";
export { type GroupsUsers, usersOfGroups } from "./group-users.ts";
export { getGroupDetail, listGroups } from "./groups.ts";
export { listNotifications, searchAudit } from "./notifications.ts";
export * from "./organizations.ts";
export { listDelegations, listFilters, listRules, resourcePermissions, subjectRules } from "./rules.ts";
export {
  ENTERPRISE_ATTRIBUTES,
  type EnterpriseAttribute,
  memberKinds,
  parseScimFilter,
  SCIM_ENTERPRISE_USER,
  SCIM_GROUP,
  SCIM_USER,
  type ScimGroupRecord,
  type ScimListInput,
  type ScimMember,
  type ScimPage,
  type ScimUserRecord,
  type ScimVersion,
  scimGroup,
  scimGroups,
  scimUser,
  scimUsers,
} from "./scim.ts";
export * from "./tenants.ts";
export { getUserDetail, listUsers } from "./users.ts";

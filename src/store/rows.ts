import type {
  DataFilter,
  Delegation,
  DelegationId,
  FilterId,
  Group,
  GroupId,
  NotifySetting,
  Organization,
  OrgId,
  Plan,
  Predicate,
  Resource,
  ResourceId,
  Role,
  RoleId,
  Rule,
  RuleId,
  Subject,
  SystemGroupKey,
  User,
  UserId,
  UserStatus,
} from "../domain/index.ts";
import type * as t from "./schema.ts";

/** Mapping between table rows and domain values, in one place. */

const iso = (d: Date) => d.toISOString();

export function toOrganization(r: typeof t.organizations.$inferSelect): Organization {
  return { id: r.id as OrgId, name: r.name, slug: r.slug, plan: r.plan as Plan, createdAt: iso(r.createdAt) };
}

export function toUser(r: typeof t.users.$inferSelect): User {
  return {
    id: r.id as UserId,
    email: r.email,
    firstName: r.firstName,
    lastName: r.lastName,
    status: r.status as UserStatus,
    externalId: r.externalId,
    attributes: r.attributes,
    owner: r.owner,
    createdAt: iso(r.createdAt),
  };
}

export function fromUser(orgId: OrgId, u: User): typeof t.users.$inferInsert {
  return {
    id: u.id,
    orgId,
    email: u.email,
    emailNormalized: u.email.toLowerCase(),
    firstName: u.firstName,
    lastName: u.lastName,
    status: u.status,
    externalId: u.externalId,
    attributes: u.attributes as Record<string, string[]>,
    owner: u.owner,
    createdAt: new Date(u.createdAt),
  };
}

export function toGroup(r: typeof t.groups.$inferSelect): Group {
  return {
    id: r.id as GroupId,
    name: r.name,
    description: r.description,
    system: r.system as SystemGroupKey | null,
    privileges: r.privileges,
    notify: r.notify as NotifySetting,
    allUsers: r.allUsers,
    delegationId: r.delegationId as DelegationId | null,
    ...(r.externalId !== null && { externalId: r.externalId }),
    createdAt: iso(r.createdAt),
  };
}

export function fromGroup(orgId: OrgId, g: Group): typeof t.groups.$inferInsert {
  // An absent externalId is written as null, so an update clears it.
  return { ...g, externalId: g.externalId ?? null, orgId, createdAt: new Date(g.createdAt) };
}

export function toResource(r: typeof t.resources.$inferSelect): Resource {
  return { id: r.id as ResourceId, type: r.type, key: r.key, name: r.name, createdAt: iso(r.createdAt) };
}

export function toRole(r: typeof t.roles.$inferSelect): Role {
  return { id: r.id as RoleId, type: r.type, name: r.name, capabilities: r.capabilities, builtin: r.builtin };
}

function subjectOf(r: { userId: string | null; groupId: string | null }): Subject {
  return r.userId !== null
    ? { kind: "user", id: r.userId as UserId }
    : { kind: "group", id: r.groupId as GroupId };
}

export function subjectColumns(s: Subject): { userId: string | null; groupId: string | null } {
  return s.kind === "user" ? { userId: s.id, groupId: null } : { userId: null, groupId: s.id };
}

export function toRule(r: typeof t.rules.$inferSelect): Rule {
  return {
    id: r.id as RuleId,
    subject: subjectOf(r),
    type: r.type,
    resourceId: r.resourceId as ResourceId | null,
    roleId: r.roleId as RoleId,
    locked: r.locked,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export function fromRule(orgId: OrgId, r: Rule): typeof t.rules.$inferInsert {
  return {
    id: r.id,
    orgId,
    ...subjectColumns(r.subject),
    type: r.type,
    resourceId: r.resourceId,
    roleId: r.roleId,
    locked: r.locked,
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
  };
}

export function toFilter(r: typeof t.dataFilters.$inferSelect): DataFilter {
  return {
    id: r.id as FilterId,
    subject: subjectOf(r),
    resourceId: r.resourceId as ResourceId,
    predicate: r.predicate as Predicate,
    updatedAt: iso(r.updatedAt),
  };
}

export function toDelegation(r: typeof t.delegations.$inferSelect): Delegation {
  return {
    id: r.id as DelegationId,
    userId: r.userId as UserId,
    type: r.type,
    resourceIds: r.resourceIds as ResourceId[] | null,
    createdAt: iso(r.createdAt),
  };
}

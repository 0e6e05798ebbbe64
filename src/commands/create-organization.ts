import {
  checkEmail,
  checkSlug,
  checkText,
  DEFAULT_CATALOG,
  fail,
  type Group,
  type GroupId,
  newId,
  ORGANIZATION_TYPE,
  type Organization,
  type OrgId,
  PLANS,
  type Plan,
  type Resource,
  type Role,
  type Rule,
  SYSTEM_GROUPS,
  type User,
  WORKSPACE_TYPE,
} from "../domain/index.ts";
import {
  type Actor,
  addUserMembers,
  findOrganization,
  insertGroup,
  insertOrganization,
  insertResource,
  insertRole,
  insertRules,
  insertType,
  insertUser,
  type Store,
} from "../store/index.ts";
import { runCreation } from "./context.ts";

export type CreateOrganizationInput = {
  readonly name: string;
  readonly slug: string;
  readonly plan: Plan;
  /** The first administrator, marked owner. */
  readonly admin: { readonly email: string; readonly firstName?: string; readonly lastName?: string };
};

/**
 * Creates an organization with the default catalog, its organization
 * resource, the system groups (with their locked workspace rules) and its
 * first administrator, an owner. Operator-only: it crosses tenants.
 */
export async function createOrganization(store: Store, input: CreateOrganizationInput, actor: Actor) {
  const name = checkText("organization.invalid", "name", input.name, 120);
  const slug = checkSlug(input.slug);
  if (!PLANS.includes(input.plan))
    fail("organization.invalid", `Unknown plan "${input.plan}".`, { field: "plan" });
  const email = checkEmail(input.admin.email);
  const orgId = newId<OrgId>("org");
  const createdAt = new Date().toISOString();
  const organization: Organization = { id: orgId, name, slug, plan: input.plan, createdAt };
  if (await findOrganization(store.db, slug))
    fail("organization.slug_taken", `An organization has the slug ${slug}.`);

  return runCreation(
    { store, orgId, actor, authority: { kind: "owner" } },
    async (tx) => {
      await insertOrganization(tx, organization);
      return organization;
    },
    async (w) => {
      w.emit({ type: "organization.created", organization });
      const rolesByName = new Map<string, Role>();
      for (const def of DEFAULT_CATALOG) {
        await insertType(w.tx, orgId, def);
        w.emit({ type: "resource_type.created", resourceType: def });
        for (const [position, r] of def.roles.entries()) {
          const role: Role = {
            id: newId("role"),
            type: def.key,
            name: r.name,
            capabilities: r.capabilities,
            builtin: true,
          };
          await insertRole(w.tx, orgId, role, position);
          rolesByName.set(`${def.key}/${r.name}`, role);
          w.emit({ type: "role.created", role });
        }
      }
      const orgResource: Resource = {
        id: newId("resource"),
        type: ORGANIZATION_TYPE,
        key: slug,
        name,
        createdAt: w.now,
      };
      await insertResource(w.tx, orgId, orgResource);
      w.emit({ type: "resource.created", resource: orgResource });

      const groups = new Map<string, Group>();
      const lockedRules: Rule[] = [];
      for (const def of SYSTEM_GROUPS) {
        const group: Group = {
          id: newId<GroupId>("group"),
          name: def.name,
          description: def.description,
          system: def.key,
          privileges: true,
          notify: "none",
          allUsers: false,
          delegationId: null,
          createdAt: w.now,
        };
        await insertGroup(w.tx, orgId, group);
        groups.set(def.key, group);
        w.emit({ type: "group.created", group });
        if (def.workspaceRole) {
          const role = rolesByName.get(`${WORKSPACE_TYPE}/${def.workspaceRole}`)!;
          lockedRules.push({
            id: newId("rule"),
            subject: { kind: "group", id: group.id },
            type: WORKSPACE_TYPE,
            resourceId: null,
            roleId: role.id,
            locked: true,
            createdAt: w.now,
            updatedAt: w.now,
          });
        }
      }
      await insertRules(w.tx, orgId, lockedRules);
      for (const rule of lockedRules) w.emit({ type: "rule.set", rule });

      const admin: User = {
        id: newId("user"),
        email,
        firstName: checkText("user.invalid", "firstName", input.admin.firstName ?? "", 100, true),
        lastName: checkText("user.invalid", "lastName", input.admin.lastName ?? "", 100, true),
        status: "active",
        externalId: null,
        attributes: {},
        owner: true,
        createdAt: w.now,
      };
      await insertUser(w.tx, orgId, admin);
      const administrators = groups.get("administrators")!;
      await addUserMembers(w.tx, orgId, administrators.id, [admin.id], w.at);
      w.emit(
        { type: "user.created", user: admin },
        { type: "members.added", groupId: administrators.id, userIds: [admin.id], groupIds: [] },
      );
      w.audit({
        action: "organization.create",
        targetType: "organization",
        targetId: orgId,
        targetLabel: name,
        before: null,
        after: { organization, admin: { id: admin.id, email: admin.email } },
      });
      return { organization, admin, groups: Object.fromEntries(groups) as Record<string, Group> };
    },
  );
}

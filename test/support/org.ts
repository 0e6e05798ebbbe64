import { randomUUID } from "node:crypto";
import {
  type Authority,
  type CommandContext,
  createOrganization,
  SYSTEM_ACTOR,
} from "../../src/commands/index.ts";
import type { Group, Organization, Plan, User } from "../../src/domain/index.ts";
import { type Actor, currentRevision, type Store } from "../../src/store/index.ts";

export type TestOrg = {
  readonly store: Store;
  readonly organization: Organization;
  readonly admin: User;
  readonly groups: Record<string, Group>;
  /** A command context acting as the first administrator (an owner), or with another authority. */
  ctx(authority?: Authority, actor?: Actor): CommandContext;
  revision(): Promise<number>;
};

/** A fresh organization with a random slug: tests isolate themselves by tenancy. */
export async function newOrg(store: Store, plan: Plan = "enterprise"): Promise<TestOrg> {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  const { value } = await createOrganization(
    store,
    {
      name: `Test ${slug}`,
      slug,
      plan,
      admin: { email: `owner@${slug}.test`, firstName: "Olive", lastName: "Owner" },
    },
    SYSTEM_ACTOR,
  );
  const adminActor: Actor = { kind: "user", id: value.admin.id, label: value.admin.email };
  return {
    store,
    ...value,
    ctx: (authority = { kind: "owner" }, actor = adminActor) => ({
      store,
      orgId: value.organization.id,
      actor,
      authority,
      requestId: "test",
    }),
    revision: () => currentRevision(store.db, value.organization.id),
  };
}

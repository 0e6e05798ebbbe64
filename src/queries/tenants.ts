import type { Organization, OrgId } from "../domain/index.ts";
import { findOrganization, listOrganizations, type Store } from "../store/index.ts";

export type OrganizationWithRevision = Organization & { readonly revision: number };

export async function findOrganizationById(
  store: Store,
  orgId: OrgId,
): Promise<OrganizationWithRevision | null> {
  return findOrganization(store.db, orgId);
}

/** Every organization (operator only: this crosses tenants). */
export async function listAllOrganizations(store: Store): Promise<OrganizationWithRevision[]> {
  return listOrganizations(store.db);
}

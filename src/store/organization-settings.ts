import { eq } from "drizzle-orm";
import type { OrgId } from "../domain/index.ts";
import type { Db } from "./db.ts";
import * as t from "./schema.ts";

/**
 * Replaces an organization's settings (`organizations.settings`, where
 * delivery reads its SMTP server). Call it inside a command, with the
 * organization's row locked, after reading the settings there
 * (`deliverySettings(tx, ...)`), so no other key is lost to a concurrent write.
 */
export async function writeOrganizationSettings(
  tx: Db,
  orgId: OrgId,
  settings: Record<string, unknown>,
): Promise<void> {
  await tx.update(t.organizations).set({ settings }).where(eq(t.organizations.id, orgId));
}

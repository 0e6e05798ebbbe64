import { fail } from "../domain/index.ts";
import { lastAuditRevision } from "../store/index.ts";
import type { Work } from "./context.ts";

/**
 * A write that only applies to the version of a user or group the caller
 * read (SCIM's `If-Match`). A version is the organization's revision of the
 * last audited change to it; it is compared inside the command's
 * transaction, with the organization locked, so no change can slip between
 * the comparison and the write.
 */
export type Precondition = { readonly ifVersion?: number | undefined };

export async function assertVersion(w: Work, targetId: string, precondition: Precondition): Promise<void> {
  if (precondition.ifVersion === undefined) return;
  const current = await lastAuditRevision(w.tx, w.org.id, targetId);
  if (current !== precondition.ifVersion) {
    fail(
      "request.precondition_failed",
      `${targetId} changed since version ${precondition.ifVersion}: read it again (it is at ${current ?? "none"}).`,
      { version: current },
    );
  }
}

import { and, asc, eq, inArray } from "drizzle-orm";
import type { OrgId, UserId } from "../domain/index.ts";
import type { Db } from "./db.ts";
import * as t from "./schema.ts";

export type OutboxMessage = {
  readonly id: string;
  readonly userId: UserId | null;
  readonly toEmail: string;
  readonly subject: string;
  readonly body: string;
};

/** Stores notifications in the transaction of the change that caused them. */
export async function enqueueMessages(
  tx: Db,
  orgId: OrgId,
  revision: number,
  at: Date,
  messages: readonly OutboxMessage[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 500) {
    await tx.insert(t.outbox).values(
      messages.slice(i, i + 500).map((m) => ({
        ...m,
        orgId,
        revision,
        // The same Message-ID on every attempt, so a repeat after a crash is recognisable.
        messageId: `<${m.id}@roster>`,
        status: "pending",
        attempts: 0,
        nextAttemptAt: at,
        createdAt: at,
      })),
    );
  }
}

export async function listMessages(db: Db, orgId: OrgId, limit = 100) {
  return db
    .select()
    .from(t.outbox)
    .where(eq(t.outbox.orgId, orgId))
    .orderBy(asc(t.outbox.createdAt))
    .limit(limit);
}

export async function usersForNotification(db: Db, orgId: OrgId, userIds: readonly UserId[]) {
  if (userIds.length === 0) return [];
  return db
    .select({ id: t.users.id, email: t.users.email, firstName: t.users.firstName, status: t.users.status })
    .from(t.users)
    .where(and(eq(t.users.orgId, orgId), inArray(t.users.id, [...userIds])));
}

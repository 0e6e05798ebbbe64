import {
  type ChangeEvent,
  type Delegation,
  type DelegationId,
  fail,
  type Group,
  newId,
  type Organization,
  type OrgId,
  type UserId,
  wouldCreateCycle,
} from "../domain/index.ts";
import {
  type Actor,
  type AuditEntry,
  auditInserts,
  commitRevision,
  type Db,
  enqueueMessages,
  getDelegation,
  getSystemGroup,
  getUser,
  lockOrganization,
  nestingEdges,
  type Store,
  translateDbError,
  usersForNotification,
} from "../store/index.ts";

/**
 * What the caller may administer, decided before the command by the access
 * index (src/http asks it). A delegate's scope is checked again inside the
 * command's transaction.
 */
export type Authority =
  | { readonly kind: "owner" }
  | { readonly kind: "admin" }
  | { readonly kind: "manager"; readonly manageUsers: boolean; readonly manageGroups: boolean }
  | { readonly kind: "delegate"; readonly delegationId: DelegationId };

export type CommandContext = {
  readonly store: Store;
  readonly orgId: OrgId;
  readonly actor: Actor;
  readonly authority: Authority;
  readonly requestId?: string | null;
  /** A clock for tests; defaults to the wall clock. */
  readonly clock?: () => Date;
};

export type Outcome<T> = {
  /** The organization's revision after the command (unchanged when nothing changed). */
  readonly revision: number;
  readonly changed: boolean;
  readonly value: T;
};

/** The transaction of one command: what it writes, logs, audits and notifies. */
export type Work = {
  readonly ctx: CommandContext;
  readonly tx: Db;
  readonly org: Organization;
  readonly at: Date;
  readonly now: string;
  emit(...events: ChangeEvent[]): void;
  audit(entry: AuditEntry): void;
  /** One line for each of these users; lines are batched into one message per user per command. */
  notify(userIds: Iterable<UserId>, line: string): void;
};

export const SYSTEM_ACTOR: Actor = { kind: "system", id: null, label: "system" };

/**
 * Runs a command in one transaction with the organization's row locked:
 * commands on one organization run one at a time, in revision order. When it
 * emitted events, the revision moves by one and the events, audit entries and
 * notifications are written with it; when it emitted none, nothing is written.
 */
export async function runCommand<T>(ctx: CommandContext, body: (w: Work) => Promise<T>): Promise<Outcome<T>> {
  try {
    return await ctx.store.transaction(async (tx) => {
      const locked = await lockOrganization(tx, ctx.orgId);
      return execute(ctx, tx, locked.organization, locked.revision, body);
    });
  } catch (e) {
    throw translateDbError(e);
  }
}

/** The same, for the command that creates the organization row itself (`insert` runs first, in the transaction). */
export async function runCreation<T>(
  ctx: CommandContext,
  insert: (tx: Db) => Promise<Organization>,
  body: (w: Work) => Promise<T>,
): Promise<Outcome<T>> {
  try {
    return await ctx.store.transaction(async (tx) => {
      const org = await insert(tx);
      await lockOrganization(tx, org.id);
      return execute(ctx, tx, org, 0, body);
    });
  } catch (e) {
    throw translateDbError(e);
  }
}

async function execute<T>(
  ctx: CommandContext,
  tx: Db,
  org: Organization,
  revision: number,
  body: (w: Work) => Promise<T>,
): Promise<Outcome<T>> {
  const at = ctx.clock?.() ?? new Date();
  const events: ChangeEvent[] = [];
  const audits: AuditEntry[] = [];
  const lines = new Map<UserId, string[]>();
  const work: Work = {
    ctx,
    tx,
    org,
    at,
    now: at.toISOString(),
    emit: (...e) => events.push(...e),
    audit: (entry) => audits.push(entry),
    notify(userIds, line) {
      for (const u of userIds) {
        const list = lines.get(u);
        if (!list) lines.set(u, [line]);
        else if (!list.includes(line)) list.push(line);
      }
    },
  };
  const value = await body(work);
  if (events.length === 0) {
    // A change outside the access model (a password, a link) is still audited, at the current revision.
    for (const insert of auditInserts(tx, org.id, revision, ctx.actor, ctx.requestId ?? null, at, audits))
      await insert;
    return { revision, changed: false, value };
  }
  const next = revision + 1;
  // The first 500 audit entries are written by the statement that moves the revision (one round trip
  // fewer under the lock); more, as an import makes, follow in statements of their own.
  const [first, ...more] = auditInserts(tx, org.id, next, ctx.actor, ctx.requestId ?? null, at, audits);
  await commitRevision(tx, org.id, next, events, at, first ? [first] : []);
  for (const insert of more) await insert;
  await enqueueNotifications(tx, org, next, at, lines);
  return { revision: next, changed: true, value };
}

async function enqueueNotifications(
  tx: Db,
  org: Organization,
  revision: number,
  at: Date,
  lines: Map<UserId, string[]>,
) {
  if (lines.size === 0) return;
  const recipients = await usersForNotification(tx, org.id, [...lines.keys()]);
  const messages = recipients
    .filter((u) => u.status === "active")
    .map((u) => ({
      id: newId<string>("message"),
      userId: u.id as UserId,
      toEmail: u.email,
      subject: `Your access in ${org.name} changed`,
      body: [
        `Hello ${u.firstName || u.email},`,
        "",
        ...lines.get(u.id as UserId)!,
        "",
        `— Roster, for ${org.name}`,
      ].join("\n"),
    }));
  await enqueueMessages(tx, org.id, revision, at, messages);
}

// ---- authority ------------------------------------------------------------

export function requireOwner(w: Work): void {
  if (w.ctx.authority.kind !== "owner")
    fail("admin.owner_required", "Only an owner of the organization may do this.");
}

export function requireAdmin(w: Work): void {
  const k = w.ctx.authority.kind;
  if (k !== "owner" && k !== "admin") fail("auth.forbidden", "Only organization administrators may do this.");
}

export function isAdmin(w: Work): boolean {
  return w.ctx.authority.kind === "owner" || w.ctx.authority.kind === "admin";
}

export function requireUserManagement(w: Work): void {
  const a = w.ctx.authority;
  if (isAdmin(w) || (a.kind === "manager" && a.manageUsers)) return;
  fail("auth.forbidden", "Managing users needs the manage_users capability on the organization.");
}

/**
 * Administrators and group managers manage every custom group; a delegate
 * only the groups created under their delegation (checked again here, inside
 * the transaction). Returns the delegation when the caller is a delegate.
 */
export async function requireGroupManagement(w: Work, group: Group | null): Promise<Delegation | null> {
  const a = w.ctx.authority;
  if (isAdmin(w)) return null;
  let delegation: Delegation | null = null;
  if (a.kind === "delegate") {
    delegation = await currentDelegation(w);
    if (group && group.delegationId !== delegation.id) {
      fail("delegation.out_of_scope", `${group.name} was not created under your delegation.`, {
        group: group.id,
      });
    }
  } else if (!(a.kind === "manager" && a.manageGroups)) {
    fail("auth.forbidden", "Managing groups needs the manage_groups capability on the organization.");
  }
  // Whoever is in such a group is an administrator: only administrators decide that.
  if (group && (await makesAdministrators(w, group))) {
    fail(
      "auth.forbidden",
      `${group.name} makes its members administrators: only administrators may change it.`,
    );
  }
  return delegation;
}

/** Administrators, or a group nested in it: whoever is in it is an administrator. */
export async function makesAdministrators(w: Work, group: Group): Promise<boolean> {
  if (group.system === "administrators") return true;
  const admins = await getSystemGroup(w.tx, w.org.id, "administrators");
  const edges = await nestingEdges(w.tx, w.org.id);
  // Is the group reachable downward from Administrators?
  return wouldCreateCycle((g) => edges.get(g) ?? [], group.id, admins.id);
}

/** The caller's delegation, re-read in the transaction: it must still exist and belong to an active caller. */
export async function currentDelegation(w: Work): Promise<Delegation> {
  const a = w.ctx.authority;
  if (a.kind !== "delegate") return fail("auth.forbidden", "Not a delegate.");
  const d = await getDelegation(w.tx, w.org.id, a.delegationId);
  if (!d || w.ctx.actor.kind !== "user" || d.userId !== w.ctx.actor.id) {
    return fail("delegation.out_of_scope", "Your delegation no longer exists.");
  }
  const user = await getUser(w.tx, w.org.id, d.userId);
  if (user?.status !== "active") return fail("delegation.out_of_scope", "Your delegation no longer applies.");
  return d;
}

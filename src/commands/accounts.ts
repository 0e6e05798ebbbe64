import {
  digest,
  fail,
  hashPassword,
  newId,
  type OrgId,
  passwordProblem,
  RosterError,
  randomSecret,
  type UserId,
  verifyPassword,
} from "../domain/index.ts";
import {
  deleteSession,
  deleteSessionsOf,
  enqueueMessages,
  getCredential,
  insertLoginLink,
  insertSession,
  organizationsOfEmail,
  type Store,
  setCredential,
  setSessionOrg,
  useLoginLink,
} from "../store/index.ts";
import { type CommandContext, requireUserManagement, runCommand, SYSTEM_ACTOR } from "./context.ts";
import { loadUser } from "./users.ts";

export type LinkPurpose = "set_password" | "reset_password";
const LINK_HOURS: Record<LinkPurpose, number> = { set_password: 7 * 24, reset_password: 1 };
export const SESSION_HOURS = 12;

/** The URL of a one-time link: the token travels in the fragment, so it stays out of server logs. */
export function linkUrl(baseUrl: string, purpose: LinkPurpose, token: string): string {
  return `${baseUrl.replace(/\/$/, "")}/${purpose === "set_password" ? "set-password" : "reset-password"}#token=${token}`;
}

/**
 * A one-time link for a user to set their password (first run, invitation)
 * or reset it, emailed through the outbox unless `email: false`.
 */
export async function createPasswordLink(
  ctx: CommandContext,
  input: { userId: UserId; purpose: LinkPurpose; baseUrl: string; email?: boolean },
) {
  return runCommand(ctx, async (w) => {
    requireUserManagement(w);
    const user = await loadUser(w, input.userId);
    if (user.status !== "active") fail("user.deactivated", `${user.email} is deactivated.`);
    const token = randomSecret();
    const expiresAt = new Date(w.at.getTime() + LINK_HOURS[input.purpose] * 3600_000);
    await insertLoginLink(w.tx, {
      tokenHash: digest(token),
      email: user.email,
      orgId: w.org.id,
      purpose: input.purpose,
      createdAt: w.at,
      expiresAt,
    });
    const url = linkUrl(input.baseUrl, input.purpose, token);
    if (input.email !== false) {
      const invite = input.purpose === "set_password";
      await enqueueMessages(w.tx, w.org.id, 0, w.at, [
        {
          id: newId("message"),
          userId: user.id,
          toEmail: user.email,
          subject: invite ? `You are invited to ${w.org.name}` : `Reset your ${w.org.name} password`,
          body: [
            `Hello ${user.firstName || user.email},`,
            "",
            invite
              ? `You have been given access to ${w.org.name}. Set your password to sign in:`
              : "Someone asked to reset your password. If it was you, choose a new one here:",
            url,
            "",
            `This link works once and expires in ${LINK_HOURS[input.purpose] >= 24 ? `${LINK_HOURS[input.purpose] / 24} days` : "1 hour"}.`,
          ].join("\n"),
        },
      ]);
    }
    w.audit({
      action: input.purpose === "set_password" ? "user.invite_link" : "user.reset_link",
      targetType: "user",
      targetId: user.id,
      targetLabel: user.email,
      before: null,
      after: { expiresAt: expiresAt.toISOString(), emailed: input.email !== false },
    });
    return { url, token, expiresAt: expiresAt.toISOString() };
  });
}

/** "Forgot password": a reset link by email when the address belongs to an active user; silent otherwise (no enumeration). */
export async function requestPasswordReset(store: Store, email: string, baseUrl: string): Promise<void> {
  const [first] = await organizationsOfEmail(store.db, email);
  if (!first) return;
  await createPasswordLink(
    {
      store,
      orgId: first.org_id as OrgId,
      actor: { ...SYSTEM_ACTOR, label: "password reset" },
      authority: { kind: "admin" },
    },
    { userId: first.user_id as UserId, purpose: "reset_password", baseUrl },
  );
}

/** Sets a password with a one-time link; every session of that person ends. */
export async function setPasswordWithLink(store: Store, input: { token: string; password: string }) {
  const problem = passwordProblem(input.password);
  if (problem) fail("request.invalid", problem, { field: "password" });
  const at = new Date();
  const link = await store.transaction(async (tx) => {
    const used = await useLoginLink(tx, digest(input.token), at);
    if (!used) return null;
    await setCredential(tx, used.email, hashPassword(input.password), at);
    await deleteSessionsOf(tx, used.email, at);
    return used;
  });
  if (!link)
    throw new RosterError("auth.link_invalid", "This link is unknown, used or expired: ask for a new one.");
  return { email: link.email };
}

/**
 * Signs a person in by email and password: one session reaches every
 * organization where they are an active user. Unknown emails and wrong
 * passwords get the same answer.
 */
export async function signIn(store: Store, input: { email: string; password: string }) {
  const hash = await getCredential(store.db, input.email);
  const ok = hash !== null && verifyPassword(input.password, hash);
  const orgs = ok ? await organizationsOfEmail(store.db, input.email) : [];
  if (!ok || orgs.length === 0) throw new RosterError("auth.invalid_credentials", "Wrong email or password.");
  const sessionId = randomSecret();
  const csrfToken = randomSecret(24);
  const at = new Date();
  const expiresAt = new Date(at.getTime() + SESSION_HOURS * 3600_000);
  await store.transaction((tx) =>
    insertSession(tx, {
      idHash: digest(sessionId),
      email: input.email,
      orgId: orgs[0]!.org_id,
      csrfToken,
      createdAt: at,
      expiresAt,
    }),
  );
  return {
    sessionId,
    csrfToken,
    expiresAt,
    organizations: orgs.map((o) => ({ id: o.org_id, name: o.name, slug: o.slug })),
    /** The person as a user of each organization (a sign-in is activity in all of them). */
    users: orgs.map((o) => ({ orgId: o.org_id as OrgId, userId: o.user_id as UserId })),
  };
}

export async function signOut(store: Store, sessionIdHash: string): Promise<void> {
  await deleteSession(store.db, sessionIdHash);
}

/** Moves a session to another of the person's organizations. */
export async function switchOrganization(store: Store, sessionIdHash: string, email: string, orgId: OrgId) {
  const orgs = await organizationsOfEmail(store.db, email);
  const target = orgs.find((o) => o.org_id === orgId);
  if (!target)
    throw new RosterError("organization.not_found", "You are not an active user of that organization.");
  await setSessionOrg(store.db, sessionIdHash, orgId);
  return { id: target.org_id, name: target.name, slug: target.slug };
}

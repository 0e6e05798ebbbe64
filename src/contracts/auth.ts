import { z } from "zod";
import { OrgRole } from "./common.ts";

/** Console sessions: sign in and out, who is signed in, switching organization, one-time password links. */

export const OrgRef = z.object({ id: z.string(), name: z.string(), slug: z.string() });

export const SignInBody = z.object({
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(200),
});

export const SignedIn = z.object({
  csrfToken: z.string().describe("Send it as the X-CSRF-Token header on every write of this session"),
  organization: OrgRef,
  organizations: z.array(OrgRef),
});

export const Me = z.object({
  email: z.string(),
  userId: z.string(),
  organization: OrgRef,
  organizations: z.array(OrgRef),
  role: OrgRole,
  manageUsers: z.boolean(),
  manageGroups: z.boolean(),
  delegations: z.array(z.string()),
  csrfToken: z.string(),
});

export const SwitchBody = z.object({ organizationId: z.string() });

export const Switched = z.object({ organization: OrgRef });

export const SetPasswordBody = z.object({
  token: z.string().min(10).max(200).describe("The `token` of the link's fragment (`#token=...`)"),
  password: z.string().max(200),
});

export const PasswordSet = z.object({ email: z.string() });

export const ResetRequestBody = z.object({ email: z.string().min(3).max(254) });

export const ResetAccepted = z.object({ accepted: z.literal(true) });

// Strict itself: an optional body (a default) is out of reach of the admin validator's strictness (app.ts).
export const PasswordLinkBody = z.strictObject({ email: z.boolean().default(true) }).default({ email: true });

export const PasswordLink = z.object({ url: z.string(), expiresAt: z.string(), revision: z.number() });

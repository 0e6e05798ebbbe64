import { createHash, createHmac, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

/**
 * Secrets are never stored in clear: API tokens and one-time links as an
 * HMAC under the server key, passwords with scrypt.
 */

export const TOKEN_SCOPES = ["admin", "check", "scim"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function hmac(key: string, secret: string): string {
  return createHmac("sha256", key).update(secret).digest("base64url");
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** An API token as shown once: `rst_<id>.<secret>`; the id finds the row, the secret proves it. */
export function formatToken(tokenId: string, secret: string): string {
  return `rst_${tokenId.replace(/^tok_/, "")}.${secret}`;
}

/**
 * The id and secret of a token. A token of another shape (a value chosen with
 * ROSTER_BOOTSTRAP_TOKEN, for automation) is its own secret, with an id
 * derived from its hash; it must be at least 16 characters.
 */
export function parseToken(token: string): { tokenId: string; secret: string } | null {
  const m = /^rst_([A-Za-z0-9]{8,64})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  if (m) return { tokenId: `tok_${m[1]}`, secret: m[2]! };
  if (token.length < 16 || token.length > 200 || /\s/.test(token)) return null;
  return { tokenId: `tok_x${createHash("sha256").update(token).digest("hex").slice(0, 31)}`, secret: token };
}

const SCRYPT = { N: 16384, r: 8, p: 1 };

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [kind, n, r, p, salt, hash] = stored.split("$");
  if (kind !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = scryptSync(password, Buffer.from(salt, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** The stored form of a high-entropy one-time secret (a session id, a link token). */
export function digest(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

/** Passwords: 10 to 200 characters; nothing else is imposed (NIST SP 800-63B). */
export function passwordProblem(password: string): string | null {
  if (typeof password !== "string" || password.length < 10) return "A password needs at least 10 characters.";
  if (password.length > 200) return "A password has at most 200 characters.";
  return null;
}

import {
  checkText,
  fail,
  formatToken,
  hmac,
  newId,
  parseToken,
  randomSecret,
  TOKEN_SCOPES,
  type TokenScope,
} from "../domain/index.ts";
import { findToken, insertToken, listTokens, revokeToken as markRevoked, serverKey } from "../store/index.ts";
import { type CommandContext, requireAdmin, runCommand } from "./context.ts";

/** Creates an API token of the organization; the token itself is returned once and never stored in clear. */
export async function createToken(
  ctx: CommandContext,
  input: {
    name: string;
    scopes: readonly TokenScope[];
    /** A chosen value (ROSTER_BOOTSTRAP_TOKEN, for automation) instead of a random one. */
    token?: string;
  },
) {
  const key = await serverKey(ctx.store.db);
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const name = checkText("request.invalid", "name", input.name, 100);
    // The audit names a token's actions by its name: two live tokens may not share one.
    const live = await listTokens(w.tx, w.org.id);
    if (live.some((t) => t.revokedAt === null && t.name.toLowerCase() === name.toLowerCase())) {
      fail(
        "token.name_taken",
        `A token named ${name} exists: choose another name, or revoke that one first.`,
      );
    }
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0 || scopes.some((s) => !TOKEN_SCOPES.includes(s))) {
      fail("request.invalid", `Scopes are some of ${TOKEN_SCOPES.join(", ")}.`, { field: "scopes" });
    }
    const chosen = input.token === undefined ? null : parseToken(input.token);
    if (input.token !== undefined && !chosen)
      fail("request.invalid", "A chosen token needs 16 to 200 characters and no spaces.");
    const id = chosen?.tokenId ?? newId<string>("token");
    const secret = chosen?.secret ?? randomSecret();
    await insertToken(w.tx, {
      id,
      orgId: w.org.id,
      name,
      scopes,
      secretHash: hmac(key, secret),
      createdBy: w.ctx.actor.label,
      createdAt: w.at,
    });
    w.emit({ type: "token.created", tokenId: id });
    w.audit({
      action: "token.create",
      targetType: "token",
      targetId: id,
      targetLabel: name,
      before: null,
      after: { name, scopes },
    });
    return { id, name, scopes, token: input.token ?? formatToken(id, secret), createdAt: w.now };
  });
}

export async function revokeToken(ctx: CommandContext, id: string) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const row = await findToken(w.tx, id);
    if (!row || row.orgId !== w.org.id) fail("token.not_found", `No token ${id}.`);
    if (!(await markRevoked(w.tx, w.org.id, id, w.at))) return { id };
    w.emit({ type: "token.revoked", tokenId: id });
    w.audit({
      action: "token.revoke",
      targetType: "token",
      targetId: id,
      targetLabel: row.name,
      before: { name: row.name },
      after: null,
    });
    return { id };
  });
}

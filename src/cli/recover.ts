import { type Command, Option } from "commander";
import { createPasswordLink, createToken, SYSTEM_ACTOR } from "../commands/index.ts";
import type { TokenScope } from "../domain/index.ts";
import { findUserByEmail } from "../store/index.ts";
import { CliError, globalsOf, withOrg } from "./open.ts";

/**
 * What an operator with access to the database does when the first start's
 * one-time token or link is lost: make a new API token, or a new one-time
 * password link for a user (printed, not emailed).
 */
export function registerRecovery(program: Command): void {
  program
    .command("token")
    .description("create an API token for the organization and print it (shown once)")
    .argument("<name>", "what the token is for (shown in the token list and the audit log)")
    .addOption(new Option("--scopes <scopes>", "comma-separated scopes: admin, check, scim").default("admin"))
    .addHelpText(
      "after",
      `
The token is printed on standard output, once; it is stored as an HMAC. On the embedded database,
stop the server first (it holds the data folder).

Examples:
  roster token "automation"
  roster --org acme token "platform checks" --scopes check`,
    )
    .action(async (name: string, opts: { scopes: string }, cmd: Command) => {
      // createToken refuses unknown scopes itself (request.invalid, naming the known ones).
      const scopes = opts.scopes.split(",").map((s) => s.trim()) as TokenScope[];
      const made = await withOrg(globalsOf(cmd), "token", (store, org) =>
        createToken(
          { store, orgId: org.id, actor: SYSTEM_ACTOR, authority: { kind: "owner" }, requestId: "cli" },
          { name, scopes },
        ),
      );
      process.stdout.write(`${made.value.token}\n`);
      process.stderr.write(`token ${made.value.id} (${scopes.join(", ")}): shown once, keep it\n`);
    });

  program
    .command("password-link")
    .description("print a one-time link that sets a user's password (7 days), for a lost first-start link")
    .argument("<email>", "the user's email")
    .option(
      "--url <url>",
      "the server's address as people reach it (env ROSTER_PUBLIC_URL)",
      process.env.ROSTER_PUBLIC_URL ?? "http://127.0.0.1:8080",
    )
    .addHelpText(
      "after",
      `
The link is printed, not emailed. On the embedded database, stop the server first.

Example:
  roster password-link admin@example.com --url https://roster.example.com`,
    )
    .action(async (email: string, opts: { url: string }, cmd: Command) => {
      const link = await withOrg(globalsOf(cmd), "password-link", async (store, org) => {
        const user = await findUserByEmail(store.db, org.id, email);
        if (!user) throw new CliError(`no user ${email} in ${org.slug}`, "user.not_found");
        return createPasswordLink(
          { store, orgId: org.id, actor: SYSTEM_ACTOR, authority: { kind: "owner" }, requestId: "cli" },
          { userId: user.id, purpose: "set_password", baseUrl: opts.url.replace(/\/+$/, ""), email: false },
        );
      });
      process.stdout.write(`${link.value.url}\n`);
    });
}

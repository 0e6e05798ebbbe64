import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { importData, SYSTEM_ACTOR } from "../commands/index.ts";
import {
  type Attributes,
  describeStep,
  type ImportData,
  type ImportRule,
  type ImportUser,
  type OrgId,
  type OrgRole,
  planImport,
} from "../domain/index.ts";
import { FORMULA } from "../queries/index.ts";
import { loadSnapshot, type Store } from "../store/index.ts";
import { parseCsv } from "./csv.ts";
import { CliError } from "./open.ts";

export type OpenOrg = () => Promise<{ store: Store; orgId: OrgId; close(): Promise<void> }>;

const list = (v: string | undefined) =>
  (v ?? "")
    .split(";")
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Reads an import file: JSON `{ users, groups, memberships, rules }`, or a CSV
 * whose header says what it holds:
 *   users:        email, firstName, lastName, role, groups (a;b), attr.<name> (x;y) ...
 *   groups:       name, description, members (emails a;b), groups (names a;b)
 *   memberships:  group, member (an email, or group:Name)
 *   rules:        subject (email or group:Name), type, resource (key, or * for all), role
 */
/** What `read` returns; what it throws, as a CliError that says `what` (and why). */
function attempt<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new CliError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function readImportFile(path: string): ImportData {
  const text = attempt(`cannot read ${path}`, () => readFileSync(path, "utf8"));
  if (path.toLowerCase().endsWith(".json") || text.trimStart().startsWith("{")) {
    const data = attempt(`${path} is not valid JSON`, () => JSON.parse(text) as ImportData);
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      throw new CliError("a JSON import is an object with users, groups, memberships and/or rules");
    }
    return data;
  }
  const [header, ...rows] = attempt(`${path} is not valid CSV`, () => parseCsv(text));
  if (!header) throw new CliError("the CSV file is empty");
  const cols = header.map((h) => h.trim());
  const at = (row: string[], name: string) => {
    const i = cols.findIndex((c) => c.toLowerCase() === name.toLowerCase());
    const value = i < 0 ? undefined : row[i]?.trim();
    // An export writes a formula-like text after a ' (queries/csv.ts): read back as it was.
    return value?.startsWith("'") && FORMULA.test(value.slice(1)) ? value.slice(1) : value;
  };
  const has = (...names: string[]) =>
    names.every((n) => cols.some((c) => c.toLowerCase() === n.toLowerCase()));
  if (has("subject", "type", "resource", "role")) {
    return {
      rules: rows.map(
        (r): ImportRule => ({
          subject: at(r, "subject")!,
          type: at(r, "type")!,
          resource: at(r, "resource")!,
          role: at(r, "role")!,
        }),
      ),
    };
  }
  if (has("group", "member"))
    return { memberships: rows.map((r) => ({ group: at(r, "group")!, member: at(r, "member")! })) };
  if (has("email")) {
    const attrCols = cols.filter((c) => /^attr(ibute)?\./i.test(c));
    return {
      users: rows.map((r): ImportUser => {
        const attributes: Record<string, string[]> = {};
        for (const c of attrCols) {
          const values = list(at(r, c));
          if (values.length > 0) attributes[c.replace(/^attr(ibute)?\./i, "")] = values;
        }
        const role = at(r, "role");
        return {
          email: at(r, "email")!,
          ...(at(r, "firstName") !== undefined && { firstName: at(r, "firstName") }),
          ...(at(r, "lastName") !== undefined && { lastName: at(r, "lastName") }),
          ...(role && { role: role.toLowerCase() as OrgRole }),
          ...(attrCols.length > 0 && { attributes: attributes as Attributes }),
          groups: list(at(r, "groups")),
        };
      }),
    };
  }
  if (has("name")) {
    return {
      groups: rows.map((r) => ({
        name: at(r, "name")!,
        description: at(r, "description") ?? "",
        members: list(at(r, "members")),
        groups: list(at(r, "groups")),
      })),
    };
  }
  throw new CliError(
    `cannot tell what this CSV holds from its header (${cols.join(", ")}): see roster import --help for the columns`,
  );
}

/** A progress bar on a terminal; a line every 10% otherwise. */
function progress(total: number) {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  return ({ done }: { done: number }) => {
    const share = total === 0 ? 1 : done / total;
    if (tty) {
      const width = 30;
      const full = Math.round(share * width);
      process.stderr.write(
        `\r  [${"#".repeat(full)}${".".repeat(width - full)}] ${Math.round(share * 100)}% (${done}/${total})`,
      );
      if (done === total) process.stderr.write("\n");
    } else if (Math.floor(share * 10) > lastTenth) {
      lastTenth = Math.floor(share * 10);
      process.stderr.write(`  ${Math.round(share * 100)}% (${done}/${total})\n`);
    }
  };
}

export function registerImport(program: Command, open: OpenOrg): void {
  program
    .command("import")
    .description("import users, groups, memberships and rules from a CSV or JSON file")
    .argument("<file>", "a .json or .csv file")
    .option("--dry-run", "print the difference the import would make, and write nothing")
    .option("--chunk <n>", "steps per transaction", "250")
    .addHelpText(
      "after",
      `
JSON: { "users": [{ "email", "firstName", "lastName", "role", "attributes", "groups": [names] }],
        "groups": [{ "name", "description", "members": [emails], "groups": [names] }],
        "memberships": [{ "group", "member": email | "group:Name" }],
        "rules": [{ "subject": email | "group:Name", "type", "resource": key | "*", "role" }] }
CSV, by header:
  users        email,firstName,lastName,role,groups,attr.region     (lists separated by ;)
  groups       name,description,members,groups
  memberships  group,member
  rules        subject,type,resource,role                         (resource * = all current and future)

Existing users (by email), groups (by name) and identical rules are left as they are; the
dry run prints one line per change (+ added, ~ changed) and any problems. A file with
problems writes nothing.

Examples:
  roster import people.csv --dry-run
  roster import access.json`,
    )
    .action(async (file: string, opts: { dryRun?: boolean; chunk: string }) => {
      const data = readImportFile(file);
      const { store, orgId, close } = await open();
      try {
        const { state } = await loadSnapshot(store, orgId);
        const plan = planImport(state, data);
        for (const p of plan.problems) console.error(`problem: ${p.where}: ${p.message}`);
        if (opts.dryRun) {
          for (const step of plan.steps) console.log(describeStep(step));
          console.log(
            `${plan.steps.length} changes, ${plan.unchanged} already as in the file, ${plan.problems.length} problems (dry run: nothing written)`,
          );
          process.exitCode = plan.problems.length > 0 ? 2 : 0;
          return;
        }
        if (plan.problems.length > 0) {
          console.error(`${plan.problems.length} problems: nothing was written.`);
          process.exitCode = 2;
          return;
        }
        const result = await importData(
          {
            store,
            orgId,
            actor: { ...SYSTEM_ACTOR, label: "roster import" },
            authority: { kind: "owner" },
            requestId: `import:${file}`,
          },
          plan,
          { chunk: Number(opts.chunk) || 250, onProgress: progress(plan.steps.length) },
        );
        console.log(
          `${result.applied} changes applied (revision ${result.revision}); ${plan.unchanged} already as in the file.`,
        );
      } finally {
        await close();
      }
    });
}

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Argument, type Command, Option } from "commander";
import {
  AUDIT_COLUMNS,
  type AuditFilter,
  exportAudit,
  exportGroups,
  exportRules,
  exportUsers,
  GROUP_COLUMNS,
  type Row,
  RULE_COLUMNS,
  toCsv,
  toJson,
  USER_COLUMNS,
} from "../queries/index.ts";
import { CliError, globalsOf, withOrg } from "./open.ts";

type ExportOptions = AuditFilter & { format: "csv" | "json"; out?: string };

const KINDS = {
  groups: { columns: GROUP_COLUMNS, run: exportGroups },
  users: { columns: USER_COLUMNS, run: exportUsers },
  rules: { columns: RULE_COLUMNS, run: exportRules },
  audit: { columns: AUDIT_COLUMNS, run: exportAudit },
} as const;

type Kind = keyof typeof KINDS;

const AUDIT_ONLY = ["actor", "target", "action", "from", "to"] as const;

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("export the organization's groups, users, rules or audit log as CSV or JSON")
    .addArgument(new Argument("<what>", "what to export").choices(Object.keys(KINDS)))
    .addOption(new Option("--format <format>", "output format").choices(["csv", "json"]).default("csv"))
    .option("--out <file>", "write to this file instead of standard output")
    .option("--actor <actor>", "audit: only changes by this actor (an id, or part of an email or token name)")
    .option("--target <target>", "audit: only changes to this target (an id, or part of its email or name)")
    .option("--action <action>", "audit: only this action, or actions under it (group matches group.create)")
    .option("--from <date>", "audit: from this date or time on (2024-05-01 or 2024-05-01T08:00:00Z)")
    .option("--to <date>", "audit: up to this date (the whole day) or time")
    .addHelpText(
      "after",
      `
Columns:
  groups  ${GROUP_COLUMNS.join(", ")}
  users   ${USER_COLUMNS.join(", ")}
  rules   ${RULE_COLUMNS.join(", ")}
  audit   ${AUDIT_COLUMNS.join(", ")}
CSV follows RFC 4180 (fields with commas, quotes or line breaks are quoted); lists are joined
with ";" and objects (attributes, before/after) written as JSON. In the rules export, resource
"*" means all current and future resources of the type.

Examples:
  roster export groups
  roster export users --format json --out users.json
  roster export audit --action group --from 2024-05-01 --to 2024-05-31 --out may.csv`,
    )
    .action(async (what: Kind, opts: ExportOptions, cmd: Command) => {
      if (what !== "audit") {
        const given = AUDIT_ONLY.filter((k) => opts[k] !== undefined);
        if (given.length > 0) throw new CliError(`--${given[0]} applies to "export audit" only`);
      }
      const kind = KINDS[what];
      const rows = await withOrg(
        globalsOf(cmd),
        "export",
        async (store, org): Promise<readonly Row[]> =>
          what === "audit" ? exportAudit(store, org.id, opts) : KINDS[what].run(store, org.id),
      );
      const text = opts.format === "json" ? toJson(rows) : toCsv(rows, kind.columns);
      if (opts.out) {
        writeFileSync(opts.out, text);
        process.stderr.write(
          `wrote ${rows.length} ${what === "audit" ? "audit entries" : what} to ${resolve(opts.out)}\n`,
        );
      } else {
        process.stdout.write(text);
      }
    });
}

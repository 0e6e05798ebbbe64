import type { Command } from "commander";
import { OrgIndex } from "../access/index.ts";
import {
  aType,
  type CompiledType,
  type Contribution,
  type EffectiveFilter,
  fail,
  formatPredicate,
  formatResolvedPredicate,
  type GroupId,
  groupsOfUser,
  type OrgState,
  type Resource,
  ruleCovers,
  sameSubject,
  summarize,
  toSql,
  type User,
} from "../domain/index.ts";
import { loadSnapshot } from "../store/index.ts";
import { type GlobalOptions, globalsOf, withOrg } from "./open.ts";

/**
 * `check`, `access` and `explain`: answered by the in-memory index built from
 * one snapshot of the organization, exactly as a server answers them.
 */

type Target = {
  readonly state: OrgState;
  readonly index: OrgIndex;
  readonly u: number;
  readonly r: number;
  readonly user: User;
  readonly resource: Resource;
  readonly type: CompiledType;
};

type TypeOption = { type?: string };

function resourceLabel(r: Resource): string {
  return `${r.type} "${r.name}" (${r.key})`;
}

/** A resource by id; by key (or name) within `--type`; or by a key (or name) unique across types. */
function findResource(state: OrgState, index: OrgIndex, arg: string, type?: string): Resource {
  if (type !== undefined && !state.types.has(type)) {
    fail(
      "resource_type.not_found",
      `No resource type "${type}"; there are: ${[...state.types.keys()].join(", ")}.`,
    );
  }
  const byId = state.resources.get(arg as Resource["id"]);
  if (byId) {
    if (type !== undefined && byId.type !== type) {
      fail("resource.type_mismatch", `${arg} is ${resourceLabel(byId)}, not ${aType(type)}.`);
    }
    return byId;
  }
  if (type !== undefined) {
    const r = index.resourceIndex(arg, type);
    if (r !== undefined) return index.resource(r)!;
  }
  const inType = [...state.resources.values()].filter((r) => type === undefined || r.type === type);
  for (const same of [
    (r: Resource) => r.key === arg,
    (r: Resource) => r.name.toLowerCase() === arg.toLowerCase(),
  ]) {
    const found = inType.filter(same);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      fail(
        "request.invalid",
        `"${arg}" names several resources: ${found.map(resourceLabel).join(", ")}; add --type <type>.`,
      );
    }
  }
  return fail(
    "resource.not_found",
    `No resource "${arg}"${type ? ` of type ${type}` : ""}: give its id, or its key with --type.`,
  );
}

async function target<T>(
  g: GlobalOptions,
  purpose: string,
  userArg: string,
  resourceArg: string,
  opts: TypeOption,
  fn: (t: Target) => T,
): Promise<T> {
  return withOrg(g, purpose, async (store, org) => {
    const { state, revision } = await loadSnapshot(store, org.id);
    const index = OrgIndex.fromState(state, revision);
    const u = index.userIndex(userArg.trim());
    if (u === undefined) {
      fail("user.not_found", `No user "${userArg}" in ${org.name}: give an id or an email.`);
    }
    const resource = findResource(state, index, resourceArg.trim(), opts.type?.trim());
    const r = index.resourceIndex(resource.id)!;
    return fn({ state, index, u, r, user: index.user(u)!, resource, type: index.typeOf(r)! });
  });
}

function json(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function userJson(u: User) {
  return { id: u.id, email: u.email, status: u.status };
}

function resourceJson(r: Resource) {
  return { id: r.id, type: r.type, key: r.key, name: r.name };
}

function roleText(type: CompiledType, mask: number): { role: string | null; custom: boolean; text: string } {
  const s = summarize(type, mask);
  if (mask === 0) return { role: null, custom: false, text: "no access" };
  if (!s.custom) return { role: s.role, custom: false, text: s.role! };
  return {
    role: s.role,
    custom: true,
    text: s.role ? `custom (more than ${s.role})` : "custom",
  };
}

function filterJson(f: EffectiveFilter) {
  if (f.access !== "filtered") return { access: f.access };
  const { sql, params } = toSql(f.predicate);
  return {
    access: f.access,
    predicate: f.predicate,
    text: formatResolvedPredicate(f.predicate),
    sql,
    params,
  };
}

function filterLines(f: EffectiveFilter): string[] {
  if (f.access === "none") return ["data filter:   no access to the rows"];
  if (f.access === "unfiltered") return ["data filter:   none (every row)"];
  const { sql, params } = toSql(f.predicate);
  const text = formatResolvedPredicate(f.predicate);
  return [
    `data filter:   ${text}${f.predicate.op === "false" ? " (no row: a user attribute the filter needs is missing)" : ""}`,
    `SQL:           ${sql}${params.length > 0 ? `   -- params: ${JSON.stringify(params)}` : ""}`,
  ];
}

/** A contribution as a path: `alice@x -> Analysts -> EMEA team: Writer on Finance`. */
function pathText(t: Target, c: Contribution): string {
  const names = c.path.map((g: GroupId) => t.state.groups.get(g)?.name ?? g);
  const path = [t.user.email, ...names].join(" -> ");
  if (c.kind === "organization_role") return `${path}: ${c.role}, every capability on every resource`;
  const where =
    c.rule.resourceId === null
      ? `all current and future ${t.type.def.label.toLowerCase()}s`
      : t.resource.name;
  return `${path}: ${c.role.name} on ${where}`;
}

/** The filter the rule's holder carries on this dataset, unresolved (`region = {{user.region}}`). */
function heldFilter(t: Target, c: Contribution): string | null {
  if (c.kind !== "rule") return null;
  for (const f of t.state.filters.values()) {
    if (f.resourceId === t.resource.id && sameSubject(f.subject, c.rule.subject)) {
      return formatPredicate(f.predicate);
    }
  }
  return null;
}

/**
 * Rules on the resource held by groups of the user whose privileges are off:
 * kept but not applied, which is the usual answer to "why can't they?".
 */
function switchedOff(t: Target): string[] {
  if (t.user.status !== "active") return [];
  const paths = groupsOfUser(t.state, t.user.id);
  const out: string[] = [];
  for (const rule of t.state.rules.values()) {
    if (rule.subject.kind !== "group" || !ruleCovers(rule, t.resource)) continue;
    const path = paths.get(rule.subject.id);
    if (!path || t.state.groups.get(rule.subject.id)?.privileges !== false) continue;
    const role = t.state.roles.get(rule.roleId);
    if (!role) continue;
    out.push(pathText(t, { kind: "rule", rule, role, mask: 0, path }));
  }
  return out;
}

const TYPE_HELP = "the resource's type (app, site, workspace, dataset...) when giving its key";

export function registerAccessCommands(program: Command): void {
  program
    .command("check")
    .description("may this user use this capability on this resource? (exit 0: allowed, 1: denied, 2: error)")
    .argument("<user>", "the user's id or email")
    .argument("<resource>", "the resource's id, or its key (with --type if keys repeat across types)")
    .argument("<capability>", "a capability of the resource's type, e.g. view, edit, read_data, query")
    .option("--type <type>", TYPE_HELP)
    .option("--json", "print the answer as JSON")
    .addHelpText(
      "after",
      `
Exit status: 0 when allowed, 1 when denied, 2 on an error (unknown user, resource or capability,
data folder in use, ...). Deactivated users are denied everything.

Examples:
  roster check camille.durand@acme.example sales-dashboard view --type app
  roster check usr_0123... res_4567... edit --json`,
    )
    .action(
      async (
        userArg: string,
        resourceArg: string,
        capability: string,
        opts: TypeOption & { json?: boolean },
        cmd: Command,
      ) => {
        await target(globalsOf(cmd), "check", userArg, resourceArg, opts, (t) => {
          const bit = t.index.capabilityBit(t.r, capability.trim());
          if (bit === 0) {
            fail(
              "capability.unknown",
              `"${capability}" is not a capability of ${t.type.def.key}: ${t.type.def.capabilities.map((c) => c.key).join(", ")}.`,
            );
          }
          const allowed = t.index.check(t.u, t.r, bit);
          if (opts.json) {
            json({
              allowed,
              user: userJson(t.user),
              resource: resourceJson(t.resource),
              capability,
              revision: t.index.revision,
            });
          } else {
            const inactive = t.user.status !== "active" ? " (the user is deactivated)" : "";
            process.stdout.write(
              allowed
                ? `allowed: ${t.user.email} has ${capability} on ${resourceLabel(t.resource)}\n`
                : `denied: ${t.user.email} does not have ${capability} on ${resourceLabel(t.resource)}${inactive}\n`,
            );
          }
          process.exitCode = allowed ? 0 : 1;
        });
      },
    );

  program
    .command("access")
    .description("a user's effective access on a resource: capabilities, highest named role, and data filter")
    .argument("<user>", "the user's id or email")
    .argument("<resource>", "the resource's id, or its key (with --type if keys repeat across types)")
    .option("--type <type>", TYPE_HELP)
    .option("--json", "print the answer as JSON")
    .addHelpText(
      "after",
      `
Prints the capabilities the user holds on the resource (the union of every path), the highest
named role they contain (or "custom"), the user's organization role and, for a dataset, the
effective row filter as text and as a parameterised SQL WHERE fragment.

Examples:
  roster access camille.durand@acme.example orders --type dataset
  roster access noah.johnson@acme.example finance-reporting --type app --json`,
    )
    .action(
      async (userArg: string, resourceArg: string, opts: TypeOption & { json?: boolean }, cmd: Command) => {
        await target(globalsOf(cmd), "access", userArg, resourceArg, opts, (t) => {
          const mask = t.index.mask(t.u, t.r);
          const role = roleText(t.type, mask);
          const capabilities = summarize(t.type, mask).capabilities;
          const dataset = t.resource.type === "dataset";
          const filter = dataset ? t.index.dataFilter(t.u, t.r) : null;
          if (opts.json) {
            json({
              user: userJson(t.user),
              resource: resourceJson(t.resource),
              organizationRole: t.index.orgRole(t.u),
              capabilities,
              role: role.role,
              custom: role.custom,
              ...(filter && { filter: filterJson(filter) }),
              revision: t.index.revision,
            });
            return;
          }
          const lines = [
            `${t.user.email} on ${resourceLabel(t.resource)}`,
            `role:          ${role.text}${t.user.status !== "active" ? " (the user is deactivated)" : ""}`,
            `capabilities:  ${capabilities.length > 0 ? capabilities.join(", ") : "none"}`,
            `organization:  ${t.index.orgRole(t.u)}`,
            ...(filter ? filterLines(filter) : []),
          ];
          process.stdout.write(`${lines.join("\n")}\n`);
        });
      },
    );

  program
    .command("explain")
    .description("why a user has the access they have on a resource: every contributing rule and its path")
    .argument("<user>", "the user's id or email")
    .argument("<resource>", "the resource's id, or its key (with --type if keys repeat across types)")
    .option("--type <type>", TYPE_HELP)
    .option("--limit <n>", "list at most this many contributions", "50")
    .option("--json", "print the explanation as JSON")
    .addHelpText(
      "after",
      `
Each contribution is one shortest path from the user to a rule (or to Administrators), drawn as
  user -> group -> group it is nested in: Role on Resource
Groups whose privileges are off contribute no rules; their nesting still counts.

Examples:
  roster explain camille.durand@acme.example sales-dashboard --type app
  roster explain lucas.moreau@acme.example orders --type dataset --json`,
    )
    .action(
      async (
        userArg: string,
        resourceArg: string,
        opts: TypeOption & { json?: boolean; limit: string },
        cmd: Command,
      ) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          fail("request.invalid", `--limit must be a positive integer.`);
        await target(globalsOf(cmd), "explain", userArg, resourceArg, opts, (t) => {
          const why = t.index.explain(t.u, t.r, limit);
          const role = roleText(t.type, why.mask);
          const capabilities = summarize(t.type, why.mask).capabilities;
          const dataset = t.resource.type === "dataset";
          if (opts.json) {
            json({
              user: userJson(t.user),
              resource: resourceJson(t.resource),
              capabilities,
              role: role.role,
              custom: role.custom,
              contributions: why.contributions.map((c) => ({
                kind: c.kind,
                role: c.kind === "rule" ? c.role.name : c.role,
                path: c.path.map((g) => ({ id: g, name: t.state.groups.get(g)?.name ?? null })),
                ...(c.kind === "rule" && {
                  rule: c.rule.id,
                  capabilities: summarize(t.type, c.mask).capabilities,
                  allResources: c.rule.resourceId === null,
                }),
                ...(dataset && { filter: heldFilter(t, c) }),
                text: pathText(t, c),
              })),
              truncated: why.truncated,
              ...(dataset && { filter: filterJson(t.index.dataFilter(t.u, t.r)) }),
            });
            return;
          }
          const lines = [
            `${t.user.email} on ${resourceLabel(t.resource)}: ${role.text}${capabilities.length > 0 ? ` (${capabilities.join(", ")})` : ""}`,
          ];
          if (t.user.status !== "active") lines.push("  the user is deactivated: no access");
          else if (why.contributions.length === 0)
            lines.push("  no rule, group or organization role gives access");
          for (const c of why.contributions) {
            const held = dataset ? heldFilter(t, c) : null;
            const rowsNote = dataset && c.kind === "rule" ? `   [rows: ${held ?? "all"}]` : "";
            lines.push(`  ${pathText(t, c)}${rowsNote}`);
          }
          if (why.truncated) lines.push(`  ... and more (the first ${limit} are listed; see --limit)`);
          for (const text of switchedOff(t)) lines.push(`  not applied, privileges off: ${text}`);
          if (dataset) lines.push(...filterLines(t.index.dataFilter(t.u, t.r)).map((l) => `  ${l}`));
          process.stdout.write(`${lines.join("\n")}\n`);
        });
      },
    );
}

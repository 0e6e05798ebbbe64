/**
 * Audit entries as a person reads them: the action in words, and the
 * before and after of the change as a list of fields that changed, with
 * values written plainly (names rather than objects, filters in their text
 * syntax, no ids where a name exists). No DOM here.
 */

const ACTIONS: Readonly<Record<string, string>> = {
  "organization.create": "Created the organization",
  "organization.update": "Changed the organization",
  "organization.smtp.set": "Set the SMTP server",
  "organization.smtp.remove": "Removed the SMTP server",
  "user.create": "Invited a user",
  "user.update": "Changed a user",
  "user.deactivate": "Deactivated a user",
  "user.reactivate": "Reactivated a user",
  "user.role": "Changed a user's organization role",
  "user.remove": "Removed a user",
  "user.invite_link": "Made a link to set a password",
  "user.reset_link": "Made a link to reset a password",
  "group.create": "Created a group",
  "group.update": "Changed a group",
  "group.delete": "Deleted a group",
  "group.members.add": "Added members to a group",
  "group.members.remove": "Removed members from a group",
  "rule.create": "Added a rule",
  "rule.replace": "Changed a rule's role",
  "rule.remove": "Removed a rule",
  "filter.create": "Added a data filter",
  "filter.update": "Changed a data filter",
  "filter.remove": "Removed a data filter",
  "delegation.create": "Delegated administration",
  "delegation.remove": "Ended a delegation",
  "token.create": "Created an API token",
  "token.revoke": "Revoked an API token",
  "resource.create": "Registered a resource",
  "resource.update": "Changed a resource",
  "resource.delete": "Deleted a resource",
  "resource_type.create": "Added a resource type",
  "role.create": "Created a role",
  "role.update": "Changed a role",
  "role.delete": "Deleted a role",
};

/** "Added a rule", or the action itself when it has no wording yet. */
export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action;
}

/** The action filter's choices: every area (a prefix matches its actions), then each action. */
export const ACTION_OPTIONS = [
  {
    group: "Areas",
    items: [
      { value: "organization", label: "Organization (every action)" },
      { value: "user", label: "Users (every action)" },
      { value: "group", label: "Groups (every action)" },
      { value: "group.members", label: "Group members (added or removed)" },
      { value: "rule", label: "Rules (every action)" },
      { value: "filter", label: "Data filters (every action)" },
      { value: "delegation", label: "Delegations (every action)" },
      { value: "token", label: "API tokens (every action)" },
      { value: "resource", label: "Resources (every action)" },
      { value: "role", label: "Roles (every action)" },
    ],
  },
  {
    group: "Actions",
    items: Object.entries(ACTIONS).map(([value, label]) => ({ value, label: `${label} (${value})` })),
  },
];

export type Change = {
  readonly field: string;
  readonly before: string | null;
  readonly after: string | null;
};

export type Described =
  | { readonly kind: "changed"; readonly changes: readonly Change[] }
  | { readonly kind: "created" | "removed"; readonly changes: readonly Change[] }
  | { readonly kind: "none" };

/** Fields that say nothing to a person reading the log (ids, timestamps of the row itself). */
const NOISE = new Set(["id", "createdAt", "updatedAt", "orgId"]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** "resourceIds" -> "resource ids", "passwordSet" -> "password set". */
export function fieldLabel(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
}

const VALUE = (v: unknown): string =>
  typeof v === "string"
    ? v
    : isObject(v) && typeof v.attr === "string"
      ? `{{user.${v.attr}}}`
      : JSON.stringify(v);

/** A data filter's predicate in the text syntax (`region = {{user.region}} and country in (France)`). */
export function predicateText(p: unknown, parent: string | null = null): string | null {
  if (!isObject(p) || typeof p.op !== "string") return null;
  switch (p.op) {
    case "eq":
    case "ne":
      return `${p.column} ${p.op === "eq" ? "=" : "!="} ${VALUE(p.value)}`;
    case "in":
    case "not_in":
      return `${p.column} ${p.op === "in" ? "in" : "not in"} (${(Array.isArray(p.values) ? p.values : []).map(VALUE).join(", ")})`;
    case "and":
    case "or": {
      const args = Array.isArray(p.args) ? p.args : [];
      const text = args.map((a) => predicateText(a, p.op as string) ?? JSON.stringify(a)).join(` ${p.op} `);
      return parent && parent !== p.op && args.length > 1 ? `(${text})` : text;
    }
    case "true":
    case "false":
      return p.op;
    default:
      return null;
  }
}

/** A value written plainly: names over objects, lists joined, filters as text. */
export function formatValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "none";
    return value.map((v) => formatValue(v) ?? "—").join(", ");
  }
  if (isObject(value)) {
    const predicate = predicateText(value);
    if (predicate) return predicate;
    for (const key of ["name", "email", "label"])
      if (typeof value[key] === "string") return value[key] as string;
    if (typeof value.kind === "string" && typeof value.id === "string") return `${value.kind} ${value.id}`;
    return JSON.stringify(value);
  }
  return String(value);
}

function fields(value: Record<string, unknown>, side: "before" | "after"): Change[] {
  return Object.entries(value)
    .filter(([k]) => !NOISE.has(k))
    .map(([k, v]) => {
      const text = formatValue(v);
      return {
        field: fieldLabel(k),
        before: side === "before" ? text : null,
        after: side === "after" ? text : null,
      };
    });
}

/** What an entry changed, field by field. */
export function describeChange(before: unknown, after: unknown): Described {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (k) => k !== "updatedAt",
    );
    const changes = keys
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      .map((k) => ({ field: fieldLabel(k), before: formatValue(before[k]), after: formatValue(after[k]) }));
    return { kind: "changed", changes };
  }
  if (isObject(after) && (before === null || before === undefined))
    return { kind: "created", changes: fields(after, "after") };
  if (isObject(before) && (after === null || after === undefined))
    return { kind: "removed", changes: fields(before, "before") };
  if (before === null && after === null) return { kind: "none" };
  return {
    kind: "changed",
    changes: [{ field: "value", before: formatValue(before), after: formatValue(after) }],
  };
}

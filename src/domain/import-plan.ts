import { orgRole } from "./access.ts";
import { RosterError } from "./errors.ts";
import type { GroupId } from "./ids.ts";
import { wouldCreateCycle } from "./invariants.ts";
import type { Attributes, NotifySetting, OrgRole } from "./model.ts";
import type { OrgState } from "./state.ts";
import { checkNotify, checkRole, checkText, checkUserFields } from "./validate.ts";

/**
 * Importing users, groups, memberships and rules: the difference a file would
 * make to an organization, computed without writing anything (so `--dry-run`
 * shows exactly what the import then does). Users are named by email, groups
 * by name, resources by their key ("*" for all current and future of a type).
 */
export type ImportUser = {
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly role?: OrgRole;
  readonly attributes?: Attributes;
  readonly externalId?: string | null;
  readonly groups?: readonly string[];
};
export type ImportGroup = {
  readonly name: string;
  readonly description?: string;
  /** Member users by email. */
  readonly members?: readonly string[];
  /** Nested member groups by name. */
  readonly groups?: readonly string[];
  readonly notify?: NotifySetting;
  readonly privileges?: boolean;
};
/** `member` is an email, or `group:Name` for a nested group. */
export type ImportMembership = { readonly group: string; readonly member: string };
/** `subject` is `user:email`, `group:Name`, or a bare email or group name. */
export type ImportRule = {
  readonly subject: string;
  readonly type: string;
  readonly resource: string;
  readonly role: string;
};
export type ImportData = {
  readonly users?: readonly ImportUser[];
  readonly groups?: readonly ImportGroup[];
  readonly memberships?: readonly ImportMembership[];
  readonly rules?: readonly ImportRule[];
};

export type MemberRef =
  | { readonly kind: "user"; readonly email: string }
  | { readonly kind: "group"; readonly name: string };

export type ImportStep =
  | { readonly kind: "create_user"; readonly user: ImportUser }
  | {
      readonly kind: "update_user";
      readonly email: string;
      readonly changes: Pick<ImportUser, "firstName" | "lastName" | "attributes" | "externalId">;
    }
  | {
      readonly kind: "set_role";
      readonly email: string;
      readonly role: OrgRole;
      readonly before: OrgRole | null;
    }
  | {
      readonly kind: "create_group";
      readonly name: string;
      readonly description: string;
      readonly notify: NotifySetting;
      readonly privileges: boolean;
    }
  | { readonly kind: "add_member"; readonly group: string; readonly member: MemberRef }
  | {
      readonly kind: "set_rule";
      readonly subject: MemberRef;
      readonly type: string;
      /** A resource key, or null for all current and future resources of the type. */
      readonly resource: string | null;
      readonly role: string;
      readonly before: string | null;
    };

export type ImportProblem = { readonly where: string; readonly message: string };
export type ImportPlan = {
  readonly steps: ImportStep[];
  readonly problems: ImportProblem[];
  readonly unchanged: number;
};

export function parseSubject(text: string): MemberRef {
  const t = text.trim();
  if (t.toLowerCase().startsWith("user:")) return { kind: "user", email: t.slice(5).trim() };
  if (t.toLowerCase().startsWith("group:")) return { kind: "group", name: t.slice(6).trim() };
  return t.includes("@") ? { kind: "user", email: t } : { kind: "group", name: t };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The steps that would bring the organization to what the data says; problems instead of steps where it cannot. */
export function planImport(state: OrgState, data: ImportData): ImportPlan {
  const steps: ImportStep[] = [];
  const problems: ImportProblem[] = [];
  let unchanged = 0;
  const usersByEmail = new Map([...state.users.values()].map((u) => [u.email.toLowerCase(), u]));
  const groupsByName = new Map([...state.groups.values()].map((g) => [g.name.toLowerCase(), g]));
  const newUsers = new Set<string>();
  const newGroups = new Map<string, GroupId>();
  const userKnown = (email: string) =>
    usersByEmail.has(email.toLowerCase()) || newUsers.has(email.toLowerCase());
  const groupId = (name: string): GroupId | undefined =>
    groupsByName.get(name.toLowerCase())?.id ?? newGroups.get(name.toLowerCase());
  // Nesting edges, existing and planned, for cycle checks.
  const edges = new Map<GroupId, GroupId[]>();
  for (const [p, cs] of state.groupMembers) edges.set(p, [...cs]);
  const planned = new Set<string>();
  /** Runs the checks the commands will make of a row's values; what they refuse is a problem at `where`. */
  const valid = (where: string, check: () => void): boolean => {
    try {
      check();
      return true;
    } catch (e) {
      if (!(e instanceof RosterError)) throw e;
      problems.push({ where, message: e.message });
      return false;
    }
  };

  for (const [i, g] of (data.groups ?? []).entries()) {
    const key = g.name?.trim().toLowerCase();
    if (!key) {
      problems.push({ where: `groups[${i}]`, message: "a group needs a name" });
      continue;
    }
    const checked = valid(`groups[${i}]`, () => {
      checkText("group.invalid", "name", g.name, 100);
      checkText("group.invalid", "description", g.description ?? "", 1000, true);
      checkNotify(g.notify ?? "none");
    });
    if (!checked) continue;
    if (groupId(key)) {
      unchanged++;
      continue;
    }
    if (state.organization.plan !== "enterprise") {
      problems.push({ where: `groups[${i}]`, message: `custom groups need the enterprise plan (${g.name})` });
      continue;
    }
    newGroups.set(key, `grp_new_${newGroups.size}` as GroupId);
    steps.push({
      kind: "create_group",
      name: g.name.trim(),
      description: g.description ?? "",
      notify: g.notify ?? "none",
      privileges: g.privileges ?? true,
    });
  }

  for (const [i, u] of (data.users ?? []).entries()) {
    const email = u.email?.trim();
    if (!email) {
      problems.push({ where: `users[${i}]`, message: "a user needs an email" });
      continue;
    }
    const { firstName, lastName, externalId, attributes, role } = u;
    const checked = valid(`users[${i}]`, () => {
      checkUserFields({ email, firstName, lastName, externalId, attributes });
      if (role !== undefined) checkRole(role);
    });
    if (!checked) continue;
    const existing = usersByEmail.get(email.toLowerCase());
    if (!existing) {
      if (newUsers.has(email.toLowerCase())) {
        problems.push({ where: `users[${i}]`, message: `${email} appears twice` });
        continue;
      }
      newUsers.add(email.toLowerCase());
      steps.push({ kind: "create_user", user: { ...u, email, groups: [] } });
      if (u.role && u.role !== "member") steps.push({ kind: "set_role", email, role: u.role, before: null });
    } else {
      const changes: Record<string, unknown> = {};
      if (u.firstName !== undefined && u.firstName !== existing.firstName) changes.firstName = u.firstName;
      if (u.lastName !== undefined && u.lastName !== existing.lastName) changes.lastName = u.lastName;
      if (u.attributes !== undefined && !same(u.attributes, existing.attributes))
        changes.attributes = u.attributes;
      if (u.externalId !== undefined && u.externalId !== existing.externalId)
        changes.externalId = u.externalId;
      if (Object.keys(changes).length > 0)
        steps.push({ kind: "update_user", email: existing.email, changes });
      else unchanged++;
      const role = orgRole(state, existing.id);
      if (u.role && u.role !== role)
        steps.push({ kind: "set_role", email: existing.email, role: u.role, before: role });
    }
  }

  const addMember = (where: string, group: string, member: MemberRef) => {
    const gid = groupId(group);
    if (!gid) return problems.push({ where, message: `no group named ${group}` });
    const g = state.groups.get(gid);
    if (g?.system === "everyone")
      return problems.push({ where, message: "Everyone's members cannot be added" });
    let already = false;
    if (member.kind === "user") {
      if (!userKnown(member.email)) return problems.push({ where, message: `no user ${member.email}` });
      const u = usersByEmail.get(member.email.toLowerCase());
      already = u !== undefined && (state.userMembers.get(gid)?.has(u.id) ?? false);
    } else {
      const cid = groupId(member.name);
      if (!cid) return problems.push({ where, message: `no group named ${member.name}` });
      if (wouldCreateCycle((x) => edges.get(x) ?? [], gid, cid)) {
        return problems.push({ where, message: `nesting ${member.name} in ${group} would close a cycle` });
      }
      already = edges.get(gid)?.includes(cid) ?? false;
      if (!already) edges.set(gid, [...(edges.get(gid) ?? []), cid]);
    }
    const key = `${gid}/${member.kind}:${member.kind === "user" ? member.email.toLowerCase() : member.name.toLowerCase()}`;
    if (already || planned.has(key)) return void unchanged++;
    planned.add(key);
    steps.push({ kind: "add_member", group, member });
  };
  for (const [i, u] of (data.users ?? []).entries()) {
    for (const g of u.groups ?? [])
      if (u.email) addMember(`users[${i}].groups`, g, { kind: "user", email: u.email.trim() });
  }
  for (const [i, g] of (data.groups ?? []).entries()) {
    for (const m of g.members ?? [])
      addMember(`groups[${i}].members`, g.name, { kind: "user", email: m.trim() });
    for (const c of g.groups ?? [])
      addMember(`groups[${i}].groups`, g.name, { kind: "group", name: c.trim() });
  }
  for (const [i, m] of (data.memberships ?? []).entries())
    addMember(`memberships[${i}]`, m.group, parseSubject(m.member));

  const plannedRules = new Map<string, string>();
  for (const [i, r] of (data.rules ?? []).entries()) {
    const where = `rules[${i}]`;
    const subject = parseSubject(r.subject ?? "");
    const type = state.types.get(r.type);
    if (!type) {
      problems.push({ where, message: `no resource type ${r.type}` });
      continue;
    }
    const role = [...state.roles.values()].find(
      (x) => x.type === r.type && x.name.toLowerCase() === r.role?.trim().toLowerCase(),
    );
    if (!role) {
      problems.push({ where, message: `${r.type} has no role named ${r.role}` });
      continue;
    }
    const all = r.resource.trim() === "*";
    const resource = all
      ? null
      : [...state.resources.values()].find((x) => x.type === r.type && x.key === r.resource.trim());
    if (!all && !resource) {
      problems.push({ where, message: `no ${r.type} with key ${r.resource}` });
      continue;
    }
    let subjectId: string | undefined;
    if (subject.kind === "user") {
      if (!userKnown(subject.email)) {
        problems.push({ where, message: `no user ${subject.email}` });
        continue;
      }
      subjectId = usersByEmail.get(subject.email.toLowerCase())?.id;
    } else {
      const gid = groupId(subject.name);
      if (!gid) {
        problems.push({ where, message: `no group named ${subject.name}` });
        continue;
      }
      if (state.groups.get(gid)?.system === "administrators") {
        problems.push({ where, message: "Administrators already hold every capability" });
        continue;
      }
      subjectId = state.groups.has(gid) ? gid : undefined;
    }
    const existing = subjectId
      ? [...state.rules.values()].find(
          (x) =>
            x.subject.id === subjectId &&
            x.type === r.type &&
            x.resourceId === (resource ? resource.id : null),
        )
      : undefined;
    const before = existing ? (state.roles.get(existing.roleId)?.name ?? null) : null;
    if (existing && existing.roleId === role.id) {
      unchanged++;
      continue;
    }
    if (existing?.locked) {
      problems.push({ where, message: "a locked system rule cannot be changed" });
      continue;
    }
    const key = `${subject.kind}:${subject.kind === "user" ? subject.email.toLowerCase() : subject.name.toLowerCase()}/${r.type}/${resource?.key ?? "*"}`;
    if (plannedRules.has(key)) {
      problems.push({ where, message: "the same rule appears twice" });
      continue;
    }
    plannedRules.set(key, role.name);
    steps.push({
      kind: "set_rule",
      subject,
      type: r.type,
      resource: resource?.key ?? null,
      role: role.name,
      before,
    });
  }
  return { steps, problems, unchanged };
}

const ref = (m: MemberRef) => (m.kind === "user" ? m.email : `group ${m.name}`);

/** One line per step, as `--dry-run` prints it: `+` adds, `~` changes. */
export function describeStep(step: ImportStep): string {
  switch (step.kind) {
    case "create_user":
      return `+ user ${step.user.email}${step.user.firstName || step.user.lastName ? ` (${[step.user.firstName, step.user.lastName].filter(Boolean).join(" ")})` : ""}`;
    case "update_user":
      return `~ user ${step.email}: ${Object.keys(step.changes).join(", ")}`;
    case "set_role":
      return `~ role of ${step.email}: ${step.before ?? "member"} -> ${step.role}`;
    case "create_group":
      return `+ group ${step.name}`;
    case "add_member":
      return `+ ${ref(step.member)} in ${step.group}`;
    case "set_rule": {
      const where = step.resource === null ? `all ${step.type}s` : `${step.type} ${step.resource}`;
      return step.before
        ? `~ rule: ${ref(step.subject)} ${step.before} -> ${step.role} on ${where}`
        : `+ rule: ${ref(step.subject)} ${step.role} on ${where}`;
    }
  }
}

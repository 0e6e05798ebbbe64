import {
  assertDelegateGroup,
  assertDelegateScope,
  fail,
  type Group,
  newId,
  type ResourceId,
  type RoleSpec,
  type Rule,
  type RuleId,
  type RuleScope,
  type Subject,
  type User,
} from "../domain/index.ts";
import {
  deleteRules,
  getRule,
  getUser,
  insertRules,
  rulesOfSubject,
  updateRuleRole,
} from "../store/index.ts";
import { expandScope, loadResources, resolveRole } from "./catalog.ts";
import { type CommandContext, currentDelegation, isAdmin, runCommand, type Work } from "./context.ts";
import { describeRules, notifyGroupMembers } from "./describe.ts";
import { loadGroup } from "./memberships.ts";

export type SetRulesInput = {
  readonly subject: Subject;
  readonly role: RoleSpec;
  readonly scope: RuleScope;
  /** With a set of capabilities: add what they require instead of refusing. */
  readonly closeDependencies?: boolean;
};

export type RuleStatus = "created" | "replaced" | "unchanged";

/** The subject of a rule, checked: a delegate may only give rules to groups of their delegation. */
async function loadSubject(
  w: Work,
  subject: Subject,
): Promise<{ label: string; group: Group | null; user: User | null }> {
  if (subject.kind === "user") {
    const user = await getUser(w.tx, w.org.id, subject.id);
    if (!user) return fail("user.not_found", `No user ${subject.id} in this organization.`);
    if (w.ctx.authority.kind === "delegate")
      fail("delegation.out_of_scope", "A delegate sets rules only for groups.");
    return { label: user.email, group: null, user };
  }
  const group = await loadGroup(w, subject.id);
  if (group.system === "administrators") {
    fail("rule.invalid", "Administrators already hold every capability on every resource.");
  }
  if (w.ctx.authority.kind === "delegate") assertDelegateGroup((await currentDelegation(w)).id, group);
  return { label: group.name, group, user: null };
}

function requireRuleAuthority(w: Work): void {
  if (!isAdmin(w) && w.ctx.authority.kind !== "delegate") {
    fail("auth.forbidden", "Only administrators and delegates may set rules.");
  }
}

/**
 * Gives a subject a role on a scope. A rule is identified by (subject,
 * resource), or (subject, type) for all current and future resources; a list
 * or "all current" makes one rule per resource. The same role again changes
 * nothing; another role replaces it. Locked system rules cannot be changed.
 */
export async function setRulesIn(w: Work, input: SetRulesInput) {
  requireRuleAuthority(w);
  const subject = await loadSubject(w, input.subject);
  const { type, resources } = await expandScope(w, input.scope);
  if (w.ctx.authority.kind === "delegate") {
    assertDelegateScope(await currentDelegation(w), input.scope, resources ?? []);
  }
  const {
    role,
    equals,
    created: roleCreated,
  } = await resolveRole(w, type, input.role, input.closeDependencies);
  const targets: (ResourceId | null)[] = resources === null ? [null] : resources.map((r) => r.id);
  const existing = await rulesOfSubject(w.tx, w.org.id, input.subject, {
    type: type.def.key,
    resourceIds: resources === null ? null : (targets as ResourceId[]),
  });
  const byTarget = new Map(existing.map((r) => [r.resourceId, r]));
  const results: { rule: Rule; status: RuleStatus; previousRoleId: string | null }[] = [];
  const inserts: Rule[] = [];
  for (const resourceId of targets) {
    const old = byTarget.get(resourceId);
    if (old && old.roleId === role.id) {
      results.push({ rule: old, status: "unchanged", previousRoleId: null });
      continue;
    }
    if (old?.locked)
      fail("rule.locked", "This is a locked system rule: it cannot be changed.", { rule: old.id });
    if (old) {
      const rule: Rule = { ...old, roleId: role.id, updatedAt: w.now };
      await updateRuleRole(w.tx, w.org.id, rule);
      results.push({ rule, status: "replaced", previousRoleId: old.roleId });
    } else {
      const rule: Rule = {
        id: newId("rule"),
        subject: input.subject,
        type: type.def.key,
        resourceId,
        roleId: role.id,
        locked: false,
        createdAt: w.now,
        updatedAt: w.now,
      };
      inserts.push(rule);
      results.push({ rule, status: "created", previousRoleId: null });
    }
  }
  await insertRules(w.tx, w.org.id, inserts);
  const changed = results.filter((r) => r.status !== "unchanged");
  for (const r of changed) {
    w.emit({ type: "rule.set", rule: r.rule });
    w.audit({
      action: r.status === "created" ? "rule.create" : "rule.replace",
      targetType: "rule",
      targetId: r.rule.id,
      targetLabel: subject.label,
      before: r.status === "replaced" ? { ...r.rule, roleId: r.previousRoleId } : null,
      after: r.rule,
    });
  }
  if (subject.group && changed.length > 0) {
    const words = await describeRules(
      w,
      changed.map((r) => r.rule),
    );
    await notifyGroupMembers(w, subject.group, `${subject.group.name} now gives ${words.join(", ")}.`);
  }
  return { rules: results.map(({ rule, status }) => ({ rule, status })), role, equals, roleCreated };
}

export async function setRules(ctx: CommandContext, input: SetRulesInput) {
  return runCommand(ctx, (w) => setRulesIn(w, input));
}

/** Removes rules; locked system rules cannot be removed. A delegate removes only rules of their groups in scope. */
export async function removeRules(ctx: CommandContext, ruleIds: readonly RuleId[]) {
  return runCommand(ctx, (w) => removeRulesIn(w, ruleIds));
}

/** `removeRules` inside a command (shared with the commands that replace a group's rules). */
export async function removeRulesIn(w: Work, ruleIds: readonly RuleId[]) {
  requireRuleAuthority(w);
  const removed: Rule[] = [];
  for (const id of new Set(ruleIds)) {
    const rule = (await getRule(w.tx, w.org.id, id)) ?? fail("rule.not_found", `No rule ${id}.`, { id });
    if (rule.locked) fail("rule.locked", "This is a locked system rule: it cannot be removed.", { rule: id });
    const subject = await loadSubject(w, rule.subject);
    if (w.ctx.authority.kind === "delegate") {
      const scope: RuleScope =
        rule.resourceId === null
          ? { kind: "all_current_and_future", type: rule.type }
          : { kind: "resource", resourceId: rule.resourceId };
      const resources = rule.resourceId ? await loadResources(w, [rule.resourceId]) : [];
      assertDelegateScope(await currentDelegation(w), scope, resources);
    }
    const words = await describeRules(w, [rule]);
    removed.push(rule);
    w.emit({ type: "rule.removed", ruleId: id });
    w.audit({
      action: "rule.remove",
      targetType: "rule",
      targetId: id,
      targetLabel: subject.label,
      before: rule,
      after: null,
    });
    if (subject.group) {
      await notifyGroupMembers(
        w,
        subject.group,
        `${subject.group.name} no longer gives ${words.join(", ")}.`,
      );
    }
  }
  await deleteRules(
    w.tx,
    w.org.id,
    removed.map((r) => r.id),
  );
  return { removed };
}

import {
  fail,
  type Group,
  type GroupId,
  type NotifySetting,
  type RoleSpec,
  type Rule,
  type RuleScope,
  type UserId,
} from "../domain/index.ts";
import { allUserIds, rulesOfGroups } from "../store/index.ts";
import { expandScope } from "./catalog.ts";
import { type CommandContext, requireGroupManagement, runCommand, type Work } from "./context.ts";
import { createGroupIn } from "./create-group.ts";
import { assertNestedInDelegation, type GroupMembers } from "./edit-group.ts";
import { addMembers, loadGroup, removeMembers } from "./memberships.ts";
import { removeRulesIn, setRulesIn } from "./set-rules.ts";
import { applyGroupUpdate } from "./update-group.ts";

/**
 * A group as the console's three steps define it (general info and members,
 * privileges, notifications), created or changed in one command: one
 * revision, one audit batch, and one message per member that says what the
 * group now gives ("You were added to Finance team, which gives Writer on
 * Finance"), where separate calls would leave a half-made group on an error
 * and send a message per call.
 */

/** A role on a scope, as a rule gives it; a list or "all current" stands for one rule per resource. */
export type GroupPrivilege = { readonly role: RoleSpec; readonly scope: RuleScope };

export type NewGroupDefinition = {
  readonly name: string;
  readonly description?: string;
  readonly userIds?: readonly UserId[];
  readonly groupIds?: readonly GroupId[];
  /** Adds every current user once, like any other members. */
  readonly allCurrentUsers?: boolean;
  /** All current and future users: a flag; every user of the organization is a member. */
  readonly allUsers?: boolean;
  /** Off: the group's rules and filters are kept but do not apply. */
  readonly privileges?: boolean;
  readonly notify?: NotifySetting;
  /** The group's rules; none when left out ("skip privileges"). */
  readonly rules?: readonly GroupPrivilege[];
};

export type GroupRedefinition = {
  readonly name: string;
  readonly description: string;
  readonly allUsers: boolean;
  readonly privileges: boolean;
  readonly notify: NotifySetting;
  /** Members to add and to remove (a group may hold too many to send them all). */
  readonly add?: Partial<GroupMembers>;
  readonly remove?: Partial<GroupMembers>;
  /**
   * Every rule the group should hold besides its locked system rules: the
   * others are removed, the rest set. Left out: its rules stay as they are.
   */
  readonly rules?: readonly GroupPrivilege[];
};

const members = (m: Partial<GroupMembers> | undefined): GroupMembers => ({
  userIds: m?.userIds ?? [],
  groupIds: m?.groupIds ?? [],
});

/** Creates a custom group (enterprise plan) with its rules and members, in one change. */
export async function createDefinedGroup(ctx: CommandContext, input: NewGroupDefinition) {
  return runCommand(ctx, async (w) => {
    if (input.allCurrentUsers && input.allUsers) {
      fail("group.invalid", "Choose all current users or all current and future users, not both.");
    }
    const { group } = await createGroupIn(w, {
      name: input.name,
      ...(input.description !== undefined && { description: input.description }),
      ...(input.allUsers !== undefined && { allUsers: input.allUsers }),
      ...(input.privileges !== undefined && { privileges: input.privileges }),
      ...(input.notify !== undefined && { notify: input.notify }),
    });
    // The rules first, so the members' message says what joining gives them.
    const rules = await replaceRules(w, group, input.rules ?? []);
    const userIds = input.allCurrentUsers ? await allUserIds(w.tx, w.org.id) : (input.userIds ?? []);
    await addGroupMembers(w, group, { userIds, groupIds: input.groupIds ?? [] });
    return { group, rules };
  });
}

/** Changes a custom group's general info, members, rules and notification setting, in one change. */
export async function redefineGroup(ctx: CommandContext, id: GroupId, input: GroupRedefinition) {
  return runCommand(ctx, async (w) => {
    const before = await loadGroup(w, id);
    if (before.system !== null) {
      fail(
        "group.system",
        `${before.name} is a system group: change its members or its notification setting on its page.`,
        { system: before.system },
      );
    }
    const group = await applyGroupUpdate(w, id, {
      name: input.name,
      description: input.description,
      allUsers: input.allUsers,
      privileges: input.privileges,
      notify: input.notify,
    });
    await removeMembers(w, group, members(input.remove));
    const rules =
      input.rules === undefined
        ? await rulesOfGroups(w.tx, w.org.id, [id])
        : await replaceRules(w, group, input.rules);
    await addGroupMembers(w, group, members(input.add));
    return { group, rules };
  });
}

async function addGroupMembers(w: Work, group: Group, add: GroupMembers): Promise<void> {
  const delegation = await requireGroupManagement(w, group);
  if (delegation) await assertNestedInDelegation(w, delegation.id, [{ op: "add", members: add }]);
  await addMembers(w, group, add);
}

/**
 * Makes the group's unlocked rules exactly `privileges`: the rules on
 * resources (or types) no privilege names go, then each privilege is set
 * (the same role again changes nothing). A resource named by two privileges
 * is refused, as its role would be ambiguous.
 */
async function replaceRules(w: Work, group: Group, privileges: readonly GroupPrivilege[]): Promise<Rule[]> {
  const wanted = new Set<string>();
  for (const p of privileges) {
    const { type, resources } = await expandScope(w, p.scope);
    const targets =
      resources === null
        ? [{ key: `${type.def.key}:*`, label: `all current and future ${type.def.label.toLowerCase()}s` }]
        : resources.map((r) => ({ key: `${type.def.key}:${r.id}`, label: r.name }));
    for (const t of targets) {
      if (wanted.has(t.key)) {
        fail("rule.invalid", `${t.label} is in two privileges: give it one role.`, { target: t.key });
      }
      wanted.add(t.key);
    }
  }
  const existing = await rulesOfGroups(w.tx, w.org.id, [group.id]);
  const stale = existing.filter((r) => !r.locked && !wanted.has(`${r.type}:${r.resourceId ?? "*"}`));
  if (stale.length > 0)
    await removeRulesIn(
      w,
      stale.map((r) => r.id),
    );
  for (const p of privileges) {
    await setRulesIn(w, { subject: { kind: "group", id: group.id }, role: p.role, scope: p.scope });
  }
  return rulesOfGroups(w.tx, w.org.id, [group.id]);
}

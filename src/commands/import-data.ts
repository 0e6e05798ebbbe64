import { fail, type ImportPlan, type ImportStep, type MemberRef, type Subject } from "../domain/index.ts";
import { findGroupByName, findResourceByKey, findUserByEmail } from "../store/index.ts";
import { type CommandContext, runCommand, type Work } from "./context.ts";
import { createGroupIn } from "./create-group.ts";
import { inviteUserIn } from "./invite-user.ts";
import { addMembers, loadGroup } from "./memberships.ts";
import { setRulesIn } from "./set-rules.ts";
import { setUserRoleIn } from "./set-user-role.ts";
import { updateUserIn } from "./update-user.ts";

export type ImportProgress = { readonly done: number; readonly total: number; readonly revision: number };

async function userId(w: Work, email: string) {
  return (await findUserByEmail(w.tx, w.org.id, email))?.id ?? fail("user.not_found", `No user ${email}.`);
}

async function groupIdOf(w: Work, name: string) {
  return (
    (await findGroupByName(w.tx, w.org.id, name))?.id ?? fail("group.not_found", `No group named ${name}.`)
  );
}

async function subjectOf(w: Work, m: MemberRef): Promise<Subject> {
  return m.kind === "user"
    ? { kind: "user", id: await userId(w, m.email) }
    : { kind: "group", id: await groupIdOf(w, m.name) };
}

async function applyStep(w: Work, step: ImportStep): Promise<void> {
  switch (step.kind) {
    case "create_user": {
      const { groups: _, role: __, ...user } = step.user;
      await inviteUserIn(w, user);
      return;
    }
    case "update_user":
      await updateUserIn(w, await userId(w, step.email), step.changes);
      return;
    case "set_role":
      await setUserRoleIn(w, await userId(w, step.email), step.role);
      return;
    case "create_group":
      await createGroupIn(w, step);
      return;
    case "add_member": {
      const group = await loadGroup(w, await groupIdOf(w, step.group));
      const s = await subjectOf(w, step.member);
      await addMembers(w, group, s.kind === "user" ? { userIds: [s.id] } : { groupIds: [s.id] });
      return;
    }
    case "set_rule": {
      const subject = await subjectOf(w, step.subject);
      if (step.resource === null) {
        await setRulesIn(w, {
          subject,
          role: { role: step.role },
          scope: { kind: "all_current_and_future", type: step.type },
        });
        return;
      }
      const resource = await findResourceByKey(w.tx, w.org.id, step.type, step.resource);
      if (!resource) fail("resource.not_found", `No ${step.type} with key ${step.resource}.`);
      await setRulesIn(w, {
        subject,
        role: { role: step.role },
        scope: { kind: "resource", resourceId: resource.id },
      });
      return;
    }
  }
}

/**
 * Carries out an import plan through the same commands as everything else
 * (audit, notifications, revisions), `chunk` steps per transaction so a large
 * file neither holds one huge transaction nor pays one per row. A plan with
 * problems is refused whole. A step that fails stops the import; the chunks
 * before it stay applied and the error says how far it got.
 */
export async function importData(
  ctx: CommandContext,
  plan: ImportPlan,
  options: { chunk?: number; onProgress?: (p: ImportProgress) => void } = {},
): Promise<{ revision: number; applied: number }> {
  if (plan.problems.length > 0) {
    fail("request.invalid", `The import has ${plan.problems.length} problems; nothing was written.`, {
      problems: plan.problems.slice(0, 100),
    });
  }
  const size = options.chunk ?? 250;
  let revision = 0;
  let done = 0;
  for (let i = 0; i < plan.steps.length; i += size) {
    const chunk = plan.steps.slice(i, i + size);
    try {
      const outcome = await runCommand(ctx, async (w) => {
        for (const step of chunk) await applyStep(w, step);
      });
      revision = outcome.revision;
    } catch (e) {
      if (e instanceof Error && "code" in e) {
        (e as Error).message =
          `${(e as Error).message} (after ${done} of ${plan.steps.length} steps were applied)`;
      }
      throw e;
    }
    done += chunk.length;
    options.onProgress?.({ done, total: plan.steps.length, revision });
  }
  return { revision, applied: done };
}

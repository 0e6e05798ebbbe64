import { checkSlug, checkText, fail, type Organization, PLANS, type Plan } from "../domain/index.ts";
import { findOrganization, updateOrganization as writeOrganization } from "../store/index.ts";
import { type CommandContext, requireAdmin, requireOwner, runCommand } from "./context.ts";

/** Renames the organization (administrators) or changes its plan or slug (owners). */
export async function updateOrganization(
  ctx: CommandContext,
  input: { name?: string; slug?: string; plan?: Plan },
) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const before = w.org;
    let after: Organization = before;
    if (input.name !== undefined)
      after = { ...after, name: checkText("organization.invalid", "name", input.name, 120) };
    if (input.plan !== undefined && input.plan !== before.plan) {
      requireOwner(w);
      if (!PLANS.includes(input.plan))
        fail("organization.invalid", `Unknown plan "${input.plan}".`, { field: "plan" });
      after = { ...after, plan: input.plan };
    }
    if (input.slug !== undefined && input.slug !== before.slug) {
      requireOwner(w);
      const slug = checkSlug(input.slug);
      if (await findOrganization(w.tx, slug))
        fail("organization.slug_taken", `An organization has the slug ${slug}.`);
      after = { ...after, slug };
    }
    if (JSON.stringify(after) === JSON.stringify(before)) return { organization: before };
    await writeOrganization(w.tx, after);
    w.emit({ type: "organization.updated", organization: after });
    w.audit({
      action: "organization.update",
      targetType: "organization",
      targetId: after.id,
      targetLabel: after.name,
      before,
      after,
    });
    return { organization: after };
  });
}

import {
  DATASET_TYPE,
  type DataFilter,
  type FilterId,
  fail,
  newId,
  type Predicate,
  parsePredicate,
  type ResourceId,
  type Subject,
} from "../domain/index.ts";
import { deleteFilter, findFilter, getFilter, getUser, upsertFilter } from "../store/index.ts";
import { loadResources } from "./catalog.ts";
import { type CommandContext, requireAdmin, runCommand, type Work } from "./context.ts";
import { loadGroup } from "./memberships.ts";

async function subjectLabel(w: Work, subject: Subject): Promise<string> {
  if (subject.kind === "group") return (await loadGroup(w, subject.id)).name;
  const user = await getUser(w.tx, w.org.id, subject.id);
  return user?.email ?? fail("user.not_found", `No user ${subject.id} in this organization.`);
}

/**
 * Sets the row filter a group or user carries on a dataset, e.g.
 * `region = {{user.region}}`. It applies on the paths where that holder's
 * rule grants query.
 */
export async function setDataFilter(
  ctx: CommandContext,
  input: { subject: Subject; resourceId: ResourceId; predicate: Predicate | unknown },
) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const predicate = parsePredicate(input.predicate);
    const label = await subjectLabel(w, input.subject);
    const [dataset] = await loadResources(w, [input.resourceId]);
    if (dataset!.type !== DATASET_TYPE)
      fail("resource.type_mismatch", "Data filters apply to datasets only.");
    const existing = await findFilter(w.tx, w.org.id, input.subject, input.resourceId);
    if (existing && JSON.stringify(existing.predicate) === JSON.stringify(predicate))
      return { filter: existing };
    const filter: DataFilter = {
      id: existing?.id ?? newId("filter"),
      subject: input.subject,
      resourceId: input.resourceId,
      predicate,
      updatedAt: w.now,
    };
    await upsertFilter(w.tx, w.org.id, filter, existing !== null);
    w.emit({ type: "filter.set", filter });
    w.audit({
      action: existing ? "filter.update" : "filter.create",
      targetType: "filter",
      targetId: filter.id,
      targetLabel: `${label} on ${dataset!.name}`,
      before: existing,
      after: filter,
    });
    return { filter };
  });
}

export async function removeDataFilter(ctx: CommandContext, id: FilterId) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const filter = (await getFilter(w.tx, w.org.id, id)) ?? fail("filter.not_found", `No data filter ${id}.`);
    await deleteFilter(w.tx, w.org.id, id);
    w.emit({ type: "filter.removed", filterId: id });
    w.audit({
      action: "filter.remove",
      targetType: "filter",
      targetId: id,
      targetLabel: await subjectLabel(w, filter.subject),
      before: filter,
      after: null,
    });
    return { filter };
  });
}

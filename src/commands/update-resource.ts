import {
  aType,
  checkText,
  fail,
  ORGANIZATION_TYPE,
  type Resource,
  type ResourceId,
} from "../domain/index.ts";
import {
  findResourceByKey,
  deleteResource as removeResource,
  updateResource as writeResource,
} from "../store/index.ts";
import { loadResources } from "./catalog.ts";
import { type CommandContext, requireAdmin, runCommand } from "./context.ts";

/** Renames a resource or changes its key. */
export async function updateResource(
  ctx: CommandContext,
  id: ResourceId,
  input: { key?: string; name?: string },
) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const [before] = await loadResources(w, [id]);
    const after: Resource = {
      ...before!,
      ...(input.key !== undefined && { key: checkText("resource.invalid", "key", input.key, 200) }),
      ...(input.name !== undefined && { name: checkText("resource.invalid", "name", input.name, 200) }),
    };
    if (after.key === before!.key && after.name === before!.name) return { resource: before! };
    const other = await findResourceByKey(w.tx, w.org.id, after.type, after.key);
    if (other && other.id !== id)
      fail("resource.key_taken", `${aType(after.type, true)} with key ${after.key} exists.`);
    await writeResource(w.tx, w.org.id, after);
    w.emit({ type: "resource.updated", resource: after });
    w.audit({
      action: "resource.update",
      targetType: "resource",
      targetId: id,
      targetLabel: after.name,
      before,
      after,
    });
    return { resource: after };
  });
}

/** Deletes a resource with its rules and filters; delegations that named it no longer do. */
export async function deleteResource(ctx: CommandContext, id: ResourceId) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const [resource] = await loadResources(w, [id]);
    if (resource!.type === ORGANIZATION_TYPE)
      fail("resource.system", "The organization resource cannot be deleted.");
    await removeResource(w.tx, w.org.id, id);
    w.emit({ type: "resource.deleted", resourceId: id });
    w.audit({
      action: "resource.delete",
      targetType: "resource",
      targetId: id,
      targetLabel: resource!.name,
      before: resource,
      after: null,
    });
    return { resource: resource! };
  });
}

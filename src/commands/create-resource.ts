import { aType, checkText, fail, newId, ORGANIZATION_TYPE, type Resource } from "../domain/index.ts";
import { findResourceByKey, insertResource } from "../store/index.ts";
import { loadType } from "./catalog.ts";
import { type CommandContext, requireAdmin, runCommand } from "./context.ts";

export type CreateResourceInput = { readonly type: string; readonly key: string; readonly name: string };

/** Registers a resource (the platform's app, site, workspace, dataset...). Rules on "all current and future" cover it at once. */
export async function createResource(ctx: CommandContext, input: CreateResourceInput) {
  return runCommand(ctx, async (w) => {
    requireAdmin(w);
    const type = await loadType(w, input.type);
    if (type.def.key === ORGANIZATION_TYPE)
      fail("resource.system", "An organization has exactly one organization resource.");
    const key = checkText("resource.invalid", "key", input.key, 200);
    const name = checkText("resource.invalid", "name", input.name, 200);
    if (await findResourceByKey(w.tx, w.org.id, type.def.key, key)) {
      fail("resource.key_taken", `${aType(type.def.key, true)} with key ${key} exists.`, { key });
    }
    const resource: Resource = { id: newId("resource"), type: type.def.key, key, name, createdAt: w.now };
    await insertResource(w.tx, w.org.id, resource);
    w.emit({ type: "resource.created", resource });
    w.audit({
      action: "resource.create",
      targetType: "resource",
      targetId: resource.id,
      targetLabel: name,
      before: null,
      after: resource,
    });
    return { resource };
  });
}

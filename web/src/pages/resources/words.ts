import type { ResourceTypeInfo } from "../../api.ts";

/** How the permissions pages name resource types and rule scopes. */

/** "App" for `app`; the key itself while the catalog loads or for a type it does not know. */
export function typeLabel(types: readonly ResourceTypeInfo[] | undefined, key: string): string {
  return types?.find((t) => t.key === key)?.label ?? key;
}

/** "Apps", "Datasets". */
export function typePlural(types: readonly ResourceTypeInfo[] | undefined, key: string): string {
  const label = typeLabel(types, key);
  return /(s|x|ch|sh)$/.test(label) ? `${label}es` : `${label}s`;
}

/** What a rule covers: the resource alone, or every resource of its type, current and future. */
export function scopeText(
  scope: "resource" | "all_current_and_future",
  resourceName: string,
  typeNoun: string,
): string {
  return scope === "resource"
    ? `${resourceName} only`
    : `Every ${typeNoun.toLowerCase()}, current and future`;
}

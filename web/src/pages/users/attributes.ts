/**
 * User attributes (used by data filters) as text, one per line:
 * `region: EMEA, APAC`. No DOM: pure functions.
 */

export type Attributes = Record<string, readonly string[]>;

export function formatAttributes(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([k, values]) => `${k}: ${values.join(", ")}`)
    .join("\n");
}

/** The attributes of the text, or the first line that is not `name: value, value`. */
export function parseAttributes(text: string): { attributes: Attributes } | { error: string } {
  const attributes: Record<string, string[]> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*:\s*(.*)$/.exec(line);
    if (!m)
      return { error: `Line ${i + 1} is not "name: value, value" (a name is letters, digits, _, . or -).` };
    const values = m[2]!
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
    attributes[m[1]!] = [...(attributes[m[1]!] ?? []), ...values];
  }
  return { attributes };
}

/** A filter's parse error, located in its text. No DOM here. */

/** Where a parse error points: the line of the text and a caret under the character. */
export function caretAt(text: string, position: number): { line: number; column: number; marker: string } {
  const at = Math.max(0, Math.min(position, text.length));
  const start = text.lastIndexOf("\n", at - 1) + 1;
  const endOfLine = text.indexOf("\n", at);
  const lineText = text.slice(start, endOfLine === -1 ? text.length : endOfLine);
  const line = text.slice(0, start).split("\n").length;
  const column = at - start;
  return { line, column: column + 1, marker: `${lineText}\n${" ".repeat(column)}^` };
}

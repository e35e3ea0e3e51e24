/**
 * Plain-text tables for the terminal: columns padded to their widest cell, measured in code
 * points so that ⊤, ε and −∞ count as one column each.
 */

const width = (s: string): number => [...s].length;

/** Lines of a table with a header row and a rule under it. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => cell + ' '.repeat(widths[c]! - width(cell)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)];
}

/**
 * Numbers written as text (command-line options, annotation specs such as `threshold:0.01`): plain
 * decimal notation only, `-1`, `0.5`, `.5`, `1e-9`, `+2`. JavaScript's `Number()` also takes
 * `0x10`, `0b11`, `Infinity` and the empty string (as 0), which nobody means as a threshold or a
 * class, so they are refused rather than read as something else.
 */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The finite number `text` writes in decimal notation, or undefined. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

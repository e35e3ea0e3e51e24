/**
 * The `.npy` header dict, parsed without evaluating it.
 *
 * numpy writes the header as the Python literal
 *
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 *
 * and reads it back with `ast.literal_eval`. This parser accepts the same subset of Python: a dict
 * of quoted keys, whose values are quoted strings, `True`/`False` and tuples of integers (`()`,
 * `(5,)`, `(2, 3)`, and the `5L` of files written by Python 2), keys in any order, any spacing and
 * an optional trailing comma, followed by nothing but whitespace. Like numpy it requires exactly the
 * keys `descr`, `fortran_order` and `shape`, and a tuple for `shape` (`(5)` is the integer 5).
 *
 * Reference: `numpy/lib/format.py`, `_read_array_header`.
 */
import { FormatError, UnsupportedError } from './errors.js';

/** The three fields of an `.npy` header. */
export interface NpyHeader {
  /** The element type, as numpy's `dtype.str` (`'<f4'`, `'|u1'`, …). */
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: number[];
}

/** A parsed value: a string, a boolean, a tuple of integers, or a bare integer. */
type Value = string | boolean | number[] | number;

const KEYS = ['descr', 'fortran_order', 'shape'] as const;

/** A cursor over the header text. Every step either consumes a character or throws. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  peek(): string {
    return this.text.charAt(this.pos);
  }

  skipSpace(): void {
    while (/[ \t\r\n]/.test(this.peek())) this.pos++;
  }

  fail(problem: string): never {
    const text = this.text.trim();
    const shown = text.length > 100 ? `${text.slice(0, 100)}…` : text;
    throw new FormatError(
      'npy',
      `malformed header ${JSON.stringify(shown)}: ${problem} at character ${this.pos}; ` +
        'the file is corrupt or was not written by numpy',
    );
  }

  expect(char: string): void {
    if (this.peek() !== char)
      this.fail(
        `expected '${char}' but found ${this.pos < this.text.length ? `'${this.peek()}'` : 'the end'}`,
      );
    this.pos++;
  }

  /** A single- or double-quoted string; a backslash takes the next character literally. */
  string(): string {
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') this.fail('expected a quoted key');
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      const c = this.text.charAt(this.pos++);
      if (c === quote) return out;
      if (c === '\n') this.fail('line break inside a string');
      out += c === '\\' ? this.text.charAt(this.pos++) : c;
    }
  }

  /** A non-negative decimal integer, with the optional `L` suffix of Python 2. */
  integer(): number {
    const m = /^-?\d+[lL]?/.exec(this.text.slice(this.pos, this.pos + 40));
    if (m === null) this.fail('expected an integer');
    const digits = m[0].replace(/[lL]$/, '');
    const value = Number(digits);
    if (digits.startsWith('-')) this.fail(`negative dimension ${digits}`);
    if (!Number.isSafeInteger(value)) this.fail(`dimension ${digits} is too large`);
    this.pos += m[0].length;
    return value;
  }

  /** `()`, `(n,)`, `(n, m)`, `(n, m,)`; a parenthesised single integer without a comma is an integer. */
  tuple(): number[] | number {
    this.expect('(');
    const items: number[] = [];
    let comma = false;
    for (this.skipSpace(); this.peek() !== ')'; this.skipSpace()) {
      items.push(this.integer());
      this.skipSpace();
      comma = this.peek() === ',';
      if (comma) this.pos++;
      else if (this.peek() !== ')') this.fail("expected ',' or ')' in the shape");
    }
    this.pos++;
    return items.length === 1 && !comma ? (items[0] as number) : items;
  }

  value(): Value {
    const c = this.peek();
    if (c === "'" || c === '"') return this.string();
    if (c === '(') return this.tuple();
    if (/[-\d]/.test(c)) return this.integer();
    for (const [word, value] of [
      ['True', true],
      ['False', false],
    ] as const)
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    return this.fail('expected a string, True, False or a tuple');
  }
}

/** Parses the `{…}` literal into its entries. */
function parseDict(cursor: Cursor): Map<string, Value> {
  const entries = new Map<string, Value>();
  cursor.skipSpace();
  cursor.expect('{');
  for (cursor.skipSpace(); cursor.peek() !== '}'; cursor.skipSpace()) {
    const key = cursor.string();
    cursor.skipSpace();
    cursor.expect(':');
    cursor.skipSpace();
    if (key === 'descr' && cursor.peek() === '[')
      throw new UnsupportedError(
        'npy: structured dtypes (a list of fields in descr) are not supported; save each field as its own array',
      );
    if (entries.has(key)) cursor.fail(`key '${key}' appears twice`);
    entries.set(key, cursor.value());
    cursor.skipSpace();
    if (cursor.peek() === ',') cursor.pos++;
    else if (cursor.peek() !== '}') cursor.fail("expected ',' or '}'");
  }
  cursor.pos++;
  cursor.skipSpace();
  if (cursor.pos < cursor.text.length) cursor.fail('unexpected text after the dict');
  return entries;
}

/**
 * Parses an `.npy` header dict (without the preamble; trailing spaces and newline allowed).
 *
 * @throws FormatError if the text is not a dict literal with exactly the keys `descr` (a string),
 *   `fortran_order` (a boolean) and `shape` (a tuple of non-negative integers).
 * @throws UnsupportedError for a structured dtype (a list `descr`).
 */
export function parseNpyHeader(text: string): NpyHeader {
  const cursor = new Cursor(text);
  const entries = parseDict(cursor);
  const keys = [...entries.keys()].sort();
  if (keys.join() !== KEYS.join())
    cursor.fail(`the keys are [${keys.join(', ')}], expected exactly [${KEYS.join(', ')}]`);
  const descr = entries.get('descr');
  const fortranOrder = entries.get('fortran_order');
  const shape = entries.get('shape');
  if (typeof descr !== 'string') return cursor.fail("'descr' is not a string");
  if (typeof fortranOrder !== 'boolean') return cursor.fail("'fortran_order' is not True or False");
  if (!Array.isArray(shape)) return cursor.fail("'shape' is not a tuple (write (5,) for one dimension)");
  return { descr, fortranOrder, shape };
}

/**
 * The character-level check of a formula, run before mathjs sees it: length, characters,
 * identifiers and bracket depth, each refusal with its position. It is the first of two fences
 * (the second walks mathjs's syntax tree, formula.ts): whatever it lets through is arithmetic,
 * comparisons, `? :`, double-quoted strings and calls of allow-listed functions by name.
 *
 * Refused here: property access and element-wise operators (`.` outside a number), indexing and
 * matrices (`[ ]`), objects (`{ }`), assignment (a lone `=`), blocks (`;`, new lines), transpose
 * and single-quoted strings (`'`), factorial (`!` not in `!=`), bitwise operators and `%`, comments
 * (`#`), and any identifier that is not a symbol, function or keyword of the formula's signature.
 */
import { FormulaError } from './errors.js';

/** At most this many characters: no formula provlrp needs is longer, and parsing stays instant. */
export const MAX_FORMULA_LENGTH = 2000;
/** At most this many nested parentheses (mathjs's parser recurses per level). */
export const MAX_FORMULA_DEPTH = 32;

/** What a formula may name. */
export interface FormulaNames {
  /** Symbols (variables) the formula may read, or `any` for every name that is not a function. */
  readonly symbols: ReadonlySet<string> | 'any';
  /** Functions the formula may call. */
  readonly functions: ReadonlySet<string>;
  /** The most characters allowed (default `MAX_FORMULA_LENGTH`). */
  readonly maxLength?: number;
}

/** Word operators and constants of mathjs that formulas may use. */
export const FORMULA_KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'xor',
  'mod',
  'true',
  'false',
]);

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentStart = (c: string): boolean => /[A-Za-z_$]/.test(c);
const isIdent = (c: string): boolean => /[A-Za-z0-9_$]/.test(c);

/** Why a character is refused, by character. */
const REFUSED_CHARACTERS: Readonly<Record<string, string>> = {
  '.': 'property access and element-wise operators are not allowed',
  '[': 'indexing and matrices are not allowed',
  ']': 'indexing and matrices are not allowed',
  '{': 'objects are not allowed',
  '}': 'objects are not allowed',
  ';': 'a formula is one expression; separators are not allowed',
  '\n': 'a formula is one expression on one line',
  '\r': 'a formula is one expression on one line',
  "'": 'single quotes are not allowed; write strings in double quotes',
  '=': 'assignment is not allowed; compare with ==',
  '!': 'factorial is not allowed; negate with not',
  '&': 'bitwise operators are not allowed; use and',
  '|': 'bitwise operators are not allowed; use or',
  '~': 'bitwise operators are not allowed; use not',
  '%': '% is not allowed; use mod',
  '#': 'comments are not allowed',
};

const ALLOWED_CHARACTERS = new Set([...'+-*/^(),?:<> \t']);

/**
 * Checks `source` character by character; throws a `FormulaError` at the first problem.
 * @param where the option or function the formula was given to, for the message
 */
export function scanFormula(where: string, source: string, names: FormulaNames): void {
  const refuse = (at: number, problem: string): never => {
    throw new FormulaError(where, source, at, problem);
  };
  if (typeof source !== 'string')
    throw new FormulaError(where, String(source), undefined, 'a formula must be a string');
  if (source.length > MAX_FORMULA_LENGTH)
    refuse(
      MAX_FORMULA_LENGTH,
      `a formula has at most ${MAX_FORMULA_LENGTH} characters, this one ${source.length}`,
    );
  if (source.trim() === '') refuse(0, 'the formula is empty; write an expression such as abs(d) / colmax');
  let depth = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '"') i = skipString(source, i, refuse);
    else if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) i = skipNumber(source, i);
    else if (isIdentStart(c)) i = checkIdentifier(source, i, names, refuse);
    else if ((c === '=' || c === '!') && source[i + 1] === '=') i += 2;
    else if ((c === '<' || c === '>') && source[i + 1] === '=') i += 2;
    else if (ALLOWED_CHARACTERS.has(c)) {
      if (c === '(' && ++depth > MAX_FORMULA_DEPTH)
        refuse(i, `parentheses nest at most ${MAX_FORMULA_DEPTH} deep`);
      if (c === ')') depth--;
      i++;
    } else refuse(i, REFUSED_CHARACTERS[c] ?? `character ${JSON.stringify(c)} is not allowed`);
  }
}

function skipString(source: string, start: number, refuse: (at: number, problem: string) => never): number {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === '"') return i + 1;
  }
  return refuse(start, 'the string is not closed; end it with "');
}

/** A decimal number with an optional fraction and exponent (mathjs's number syntax). */
function skipNumber(source: string, start: number): number {
  const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(start, start + 400));
  return start + (match?.[0].length ?? 1);
}

function checkIdentifier(
  source: string,
  start: number,
  names: FormulaNames,
  refuse: (at: number, problem: string) => never,
): number {
  let end = start + 1;
  while (end < source.length && isIdent(source[end]!)) end++;
  const name = source.slice(start, end);
  let next = end;
  while (source[next] === ' ' || source[next] === '\t') next++;
  const called = source[next] === '(';
  if (names.functions.has(name)) {
    if (!called) refuse(start, `function ${name} must be called, as ${name}(…)`);
  } else if (FORMULA_KEYWORDS.has(name)) {
    // `not(…)` and `mod` are operators; the syntax tree check decides what follows them.
  } else if (names.symbols === 'any' || names.symbols.has(name)) {
    if (called) refuse(start, `${name} is not a function`);
  } else if (called) {
    refuse(start, `function "${name}" is not allowed; allowed functions: ${[...names.functions].join(', ')}`);
  } else {
    refuse(start, `unknown symbol "${name}"; known symbols: ${[...names.symbols].join(', ')}`);
  }
  return end;
}

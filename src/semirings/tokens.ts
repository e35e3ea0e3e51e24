/**
 * Tokens: the abstract variables of provenance, interned as integer ids.
 *
 * A token stands for one edge's annotation (DESIGN.md 1b): `x[<layer>,<j>,<k>]` in text and
 * `x^{(<layer>)}_{<j>,<k>}` in LaTeX, with `layer` a layer name of the model (`fc1`,
 * `features.0`) and j, k the flat 0-based indices of the edge's input and output element. Users
 * and tests may also name plain variables (`x`, `y`). Interning makes a token a small integer, so
 * monomials are arrays of numbers and two tokens compare without comparing strings.
 *
 * Order: a total order fixed by what a token is, never by when it was interned, so that canonical
 * forms print the same whatever order a program created its tokens in. Named variables come
 * first, by name; then edge tokens by layer name, then j, then k. Names compare in natural order:
 * runs of digits as numbers (`fc2` before `fc10`, `features.2` before `features.10`), everything
 * else by UTF-16 code unit.
 */
import { assertArgument, InvalidArgumentError, NotFoundError } from '../core/errors.js';

/** An interned token: an integer id, valid in the process that interned it. */
export type Token = number;

/** What a token stands for. */
export type TokenInfo =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'edge'; readonly layer: string; readonly j: number; readonly k: number };

/** Per token (indexed by id): its name group, indices, text and LaTeX. */
const infos: TokenInfo[] = [];
const groupOf: number[] = [];
const jOf: number[] = [];
const kOf: number[] = [];
const texts: string[] = [];
const latexes: string[] = [];
const ids = new Map<string, Token>();

/**
 * Name groups: one per variable name and one per layer name. Their ranks give the order of
 * tokens; they are recomputed lazily after a new group appears.
 * NOTE: re-ranking sorts the groups (a few layers and variables), not the tokens, and adding a
 * group never reorders existing groups, so canonical forms built earlier stay canonical.
 */
const groupKeys: { readonly variable: boolean; readonly name: string }[] = [];
const groupIds = new Map<string, number>();
let groupRank: number[] = [];
let ranksStale = false;

function groupFor(variable: boolean, name: string): number {
  const key = `${variable ? 'v' : 'e'}\u0000${name}`;
  let g = groupIds.get(key);
  if (g === undefined) {
    g = groupKeys.length;
    groupKeys.push({ variable, name });
    groupIds.set(key, g);
    ranksStale = true;
  }
  return g;
}

function rerank(): void {
  const order = groupKeys.map((_, g) => g);
  order.sort((a, b) => {
    const ga = groupKeys[a]!;
    const gb = groupKeys[b]!;
    if (ga.variable !== gb.variable) return ga.variable ? -1 : 1;
    return naturalCompare(ga.name, gb.name);
  });
  groupRank = new Array<number>(order.length);
  order.forEach((g, rank) => {
    groupRank[g] = rank;
  });
  ranksStale = false;
}

/** Compares names with runs of digits as numbers; a total order (ties fall back to code units). */
export function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const xs = x.replace(/^0+(?=\d)/, '');
      const ys = y.replace(/^0+(?=\d)/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  if (ra.length !== rb.length) return ra.length - rb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function intern(
  key: string,
  info: TokenInfo,
  group: number,
  j: number,
  k: number,
  text: string,
  tex: string,
): Token {
  const id = infos.length;
  infos.push(info);
  groupOf.push(group);
  jOf.push(j);
  kOf.push(k);
  texts.push(text);
  latexes.push(tex);
  ids.set(key, id);
  return id;
}

/** Characters LaTeX reads as commands in a layer name, and how to write them literally. */
const LATEX_ESCAPES: Record<string, string> = {
  '\\': '\\backslash{}',
  '{': '\\{',
  '}': '\\}',
  _: '\\_',
  '#': '\\#',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  '^': '\\hat{}',
  '~': '\\sim{}',
};

/** `text` with LaTeX's special characters escaped, for use inside math mode. */
export const escapeLatex = (text: string): string => text.replace(/[\\{}_#$%&^~]/g, (c) => LATEX_ESCAPES[c]!);

const isIndex = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/**
 * The token of the edge from input element `j` to output element `k` of layer `layer`:
 * `x[layer,j,k]`. The same arguments always give the same token.
 */
export function edgeToken(layer: string, j: number, k: number): Token {
  const key = `e\u0000${layer}\u0000${j}\u0000${k}`;
  const known = ids.get(key);
  if (known !== undefined) return known;
  assertArgument(
    typeof layer === 'string' && layer.length > 0 && !/[,[\]\p{Cc}]/u.test(layer),
    'edgeToken',
    () =>
      `layer name ${JSON.stringify(layer)} is empty or contains a comma, a bracket or a control ` +
      'character, which would make the token x[<layer>,<j>,<k>] ambiguous; rename the layer',
  );
  assertArgument(
    isIndex(j) && isIndex(k),
    'edgeToken',
    () => `indices j = ${j}, k = ${k} must be non-negative integers (flat 0-based element indices)`,
  );
  const tex = `x^{(${escapeLatex(layer)})}_{${j},${k}}`;
  return intern(
    key,
    { kind: 'edge', layer, j, k },
    groupFor(false, layer),
    j,
    k,
    `x[${layer},${j},${k}]`,
    tex,
  );
}

/** The default LaTeX of a variable: `x`, `x_{12}` for `x12`, `\mathit{name}` otherwise. */
function defaultLatex(name: string): string {
  if (/^\p{L}$/u.test(name)) return name;
  const indexed = /^(\p{L})(\d+)$/u.exec(name);
  if (indexed) return `${indexed[1]}_{${indexed[2]}}`;
  return `\\mathit{${escapeLatex(name)}}`;
}

/**
 * A named variable (`x`, `y`, `w2`): a letter, then letters, digits, `_` or `'`. `latex` sets how
 * it prints in LaTeX (default: the name, with trailing digits as a subscript); a name keeps the
 * LaTeX it was first given.
 */
export function variable(name: string, latex?: string): Token {
  assertArgument(
    typeof name === 'string' && /^\p{L}[\p{L}\p{N}_']*$/u.test(name),
    'variable',
    () =>
      `name ${JSON.stringify(name)} is not a variable name; start with a letter and use letters, ` +
      "digits, _ and ' (edge tokens come from edgeToken)",
  );
  const key = `v\u0000${name}`;
  const known = ids.get(key);
  if (known !== undefined) {
    if (latex !== undefined && latex !== latexes[known])
      throw new InvalidArgumentError(
        'variable',
        `"${name}" already prints as ${latexes[known]} in LaTeX, not ${latex}; use one LaTeX form per name`,
      );
    return known;
  }
  const tex = latex ?? defaultLatex(name);
  return intern(key, { kind: 'variable', name }, groupFor(true, name), 0, 0, name, tex);
}

/** Whether `id` is an interned token. */
export const isToken = (id: unknown): id is Token =>
  typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < infos.length;

function checked(id: Token, where: string): Token {
  if (!isToken(id)) throw new NotFoundError('token', `${String(id)} (in ${where})`);
  return id;
}

/** The text form of a token: `x[fc1,0,1]`, or a variable's name. */
export const tokenName = (id: Token): string => texts[checked(id, 'tokenName')]!;

/** The LaTeX form of a token: `x^{(fc1)}_{0,1}`, or a variable's LaTeX. */
export const tokenLatex = (id: Token): string => latexes[checked(id, 'tokenLatex')]!;

/** What a token stands for: an edge (layer, j, k) or a named variable. */
export const tokenInfo = (id: Token): TokenInfo => infos[checked(id, 'tokenInfo')]!;

/**
 * The token order: negative when `a` comes first, positive when `b` does, 0 when they are the
 * same token. Variables first by name, then edges by layer, j, k (see the file header).
 */
export function compareTokens(a: Token, b: Token): number {
  if (a === b) return 0;
  const ga = groupOf[a];
  const gb = groupOf[b];
  if (ga === undefined || gb === undefined) checked(ga === undefined ? a : b, 'compareTokens');
  if (ranksStale) rerank();
  if (ga !== gb) return groupRank[ga!]! - groupRank[gb!]!;
  return jOf[a]! - jOf[b]! || kOf[a]! - kOf[b]!;
}

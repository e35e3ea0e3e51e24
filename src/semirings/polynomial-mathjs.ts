/**
 * ℕ[X] and mathjs: polynomials as mathjs expression trees and back, so that a computer-algebra
 * toolkit can take them further (`simplify`, `rationalize`, `toTex`, `derivative`, compiled
 * evaluation), and the derivative ∂p/∂x of ℕ[X] itself.
 *
 * Symbols: an edge token x[layer,j,k] is the mathjs symbol `x_<layer>_<j>_<k>` with the layer
 * name escaped (`_` → `_u`, `.` → `_d`, any other character but letters and digits → `_x<hex>_`),
 * so `x[features.0,3,7]` is `x_features_d0_3_7`; a named variable keeps its name when it is
 * letters and digits and not a mathjs constant (`x`, `w2`), and is `v_<escaped name>` otherwise.
 * The encoding is injective, so `fromMathjs(toMathjs(p))` is p.
 *
 * Derivative: ∂p/∂x is computed exactly on the terms (c·x^e·m ↦ c·e·x^(e−1)·m, bigint
 * coefficients). For K-LRP's polynomial R_j (one monomial per path j → target, each edge's token
 * at most once per path in a layered net) ∂R_j/∂x_e is the sum, over the paths through edge e, of
 * the product of the other tokens: the relevance that flows through e. mathjs's `derivative` gives
 * the same polynomial (a test checks it), in floating point and far slower on large ones.
 *
 * LaTeX: provlrp keeps its own (`polynomialLatex`): mathjs's `toTex` agrees up to formatting but
 * writes `\cdot` straight before a symbol's LaTeX (`\cdotx^{(fc1)}_{0,1}`, which LaTeX reads as an
 * unknown command `\cdotx`) and does not keep the canonical term order.
 */
import type { MathNode } from 'mathjs';
import { FormulaError } from '../core/errors.js';
import { parseFormula } from '../core/formula.js';
import { mathjs } from '../core/mathjs.js';
import { type Monomial, monomialOf, ONE_MONOMIAL } from './monomial.js';
import type { Polynomial, PolynomialSemiring } from './polynomial.js';
import { edgeToken, type Token, tokenInfo, tokenLatex, variable } from './tokens.js';

/** Names mathjs reads as constants or operators: variables so named are escaped. */
const RESERVED = new Set([
  ...['e', 'E', 'pi', 'PI', 'i', 'tau', 'phi', 'Infinity', 'NaN', 'null', 'undefined', 'true', 'false'],
  ...[
    'LN2',
    'LN10',
    'LOG2E',
    'LOG10E',
    'SQRT1_2',
    'SQRT2',
    'version',
    'and',
    'or',
    'not',
    'xor',
    'mod',
    'to',
    'in',
  ],
]);

const escapeName = (name: string): string =>
  [...name]
    .map((c) => {
      if (/[A-Za-z0-9]/.test(c)) return c;
      if (c === '_') return '_u';
      if (c === '.') return '_d';
      return `_x${c.codePointAt(0)!.toString(16)}_`;
    })
    .join('');

function unescapeName(escaped: string): string | undefined {
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped[i]!;
    if (c !== '_') {
      out += c;
      continue;
    }
    const kind = escaped[++i];
    if (kind === 'u') out += '_';
    else if (kind === 'd') out += '.';
    else if (kind === 'x') {
      const end = escaped.indexOf('_', i + 1);
      if (end < 0) return undefined;
      out += String.fromCodePoint(Number.parseInt(escaped.slice(i + 1, end), 16));
      i = end;
    } else return undefined;
  }
  return out;
}

/** The mathjs symbol of a token (see the file header). */
export function tokenSymbol(token: Token): string {
  const info = tokenInfo(token);
  if (info.kind === 'edge') return `x_${escapeName(info.layer)}_${info.j}_${info.k}`;
  return /^[A-Za-z][A-Za-z0-9]*$/.test(info.name) && !RESERVED.has(info.name)
    ? info.name
    : `v_${escapeName(info.name)}`;
}

/** The token of a mathjs symbol, or undefined when it is no token's symbol. */
export function symbolToken(symbol: string): Token | undefined {
  const edge = /^x_(.+)_(\d+)_(\d+)$/.exec(symbol);
  if (edge) {
    const layer = unescapeName(edge[1]!);
    return layer === undefined ? undefined : edgeToken(layer, Number(edge[2]), Number(edge[3]));
  }
  if (symbol.startsWith('v_')) {
    const name = unescapeName(symbol.slice(2));
    return name === undefined ? undefined : variable(name);
  }
  return /^[A-Za-z][A-Za-z0-9]*$/.test(symbol) && !RESERVED.has(symbol) ? variable(symbol) : undefined;
}

/** p as a mathjs expression tree: Σ c·x₁^e₁·…, in the canonical term order; `0` for zero. */
export function polynomialToMathjs(p: Polynomial, numbers: 'exact' | 'float' = 'exact'): MathNode {
  const { math } = mathjs();
  const constant = (c: bigint): MathNode =>
    new math.ConstantNode(
      (numbers === 'float' || c <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : c) as number,
    );
  const join = (op: '+' | '*', fn: 'add' | 'multiply', nodes: MathNode[]): MathNode =>
    nodes.reduce((acc, n) => new math.OperatorNode(op, fn, [acc, n]));
  if (p.terms.length === 0) return constant(0n);
  return join(
    '+',
    'add',
    p.terms.map(({ monomial, coefficient }) => {
      const factors: MathNode[] = monomial.tokens.map((t, i) => {
        const symbol = new math.SymbolNode(tokenSymbol(t));
        const e = monomial.exponents[i]!;
        return e === 1 ? symbol : new math.OperatorNode('^', 'pow', [symbol, constant(BigInt(e))]);
      });
      if (coefficient !== 1n || factors.length === 0) factors.unshift(constant(coefficient));
      return join('*', 'multiply', factors);
    }),
  );
}

/** The most characters of a polynomial given as text to `polynomialFromMathjs`. */
const MAX_POLYNOMIAL_TEXT = 1_000_000;

/**
 * The polynomial of a mathjs tree (or expression text) built from natural constants, token symbols,
 * `+`, `*` and `^` with natural exponents, in any arrangement (factored, expanded): it is
 * evaluated in ℕ[X] `K`, so its products are bounded by K's limit.
 */
export function polynomialFromMathjs(node: MathNode | string, K: PolynomialSemiring): Polynomial {
  const where = 'fromMathjs';
  const source = typeof node === 'string' ? node : node.toString();
  const tree =
    typeof node === 'string'
      ? parseFormula(
          where,
          node,
          { symbols: 'any', functions: new Set(), maxLength: MAX_POLYNOMIAL_TEXT },
          'bigint',
        )
      : node;
  const refuse = (problem: string): never => {
    throw new FormulaError(
      where,
      source,
      undefined,
      `${problem}; a polynomial of ℕ[X] has natural coefficients, +, * and ^ only`,
    );
  };
  const natural = (n: MathNode): bigint => {
    const value = n.type === 'ConstantNode' ? (n as unknown as { value: unknown }).value : undefined;
    if (typeof value === 'bigint' && value >= 0n) return value;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
    return refuse(`${n.toString()} is not a natural number`);
  };
  const walk = (n: MathNode): Polynomial => {
    switch (n.type) {
      case 'ConstantNode': {
        const c = natural(n);
        return c === 0n ? K.zero : { terms: [{ monomial: ONE_MONOMIAL, coefficient: c }] };
      }
      case 'SymbolNode': {
        const name = (n as unknown as { name: string }).name;
        const token = symbolToken(name);
        return token === undefined ? refuse(`symbol ${name} is no token's symbol`) : K.fromToken(token);
      }
      case 'ParenthesisNode':
        return walk((n as unknown as { content: MathNode }).content);
      case 'OperatorNode': {
        const { fn, args } = n as unknown as { fn: string; args: MathNode[] };
        if (fn === 'add') return args.map(walk).reduce((a, b) => K.plus(a, b));
        if (fn === 'multiply') return args.map(walk).reduce((a, b) => K.times(a, b));
        if (fn === 'unaryPlus') return walk(args[0]!);
        if (fn === 'pow') return power(K, walk(args[0]!), natural(args[1]!));
        return refuse(`operator ${(n as unknown as { op: string }).op} is not allowed`);
      }
      default:
        return refuse(`${n.type} is not allowed`);
    }
  };
  return walk(tree);
}

function power(K: PolynomialSemiring, base: Polynomial, n: bigint): Polynomial {
  let result = K.one;
  while (n > 0n) {
    if (n & 1n) result = K.times(result, base);
    n >>= 1n;
    if (n > 0n) base = K.times(base, base);
  }
  return result;
}

/**
 * ∂p/∂x for the token `x`, exactly (see the file header): for K-LRP's R_j, the relevance that flows
 * through the edge of x, as a polynomial in the other tokens.
 */
export function polynomialDerivative(p: Polynomial, x: Token, K: PolynomialSemiring): Polynomial {
  let result = K.zero;
  for (const { monomial, coefficient } of p.terms) {
    const i = monomial.tokens.indexOf(x);
    if (i < 0) continue;
    const e = monomial.exponents[i]!;
    const rest: Monomial = monomialOf(
      monomial.tokens.map((t, m) => [t, m === i ? e - 1 : monomial.exponents[m]!]),
    );
    result = K.plus(result, { terms: [{ monomial: rest, coefficient: coefficient * BigInt(e) }] });
  }
  return result;
}

/** p's value under `valuation` computed by mathjs (compiled once), in floating point. */
export function evaluateWithMathjs(p: Polynomial, valuation: (token: Token) => number): number {
  const scope: Record<string, number> = {};
  for (const { monomial } of p.terms) for (const t of monomial.tokens) scope[tokenSymbol(t)] = valuation(t);
  return polynomialToMathjs(p, 'float').compile().evaluate(scope) as number;
}

/** p in LaTeX as mathjs's `toTex` writes it, tokens in provlrp's LaTeX (for comparison; see the header). */
export function polynomialLatexWithMathjs(p: Polynomial): string {
  return polynomialToMathjs(p).toTex({
    handler: (n: MathNode) => {
      if (n.type !== 'SymbolNode') return undefined;
      const token = symbolToken((n as unknown as { name: string }).name);
      return token === undefined ? undefined : tokenLatex(token);
    },
  });
}

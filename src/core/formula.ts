/**
 * Formulas: mathjs expressions that provlrp parses with mathjs, checks against an allow-list and
 * compiles once into plain closures (an annotation Θ per edge, a semiring's ⊕ and ⊗).
 *
 * Two fences stand before anything runs: the character scan (formula-scan.ts: length, characters,
 * names, bracket depth, each with its position) and a walk over mathjs's syntax tree that admits
 * only constants, allow-listed symbols, arithmetic, comparison and logical operators, `? :`,
 * parentheses and calls of allow-listed functions, and types every node (number, boolean, string).
 * A refusal is a `FormulaError` raised before any value is computed.
 *
 * Why provlrp compiles the checked tree itself instead of calling mathjs's `compile`: mathjs
 * compares numbers with a relative tolerance that cannot be set to 0 (`1 == 1 + 1e-13` is true), so
 * `d >= 1e-9` would not be the built-in threshold bit for bit; its `==` on strings compares them as
 * numbers; and every call goes through a scope map and typed-function dispatch (≈ 790 ns per call
 * of `abs(d) / colmax`, against ≈ 17 ns here: `npm run bench -- formula`). The closures use IEEE arithmetic exactly as JavaScript does, so `d >= T`
 * here is `threshold:T`. Functions follow mathjs's definitions (`mod` is x − y·floor(x / y), `round`
 * halves away from zero, `log(x, b)` is ln x / ln b).
 */
import type { MathNode } from 'mathjs';
import { FormulaError } from './errors.js';
import { type FormulaNames, scanFormula } from './formula-scan.js';
import { mathjs } from './mathjs.js';

/** The type of a formula's value. */
export type FormulaType = 'number' | 'boolean' | 'string';

/** A value a formula reads or gives. */
export type FormulaValue = number | boolean | string;

/** What a formula may read: its symbols in slot order, with their types. */
export interface FormulaSignature {
  /** The option or function the formula was given to, for messages. */
  readonly where: string;
  readonly symbols: readonly (readonly [name: string, type: 'number' | 'string'])[];
}

/** A checked, compiled formula. */
export interface CompiledFormula {
  readonly source: string;
  /** The type of its value: a number or a boolean (an indicator). */
  readonly type: 'number' | 'boolean';
  /** The symbols it reads. */
  readonly uses: ReadonlySet<string>;
  /** Its value for the symbols' values in signature order. */
  readonly evaluate: (values: readonly FormulaValue[]) => FormulaValue;
}

type Fn = (...x: number[]) => number;

/** The functions a formula may call: [fewest arguments, most arguments, definition]. */
export const FORMULA_FUNCTIONS: Readonly<Record<string, readonly [number, number, Fn]>> = {
  abs: [1, 1, Math.abs],
  sign: [1, 1, Math.sign],
  sqrt: [1, 1, Math.sqrt],
  cbrt: [1, 1, Math.cbrt],
  exp: [1, 1, Math.exp],
  expm1: [1, 1, Math.expm1],
  log: [1, 2, (x, b) => (b === undefined ? Math.log(x) : Math.log(x) / Math.log(b))],
  log1p: [1, 1, Math.log1p],
  log2: [1, 1, Math.log2],
  log10: [1, 1, Math.log10],
  min: [1, 16, Math.min],
  max: [1, 16, Math.max],
  floor: [1, 1, Math.floor],
  ceil: [1, 1, Math.ceil],
  fix: [1, 1, Math.trunc],
  round: [1, 1, (x) => Math.sign(x) * Math.round(Math.abs(x))],
  pow: [2, 2, (x, y) => x ** y],
  tanh: [1, 1, Math.tanh],
  sigmoid: [1, 1, (x) => 1 / (1 + Math.exp(-x))],
};

const FUNCTION_NAMES: ReadonlySet<string> = new Set(Object.keys(FORMULA_FUNCTIONS));

type Binary = (a: FormulaValue, b: FormulaValue) => FormulaValue;
const num = (f: (a: number, b: number) => FormulaValue): Binary => f as Binary;

/** The binary operators by mathjs function name: [operand type, result type, definition]. */
const BINARY: Readonly<Record<string, readonly ['number' | 'boolean' | 'same', FormulaType, Binary]>> = {
  add: ['number', 'number', num((a, b) => a + b)],
  subtract: ['number', 'number', num((a, b) => a - b)],
  multiply: ['number', 'number', num((a, b) => a * b)],
  divide: ['number', 'number', num((a, b) => a / b)],
  pow: ['number', 'number', num((a, b) => a ** b)],
  mod: ['number', 'number', num((a, b) => (b === 0 ? a : a - b * Math.floor(a / b)))],
  smaller: ['number', 'boolean', num((a, b) => a < b)],
  larger: ['number', 'boolean', num((a, b) => a > b)],
  smallerEq: ['number', 'boolean', num((a, b) => a <= b)],
  largerEq: ['number', 'boolean', num((a, b) => a >= b)],
  equal: ['same', 'boolean', (a, b) => a === b],
  unequal: ['same', 'boolean', (a, b) => a !== b],
  and: ['boolean', 'boolean', (a, b) => (a as boolean) && (b as boolean)],
  or: ['boolean', 'boolean', (a, b) => (a as boolean) || (b as boolean)],
  xor: ['boolean', 'boolean', (a, b) => a !== b],
};

/** Where in the source a refused kind of node shows itself (the scan refuses most of them first). */
const NEAR: Readonly<Record<string, string>> = {
  RangeNode: ':',
  AssignmentNode: '=',
  FunctionAssignmentNode: '=',
  AccessorNode: '.',
  IndexNode: '[',
  ArrayNode: '[',
  ObjectNode: '{',
  BlockNode: ';',
  RelationalNode: '<',
};

/** A compiled node: its type and its closure over the symbol values. */
interface Compiled {
  readonly type: FormulaType;
  readonly run: (values: readonly FormulaValue[]) => FormulaValue;
}

/** At most this many nodes in a formula's tree. */
const MAX_NODES = 2000;

/**
 * Parses `source` with mathjs after the character scan and bounds the size of its tree (used on its
 * own for expressions that are not evaluated, such as polynomials, whose integers may be read as
 * exact bigints).
 */
export function parseFormula(
  where: string,
  source: string,
  names: FormulaNames,
  integers: 'number' | 'bigint' = 'number',
): MathNode {
  scanFormula(where, source, names);
  let node: MathNode;
  try {
    node = integers === 'bigint' ? mathjs().parseExact(source) : mathjs().parse(source);
  } catch (error) {
    const at = (error as { char?: unknown }).char;
    const message = error instanceof Error ? error.message.replace(/ \(char \d+\)$/, '') : String(error);
    throw new FormulaError(
      where,
      source,
      typeof at === 'number' ? Math.max(0, at - 1) : undefined,
      `${message}; fix the expression`,
    );
  }
  let count = 0;
  node.traverse(() => {
    count++;
  });
  if (count > MAX_NODES)
    throw new FormulaError(where, source, undefined, `a formula has at most ${MAX_NODES} terms`);
  return node;
}

/** Parses, checks and compiles a formula over `signature`'s symbols (see the file header). */
export function compileFormula(source: string, signature: FormulaSignature): CompiledFormula {
  const compiler = new FormulaCompiler(source, signature);
  const node = parseFormula(signature.where, source, {
    symbols: new Set(compiler.slots.keys()),
    functions: FUNCTION_NAMES,
  });
  const root = compiler.compile(node);
  if (root.type === 'string')
    compiler.refuse('the formula gives a string; it must give a number or a true/false test');
  return { source, type: root.type as 'number' | 'boolean', uses: compiler.uses, evaluate: root.run };
}

type Args = { readonly args: readonly MathNode[] };

/** Types every node of a checked tree and builds its closure; refuses what the allow-list lacks. */
class FormulaCompiler {
  readonly slots: ReadonlyMap<string, { readonly i: number; readonly type: 'number' | 'string' }>;
  readonly uses = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly signature: FormulaSignature,
  ) {
    this.slots = new Map(signature.symbols.map(([name, type], i) => [name, { i, type }] as const));
  }

  /** Throws a `FormulaError`, at the first occurrence of `near` in the source when given. */
  refuse(problem: string, near?: string): never {
    const at = near === undefined ? -1 : this.source.indexOf(near);
    throw new FormulaError(this.signature.where, this.source, at < 0 ? undefined : at, problem);
  }

  compile(n: MathNode): Compiled {
    const node = n as unknown as Record<string, unknown>;
    switch (n.type) {
      case 'ConstantNode':
        return this.constant(node.value);
      case 'SymbolNode':
        return this.symbol(node.name as string);
      case 'ParenthesisNode':
        return this.compile(node.content as MathNode);
      case 'ConditionalNode':
        return this.conditional(node as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode });
      case 'OperatorNode':
        return this.operator(node as { op: string; fn: string } & Args);
      case 'FunctionNode':
        return this.call(node as { fn: MathNode } & Args);
      default:
        return this.refuse(
          `${n.type.replace(/Node$/, '').toLowerCase()} expressions are not allowed`,
          NEAR[n.type],
        );
    }
  }

  private typed(c: Compiled, type: FormulaType, what: string): Compiled {
    if (c.type !== type) this.refuse(`${what} must be a ${type}, not a ${c.type}`);
    return c;
  }

  private constant(value: unknown): Compiled {
    const type = typeof value;
    if (type !== 'number' && type !== 'boolean' && type !== 'string')
      return this.refuse(`constant ${String(value)} is not a number, boolean or string`);
    return { type: type as FormulaType, run: () => value as FormulaValue };
  }

  private symbol(name: string): Compiled {
    if (name === 'true' || name === 'false') return { type: 'boolean', run: () => name === 'true' };
    const slot = this.slots.get(name);
    if (!slot) return this.refuse(`unknown symbol "${name}"`, name);
    this.uses.add(name);
    const i = slot.i;
    return { type: slot.type, run: (v) => v[i]! };
  }

  private conditional(c: { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode }): Compiled {
    const test = this.typed(this.compile(c.condition), 'boolean', 'the condition of ? :').run;
    const yes = this.compile(c.trueExpr);
    const no = this.compile(c.falseExpr);
    if (yes.type !== no.type)
      this.refuse(
        `the two branches of ? : give a ${yes.type} and a ${no.type}; make them the same type`,
        '?',
      );
    const [ry, rn] = [yes.run, no.run];
    return { type: yes.type, run: (v) => (test(v) ? ry(v) : rn(v)) };
  }

  private operator({ op, fn, args }: { op: string; fn: string } & Args): Compiled {
    if (args.length === 1) {
      const a = this.compile(args[0]!);
      if (fn === 'unaryPlus') return this.typed(a, 'number', 'the operand of +');
      if (fn === 'unaryMinus') {
        const r = this.typed(a, 'number', 'the operand of -').run;
        return { type: 'number', run: (v) => -(r(v) as number) };
      }
      if (fn === 'not') {
        const r = this.typed(a, 'boolean', 'the operand of not').run;
        return { type: 'boolean', run: (v) => !r(v) };
      }
      return this.refuse(`operator ${op} is not allowed`, op);
    }
    const entry = BINARY[fn];
    if (!entry || args.length !== 2) return this.refuse(`operator ${op} is not allowed`, op);
    const [operands, type, f] = entry;
    const a = this.compile(args[0]!);
    const b = this.compile(args[1]!);
    if (operands !== 'same') {
      this.typed(a, operands, `the operands of ${op}`);
      this.typed(b, operands, `the operands of ${op}`);
    } else if (a.type !== b.type) this.refuse(`${op} compares a ${a.type} with a ${b.type}`, op);
    const [ra, rb] = [a.run, b.run];
    return { type, run: (v) => f(ra(v), rb(v)) };
  }

  private call({ fn, args }: { fn: MathNode } & Args): Compiled {
    const name = fn.type === 'SymbolNode' ? (fn as unknown as { name: string }).name : undefined;
    const entry = name === undefined ? undefined : FORMULA_FUNCTIONS[name];
    if (!entry || name === undefined)
      return this.refuse('only calls of allowed functions by name are allowed', name);
    const [fewest, most, f] = entry;
    if (args.length < fewest || args.length > most)
      this.refuse(
        `${name} takes ${fewest === most ? fewest : `${fewest} to ${most}`} argument(s), not ${args.length}`,
        name,
      );
    const runs = args.map((a) => this.typed(this.compile(a), 'number', `the arguments of ${name}`).run);
    if (runs.length === 1) {
      const r = runs[0]!;
      return { type: 'number', run: (v) => f(r(v) as number) };
    }
    return { type: 'number', run: (v) => f(...runs.map((r) => r(v) as number)) };
  }
}

/**
 * The one mathjs instance provlrp uses, restricted and loaded on first use.
 *
 * Restricted: the namespace's `import`, `createUnit`, `evaluate`, `parse`, `compile`, `simplify`
 * and `derivative` are replaced by functions that throw (the mathjs "more secure eval" recipe), so
 * a mathjs expression can never reach them; provlrp keeps its own references to `parse`,
 * `derivative` and `simplify` and only ever hands them nodes it has checked. User formulas are not
 * evaluated by mathjs at all (see formula.ts): mathjs parses them, provlrp checks and compiles.
 *
 * Loaded lazily: importing mathjs costs about a second of start-up on the development machine, more
 * than the rest of provlrp together, and most runs never see a formula. In Node (20.16 and later)
 * the first use loads it synchronously through `process.getBuiltinModule`; elsewhere (a browser
 * bundle, Deno) call `await loadMathjs()` once before using formulas.
 */
import type { MathJsInstance, MathNode } from 'mathjs';
import { UnsupportedError } from './errors.js';
import { nodeBuiltin } from './node-builtin.js';

/** The parts of mathjs provlrp uses. */
export interface Mathjs {
  /** mathjs's parser (never evaluates anything). */
  readonly parse: (source: string) => MathNode;
  /** The parser with integer literals read as exact bigints (polynomial text). */
  readonly parseExact: (source: string) => MathNode;
  /** Symbolic derivative of a node with respect to a symbol. */
  readonly derivative: (node: MathNode, symbol: string) => MathNode;
  /** Symbolic simplification of a node. */
  readonly simplify: (node: MathNode) => MathNode;
  /** The restricted instance, for its node classes (`ConstantNode`, …) and `fraction`. */
  readonly math: MathJsInstance;
}

let loaded: Mathjs | undefined;

const REFUSED = ['import', 'createUnit', 'evaluate', 'parse', 'compile', 'simplify', 'derivative'] as const;

function restrict(module: typeof import('mathjs')): Mathjs {
  const math = module.create(module.all!);
  const parse = math.parse.bind(math) as (source: string) => MathNode;
  const derivative = math.derivative.bind(math) as unknown as (node: MathNode, symbol: string) => MathNode;
  const simplify = math.simplify.bind(math) as unknown as (node: MathNode) => MathNode;
  const refuse = (name: string) => () => {
    throw new UnsupportedError(`mathjs: function ${name} is disabled in provlrp's formula instance`);
  };
  math.import(Object.fromEntries(REFUSED.map((name) => [name, refuse(name)])), { override: true });
  let exact: ((source: string) => MathNode) | undefined;
  const parseExact = (source: string): MathNode => {
    if (!exact) {
      const instance = module.create(module.all!, { number: 'bigint' });
      exact = instance.parse.bind(instance) as (source: string) => MathNode;
      instance.import(Object.fromEntries(REFUSED.map((name) => [name, refuse(name)])), { override: true });
    }
    return exact(source);
  };
  return { parse, parseExact, derivative, simplify, math };
}

/** The restricted mathjs, loading it on first use (synchronously in Node; see the file header). */
export function mathjs(): Mathjs {
  if (loaded) return loaded;
  const builtin = nodeBuiltin('node:module');
  if (!builtin)
    throw new UnsupportedError(
      'formulas: mathjs is not loaded yet; call `await loadMathjs()` once before using formulas outside Node 20.16+',
    );
  loaded = restrict(builtin.createRequire(import.meta.url)('mathjs') as typeof import('mathjs'));
  return loaded;
}

/** Loads mathjs asynchronously (for environments without synchronous loading); idempotent. */
export async function loadMathjs(): Promise<Mathjs> {
  loaded ??= restrict(await import('mathjs'));
  return loaded;
}

/**
 * Formula annotations: what a compiled formula costs per edge, against mathjs's own compiled
 * evaluation, and on a whole explanation.
 *
 *   provlrp_closure_ns   compileFormula('abs(d) / colmax').evaluate per call, in nanoseconds
 *   mathjs_compiled_ns   mathjs compile('abs(d) / colmax').evaluate(scope) per call
 *   mlp_threshold        𝔹 relevance of 5 MNIST test images through the shipped MLP, threshold:1e-9
 *   mlp_formula          the same with expr:d >= 1e-9 (the same bytes; the formula's overhead)
 *
 * Why provlrp compiles checked trees itself rather than with mathjs is in src/core/formula.ts.
 */
import { compile } from '../src/circuits/index.js';
import { compileFormula, loadMathjs } from '../src/core/index.js';
import { loadMnist, loadShippedModel } from '../src/nn/index.js';
import { time } from './timing.js';

export const name = 'formula';

const CALLS = 1_000_000;

export async function run(): Promise<Record<string, unknown>> {
  await loadMathjs();
  const mathjs = await import('mathjs');
  const source = 'abs(d) / colmax';
  const ours = compileFormula(source, {
    where: 'bench',
    symbols: [
      ['d', 'number'],
      ['colmax', 'number'],
    ],
  });
  const theirs = mathjs.compile(source);
  const values = [0, 2];
  let sink = 0;
  const oursTiming = await time(() => {
    for (let i = 0; i < CALLS; i++) {
      values[0] = i * 1e-6;
      sink += ours.evaluate(values) as number;
    }
  });
  const theirsTiming = await time(
    () => {
      for (let i = 0; i < CALLS / 10; i++) sink += theirs.evaluate({ d: i * 1e-6, colmax: 2 }) as number;
    },
    { runs: 5 },
  );
  if (!Number.isFinite(sink)) throw new Error('bench: the sums are not finite');
  const { images } = loadMnist('test', { limit: 5 });
  const circuit = compile(loadShippedModel('mlp'));
  // A new trace per run: a trace memoises its answers.
  const explain = (annotate: string) => () =>
    circuit.trace(images).relevance({ semiring: 'boolean', annotate });
  return {
    calls: CALLS,
    provlrp_closure_ns: Math.round((oursTiming.medianMs * 1e6) / CALLS),
    mathjs_compiled_ns: Math.round((theirsTiming.medianMs * 1e6) / (CALLS / 10)),
    mlp_threshold: await time(explain('threshold:1e-9'), { runs: 7 }),
    mlp_formula: await time(explain('expr:d >= 1e-9'), { runs: 7 }),
  };
}

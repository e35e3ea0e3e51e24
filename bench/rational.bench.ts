/**
 * ℚ: fraction.js directly against mathjs's fractions, and the exact rational run on the shipped MLP.
 *
 *   fraction_js        Σ a_i·b_i over 20,000 pairs of exact dyadic fractions (random doubles), with
 *                      fraction.js's own add/mul: what `rational` does
 *   mathjs_fraction    the same sum with mathjs's `add`/`multiply` on `math.fraction` values
 *                      (fraction.js behind typed-function dispatch)
 *   mlp_exact          one MNIST test image through the shipped MLP in ℚ (annotation identity,
 *                      composite epsilon), with the largest numerator or denominator in bits
 *
 * The faster of the first two is what `rational` is built on.
 */
import { compile } from '../src/circuits/index.js';
import { mathjs } from '../src/core/index.js';
import { loadMnist, loadShippedModel } from '../src/nn/index.js';
import { defineSemiring, exactFraction, type Fraction, rational } from '../src/semirings/index.js';
import { time } from './timing.js';

export const name = 'rational';

const PAIRS = 20_000;

function randomPairs(): [Fraction, Fraction][] {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed / 2 ** 31 - 0.5) * 2 ** ((seed % 40) - 20);
  };
  return Array.from({ length: PAIRS }, () => [exactFraction(next()), exactFraction(next())]);
}

export async function run(): Promise<Record<string, unknown>> {
  const pairs = randomPairs();
  const { math } = mathjs();
  const viaMathjs = pairs.map(([a, b]) => [math.fraction(a), math.fraction(b)] as const);
  const own = () => pairs.reduce((sum, [a, b]) => sum.add(a.mul(b)), rational.zero);
  const theirs = () =>
    viaMathjs.reduce((sum, [a, b]) => math.add(sum, math.multiply(a, b)) as never, math.fraction(0));
  if (!own().equals(theirs() as unknown as Fraction)) throw new Error('bench: the two sums differ');

  const { images } = loadMnist('test', { limit: 1 });
  const circuit = compile(loadShippedModel('mlp'));
  let maxBits = 0;
  const bits = (f: Fraction): Fraction => {
    maxBits = Math.max(maxBits, f.n.toString(2).length, f.d.toString(2).length);
    return f;
  };
  const measured = defineSemiring<Fraction>({
    ...rational,
    name: 'rational_measured',
    plus: (a, b) => bits(rational.plus(a, b)),
    times: (a, b) => bits(rational.times(a, b)),
  });
  // A new trace per run: a trace memoises its answers.
  const exactRun = () =>
    circuit
      .trace(images, 'float64')
      .relevance({ semiring: measured, annotate: 'identity', composite: 'epsilon' });
  const mlp = await time(exactRun, { warmup: 1, runs: 3 });
  return {
    pairs: PAIRS,
    fraction_js: await time(own),
    mathjs_fraction: await time(theirs),
    mlp_exact: { ...mlp, maxBits },
  };
}

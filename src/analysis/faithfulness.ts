/**
 * Faithfulness by pixel flipping (Samek et al., 2017; PAPER.md): flip the pixels of an image in
 * order of relevance, most relevant first (MoRF; for tropical the smallest value is the most
 * relevant), x ← 1 − x, one pixel per step for L = 100 steps, and follow f, the true-class logit.
 * AOPC = 1/(L+1) · Σ_{k=0..L} (f(x⁽⁰⁾) − f(x⁽ᵏ⁾)), averaged over the first 1,000 test images:
 * the faster the logit falls, the more the order knows what the network uses. Every semiring of
 * the K-LRP set is compared with a random order; ties are broken at random, 5 seeds.
 *
 * Reference: W. Samek et al., "Evaluating the visualization of what a deep neural network has
 * learned", IEEE TNNLS 28(11), 2017.
 */
import { Rng } from '../core/rng.js';
import { loadMnist, type Mnist } from '../nn/datasets/index.js';
import type { Model } from '../nn/index.js';
import { loadShippedModel } from '../nn/zoo/index.js';
import { lineChart, renderVegaLite } from '../viz/index.js';
import { type ExperimentOptions, type ExperimentResult, experimentSeed } from './experiment.js';
import { InputFlips } from './input-flips.js';
import { KLRP_KEYS, KLRP_SET, type KlrpKey, relevanceOf } from './klrp-set.js';
import { phase, SILENT_PROGRESS } from './progress.js';
import { curveSummary, mean, spread } from './statistics.js';

/** The orders compared: the K-LRP set and a random order. */
export const FAITHFULNESS_KEYS = [...KLRP_KEYS, 'random'] as const;

/** An order's name. */
export type FaithfulnessKey = (typeof FAITHFULNESS_KEYS)[number];

/** `faithfulness.json`. */
export interface FaithfulnessData {
  readonly settings: {
    readonly model: string;
    readonly images: number;
    readonly steps: number;
    readonly flip: string;
    readonly f: string;
    readonly relevance: Record<KlrpKey, string>;
    readonly seeds: number[];
    readonly quick: boolean;
  };
  /** AOPC per order: mean and spread over the seeds, and each seed's value. */
  readonly aopc: Record<FaithfulnessKey, { mean: number; spread: number; bySeed: number[] }>;
  /** Per order, the mean true-class logit after k = 0 … L flips (mean over seeds, and spread). */
  readonly curves: Record<FaithfulnessKey, { logit: number[]; spread: number[] }>;
}

/** The sizes of the full and the quick run. */
export const FAITHFULNESS_SIZES = {
  full: { images: 1_000, steps: 100 },
  quick: { images: 100, steps: 100 },
} as const;

/** The number of tie-break seeds. */
export const FAITHFULNESS_SEEDS = 5;

/**
 * The MoRF order of each image's pixels: by `relevance` descending (`ascending` for tropical),
 * ties in a random order from `rng`; with no relevance, a random order. Only the first `steps`.
 */
export function morfOrder(
  relevance: Float64Array | undefined,
  n: number,
  pixels: number,
  steps: number,
  rng: Rng,
  ascending = false,
): number[] {
  const order = rng.shuffle(Array.from({ length: pixels }, (_, p) => p));
  if (relevance === undefined) return order.slice(0, steps);
  const r = relevance.subarray(n * pixels, (n + 1) * pixels);
  // A stable sort keeps the shuffled order among equal values: the random tie-break.
  order.sort((a, b) => (ascending ? r[a]! - r[b]! : r[b]! - r[a]!));
  return order.slice(0, steps);
}

/** One run of MoRF flipping: the mean true-class logit after each step, and the AOPC. */
export function flipCurve(
  flips: InputFlips,
  labels: ArrayLike<number>,
  orders: readonly (readonly number[])[],
  steps: number,
  classes: number,
): { logit: number[]; aopc: number } {
  flips.reset();
  const logit: number[] = [];
  const first = new Float64Array(flips.count);
  let drop = 0;
  for (let k = 0; k <= steps; k++) {
    if (k > 0) for (let n = 0; n < flips.count; n++) flips.flip(n, orders[n]![k - 1]!);
    const logits = flips.logits();
    let sum = 0;
    for (let n = 0; n < flips.count; n++) {
      const f = logits[n * classes + labels[n]!]!;
      if (k === 0) first[n] = f;
      drop += first[n]! - f;
      sum += f;
    }
    logit.push(sum / flips.count);
  }
  return { logit, aopc: drop / flips.count / (steps + 1) };
}

/** The AOPC and curve of one order for one seed (the random baseline: `relevance` undefined). */
export function morfRun(
  model: Model,
  flips: InputFlips,
  labels: ArrayLike<number>,
  relevance: Float64Array | undefined,
  seed: number,
  steps: number,
  ascending = false,
): { logit: number[]; aopc: number } {
  const rng = new Rng(seed);
  const orders = Array.from({ length: flips.count }, (_, n) =>
    morfOrder(relevance, n, flips.pixels, steps, rng, ascending),
  );
  const classes = model.shapes.get(model.output)!.at(-1)!;
  return flipCurve(flips, labels, orders, steps, classes);
}

/** Options of {@link faithfulnessExperiment}. */
export interface FaithfulnessOptions extends ExperimentOptions {
  readonly test?: Mnist;
}

/** Runs pixel flipping on the shipped MNIST MLP. */
export async function faithfulnessExperiment(
  options: FaithfulnessOptions = {},
): Promise<ExperimentResult<FaithfulnessData>> {
  const seed = experimentSeed(options, 'faithfulnessExperiment');
  const quick = options.quick ?? false;
  const progress = options.progress ?? SILENT_PROGRESS;
  const { images: count, steps } = quick ? FAITHFULNESS_SIZES.quick : FAITHFULNESS_SIZES.full;
  const test = options.test ?? loadMnist('test', { limit: count });
  const model = loadShippedModel('mlp');
  const relevance = await phase(progress, 'faithfulness: relevance', KLRP_KEYS.length * count, () =>
    relevanceOf(
      model,
      test.images.data,
      test.labels,
      count,
      KLRP_SET,
      progress,
      options.test ? undefined : 'mlp/test',
    ),
  );
  const seeds = Array.from({ length: FAITHFULNESS_SEEDS }, (_, i) => seed + i);
  const flips = new InputFlips(model, test.images.data, count);
  const runs = await phase(
    progress,
    'faithfulness: flipping',
    FAITHFULNESS_KEYS.length * seeds.length,
    () =>
      Object.fromEntries(
        FAITHFULNESS_KEYS.map((key) => [
          key,
          seeds.map((s) => {
            const run = morfRun(
              model,
              flips,
              test.labels,
              key === 'random' ? undefined : relevance[key],
              s,
              steps,
              key === 'tropical',
            );
            progress.advance();
            return run;
          }),
        ]),
      ) as Record<FaithfulnessKey, { logit: number[]; aopc: number }[]>,
  );
  const aopc = {} as FaithfulnessData['aopc'];
  const curves = {} as FaithfulnessData['curves'];
  for (const key of FAITHFULNESS_KEYS) {
    const bySeed = runs[key].map((r) => r.aopc);
    aopc[key] = { mean: mean(bySeed), spread: spread(bySeed), bySeed };
    const summary = curveSummary(runs[key].map((r) => r.logit));
    curves[key] = { logit: summary.mean, spread: summary.spread };
  }
  const data: FaithfulnessData = {
    settings: {
      model: 'mlp (784-300-100-10, shipped)',
      images: count,
      steps,
      flip: 'x ← 1 − x, one pixel per step, most relevant first (tropical: smallest first)',
      f: 'the true-class logit',
      relevance: {
        real: 'composite report_mlp',
        boolean: 'composite epsilon, threshold:1e-9',
        counting: 'composite epsilon, threshold:1e-9',
        viterbi: 'composite epsilon, annotation viterbi',
        tropical: 'composite epsilon, annotation neglog',
      },
      seeds,
      quick,
    },
    aopc,
    curves,
  };
  return { data, figure: await faithfulnessFigure(data) };
}

/** The figure: the mean true-class logit against the number of flipped pixels, AOPC in the legend. */
export function faithfulnessFigure(data: FaithfulnessData): ReturnType<typeof renderVegaLite> {
  return renderVegaLite(
    lineChart({
      x: Array.from({ length: data.settings.steps + 1 }, (_, k) => k),
      xTitle: 'pixels flipped (most relevant first)',
      panels: [
        {
          title: `MoRF pixel flipping, ${data.settings.images} test images, ${data.settings.seeds.length} seeds`,
          yTitle: 'mean true-class logit',
          series: FAITHFULNESS_KEYS.map((key) => ({
            name: `${key} (AOPC ${data.aopc[key].mean.toFixed(3)})`,
            y: data.curves[key].logit,
            spread: data.curves[key].spread,
          })),
        },
      ],
      width: 520,
      height: 320,
    }),
  );
}

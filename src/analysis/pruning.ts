/**
 * Pruning (the report's §4, Fig. 4.5; PAPER.md): rank the 300 neurons of the shipped MLP's first
 * hidden layer, remove the lowest-ranked first, cumulatively, at 1, 5, 9, … 297 removed, and
 * evaluate accuracy and loss on the test images after each step.
 *
 * Rankings: the mean |R| of the layer's neurons for the true class over the first 10,000 training
 * images, for composite LRP (ℝ, `report_mlp`), Viterbi, 𝔹 and ℕ (the K-LRP defaults); the L1 and
 * L2 norms of each neuron's incoming weights; and random orders (5 seeds, mean and spread). Ties
 * are broken by a random order drawn from the recorded seed. A removed neuron has its incoming
 * weights and its bias zeroed (`keepBias`: the report's variant, bias kept).
 */
import { Rng } from '../core/rng.js';
import type { Tensor } from '../core/tensor.js';
import { loadMnist, type Mnist } from '../nn/datasets/index.js';
import { loadShippedModel } from '../nn/zoo/index.js';
import { lineChart, renderVegaLite } from '../viz/index.js';
import { inProcessRelevance } from './dataset-pass.js';
import { type ExperimentOptions, type ExperimentResult, experimentSeed } from './experiment.js';
import { KLRP_DESCRIPTIONS, relevanceOf } from './klrp-set.js';
import { phase, SILENT_PROGRESS } from './progress.js';
import { PrunedEvaluator, type PruneOptions } from './prune.js';
import { curveSummary, meanAbsolute } from './statistics.js';

/** The pruned layer: the first dense layer of the shipped MLP (784 → 300). */
export const PRUNED_LAYER = '1';

/** The rankings, in the order of the JSON and the legend. */
export const PRUNING_METHODS = ['composite', 'viterbi', 'boolean', 'counting', 'l1', 'l2', 'random'] as const;

/** A ranking's name. */
export type PruningMethod = (typeof PRUNING_METHODS)[number];

/** One curve per method: accuracy and loss after each step (random: the mean, with spreads). */
export interface PruningCurve {
  readonly accuracy: number[];
  readonly loss: number[];
  readonly accuracySpread?: number[];
  readonly lossSpread?: number[];
}

/** `pruning.json`. */
export interface PruningData {
  readonly settings: {
    readonly model: string;
    readonly layer: string;
    readonly rankingImages: number;
    readonly testImages: number;
    readonly keepBias: boolean;
    readonly relevance: Record<string, string>;
    readonly tieBreakSeed: number;
    readonly randomSeeds: number[];
    readonly quick: boolean;
  };
  /** Neurons removed at each step; 0 is the unpruned model. */
  readonly removed: number[];
  readonly methods: Record<PruningMethod, PruningCurve>;
  /** Each ranking, lowest first (random: the first seed's). */
  readonly orders: Record<PruningMethod, number[]>;
}

/** The sizes of the full and the quick run. */
export const PRUNING_SIZES = {
  full: { rankingImages: 10_000, testImages: 10_000, stride: 4 },
  quick: { rankingImages: 200, testImages: 1_000, stride: 37 },
} as const;

/** The number of random orders. */
export const RANDOM_SEEDS = 5;

/** Options of {@link pruningExperiment}. */
export interface PruningOptions extends ExperimentOptions, PruneOptions {
  readonly train?: Mnist;
  readonly test?: Mnist;
}

/** The neurons ordered by score, lowest first, ties in the random order of `seed`. */
export function rankAscending(scores: ArrayLike<number>, seed: number): number[] {
  const tieBreak = new Rng(seed).shuffle(Array.from({ length: scores.length }, (_, i) => i));
  const rank = new Int32Array(scores.length);
  tieBreak.forEach((k, r) => {
    rank[k] = r;
  });
  return tieBreak.slice().sort((a, b) => scores[a]! - scores[b]! || rank[a]! - rank[b]!);
}

/** The L1 or L2 norm of each output neuron's incoming weights ([out, in]). */
export function weightNorms(weight: Tensor, p: 1 | 2): Float64Array {
  const [outputs, inputs] = weight.shape as [number, number];
  return Float64Array.from({ length: outputs }, (_, k) => {
    let s = 0;
    for (let j = 0; j < inputs; j++)
      s += p === 1 ? Math.abs(weight.data[k * inputs + j]!) : weight.data[k * inputs + j]! ** 2;
    return p === 1 ? s : Math.sqrt(s);
  });
}

/** The removal steps: 0, 1, 1 + stride, … up to `width` − 3 (297 of 300 with stride 4). */
export const removalSteps = (width: number, stride: number): number[] => {
  const steps = [0];
  for (let r = 1; r <= width - 3; r += stride) steps.push(r);
  return steps;
};

/** Runs the pruning experiment on the shipped MNIST MLP. */
export async function pruningExperiment(
  options: PruningOptions = {},
): Promise<ExperimentResult<PruningData>> {
  const seed = experimentSeed(options, 'pruningExperiment');
  const quick = options.quick ?? false;
  const progress = options.progress ?? SILENT_PROGRESS;
  const sizes = quick ? PRUNING_SIZES.quick : PRUNING_SIZES.full;
  const model = loadShippedModel('mlp');
  const test = options.test ?? loadMnist('test', { limit: sizes.testImages });
  const requests = {
    composite: { semiring: 'real', composite: 'report_mlp', layer: PRUNED_LAYER },
    viterbi: { semiring: 'viterbi', layer: PRUNED_LAYER },
    boolean: { semiring: 'boolean', layer: PRUNED_LAYER },
    counting: { semiring: 'counting', layer: PRUNED_LAYER },
  } as const;
  const samples = Array.from({ length: sizes.rankingImages }, (_, i) => i);
  const relevance = await phase(progress, 'pruning: relevance', 4 * sizes.rankingImages, () =>
    options.train === undefined
      ? (options.datasetRelevance ?? inProcessRelevance)(
          { model: 'mlp', split: 'train', samples, requests },
          progress,
        )
      : relevanceOf(
          model,
          options.train.images.data,
          options.train.labels,
          sizes.rankingImages,
          requests,
          progress,
        ),
  );
  const weight = (model.nodes.find((n) => n.layer === PRUNED_LAYER)!.params as { weight: Tensor }).weight;
  const width = weight.shape[0]!;
  const randomSeeds = Array.from({ length: RANDOM_SEEDS }, (_, i) => seed + 1 + i);
  const identity = new Float64Array(width);
  const orders: Record<string, number[][]> = {
    ...Object.fromEntries(
      (Object.keys(requests) as (keyof typeof requests)[]).map((m) => [
        m,
        [rankAscending(meanAbsolute(relevance[m], width), seed)],
      ]),
    ),
    l1: [rankAscending(weightNorms(weight, 1), seed)],
    l2: [rankAscending(weightNorms(weight, 2), seed)],
    random: randomSeeds.map((s) => rankAscending(identity, s)),
  };
  const removed = removalSteps(width, sizes.stride);
  const evaluator = new PrunedEvaluator(model, PRUNED_LAYER, test, { keepBias: options.keepBias ?? false });
  const runs = PRUNING_METHODS.reduce((s, m) => s + orders[m]!.length, 0);
  const methods = await phase(progress, 'pruning: evaluation', runs * removed.length, () => {
    const out = {} as Record<PruningMethod, PruningCurve>;
    for (const method of PRUNING_METHODS) {
      const curves = orders[method]!.map((order) =>
        removed.map((r) => {
          const evaluation = evaluator.evaluate(order.slice(0, r));
          progress.advance();
          return evaluation;
        }),
      );
      const accuracy = curveSummary(curves.map((c) => c.map((e) => e.accuracy)));
      const loss = curveSummary(curves.map((c) => c.map((e) => e.loss)));
      out[method] =
        curves.length > 1
          ? {
              accuracy: accuracy.mean,
              loss: loss.mean,
              accuracySpread: accuracy.spread,
              lossSpread: loss.spread,
            }
          : { accuracy: accuracy.mean, loss: loss.mean };
    }
    return out;
  });
  const data: PruningData = {
    settings: {
      model: 'mlp (784-300-100-10, shipped)',
      layer: PRUNED_LAYER,
      rankingImages: sizes.rankingImages,
      testImages: test.labels.length,
      keepBias: options.keepBias ?? false,
      relevance: {
        composite: `real, ${KLRP_DESCRIPTIONS.real}, mean |R| for the true class`,
        viterbi: `viterbi, ${KLRP_DESCRIPTIONS.viterbi}`,
        boolean: `boolean, ${KLRP_DESCRIPTIONS.boolean}`,
        counting: `counting, ${KLRP_DESCRIPTIONS.counting}`,
      },
      tieBreakSeed: seed,
      randomSeeds,
      quick,
    },
    removed,
    methods,
    orders: Object.fromEntries(PRUNING_METHODS.map((m) => [m, orders[m]![0]!])) as Record<
      PruningMethod,
      number[]
    >,
  };
  return { data, figure: await pruningFigure(data) };
}

/** The figure: accuracy and loss against the number of removed neurons, one line per ranking. */
export function pruningFigure(data: PruningData): ReturnType<typeof renderVegaLite> {
  const series = (quantity: 'accuracy' | 'loss') =>
    PRUNING_METHODS.map((m) => {
      const curve = data.methods[m];
      const spread = quantity === 'accuracy' ? curve.accuracySpread : curve.lossSpread;
      return { name: m, y: curve[quantity], ...(spread ? { spread } : {}) };
    });
  return renderVegaLite(
    lineChart({
      x: data.removed,
      xTitle: `neurons of layer ${data.settings.layer} removed (lowest-ranked first)`,
      panels: [
        {
          title: `test accuracy (${data.settings.testImages} images)`,
          yTitle: 'accuracy',
          series: series('accuracy'),
        },
        { title: 'test loss (cross-entropy)', yTitle: 'loss', series: series('loss') },
      ],
    }),
  );
}

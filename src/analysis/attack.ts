/**
 * The relevance-guided attack (PAPER.md): at each step flip 5 not-yet-flipped pixels of every
 * image (x ← 1 − x), drawn without replacement with probability softmax(−η·R̄) renormalised over
 * the unflipped pixels, where R̄ is the mean |R| over the images (`global`, the default) or the
 * image's own |R| (`perImage`); against a uniform choice. The accuracy of the shipped MLP on the
 * first 1,000 test images is followed as pixels are flipped. η per semiring is the report's
 * (composite 1, 𝔹 200, ℕ 1, Viterbi 20000). This favours the least relevant pixels on purpose: it
 * tests whether low-relevance pixels are the resilient ones (a slower fall than uniform says yes).
 */
import { Rng } from '../core/rng.js';
import { loadMnist, MNIST_CLASSES, type Mnist } from '../nn/datasets/index.js';
import { loadShippedModel } from '../nn/zoo/index.js';
import { lineChart, renderVegaLite } from '../viz/index.js';
import { type ExperimentOptions, type ExperimentResult, experimentSeed } from './experiment.js';
import { InputFlips } from './input-flips.js';
import { KLRP_SET, relevanceOf } from './klrp-set.js';
import { phase, SILENT_PROGRESS } from './progress.js';
import { curveSummary, meanAbsolute } from './statistics.js';

/** The guided choices, with the report's η, and the uniform baseline. */
export const ATTACK_ETA = { real: 1, boolean: 200, counting: 1, viterbi: 20_000 } as const;

/** A choice of pixels: guided by a semiring, or uniform. */
export type AttackMethod = keyof typeof ATTACK_ETA | 'uniform';

/** The methods, in the order of the JSON and the legend. */
export const ATTACK_METHODS: readonly AttackMethod[] = [
  ...(Object.keys(ATTACK_ETA) as (keyof typeof ATTACK_ETA)[]),
  'uniform',
];

/** `attack.json`. */
export interface AttackData {
  readonly settings: {
    readonly model: string;
    readonly images: number;
    readonly pixelsPerStep: number;
    readonly steps: number;
    readonly eta: typeof ATTACK_ETA;
    readonly relevance: 'global' | 'perImage';
    readonly seeds: number[];
    readonly quick: boolean;
  };
  /** Pixels flipped at each step (0: the original images). */
  readonly flipped: number[];
  /** Accuracy after each step, mean over the seeds, and its spread. */
  readonly methods: Record<AttackMethod, { accuracy: number[]; accuracySpread: number[] }>;
}

/** The sizes of the full and the quick run. */
export const ATTACK_SIZES = {
  full: { images: 1_000, steps: 40 },
  quick: { images: 100, steps: 8 },
} as const;

/** Pixels flipped per step, and the number of seeds. */
export const ATTACK_PIXELS_PER_STEP = 5;
export const ATTACK_SEEDS = 3;

/**
 * The weights exp(−η·(r_p − r_min)) of a guide, r_min its smallest value: softmax(−η·r) up to a
 * constant factor, which the renormalisation over the unflipped pixels removes; shifting by the
 * minimum keeps exp finite.
 */
export function guideWeights(r: ArrayLike<number>, eta: number): Float64Array {
  let low = Number.POSITIVE_INFINITY;
  for (let p = 0; p < r.length; p++) if (r[p]! < low) low = r[p]!;
  return Float64Array.from({ length: r.length }, (_, p) => Math.exp(-eta * (r[p]! - low)));
}

/**
 * Draws `k` of the unflipped pixels without replacement, with probability proportional to
 * `weights` renormalised over the unflipped ones; marks them in `flipped` and returns them. When
 * every unflipped weight has underflowed to 0 (a large η after the least relevant pixels are
 * gone), the weights are recomputed from `r` shifted by the unflipped minimum.
 */
export function drawPixels(
  r: ArrayLike<number>,
  eta: number,
  weights: Float64Array,
  flipped: Uint8Array,
  k: number,
  rng: Rng,
): number[] {
  const drawn: number[] = [];
  let w = weights;
  for (let draw = 0; draw < k; draw++) {
    let total = 0;
    for (let p = 0; p < flipped.length; p++) if (!flipped[p]) total += w[p]!;
    if (!(total > 0)) {
      const open = Array.from(flipped.keys()).filter((p) => !flipped[p]);
      if (open.length === 0) break;
      const shifted = guideWeights(
        open.map((p) => r[p]!),
        eta,
      );
      w = new Float64Array(flipped.length);
      open.forEach((p, i) => {
        w[p] = shifted[i]!;
      });
      total = shifted.reduce((a, b) => a + b, 0);
    }
    let u = rng.next() * total;
    let chosen = -1;
    let last = -1;
    for (let p = 0; p < flipped.length && chosen < 0; p++) {
      if (flipped[p] || w[p]! <= 0) continue;
      last = p;
      u -= w[p]!;
      if (u < 0) chosen = p;
    }
    // Rounding can leave u ≥ 0 after the last weight: that pixel is the one drawn.
    if (chosen < 0) chosen = last;
    flipped[chosen] = 1;
    drawn.push(chosen);
  }
  return drawn;
}

/** The share of images whose largest logit is their label's. */
function accuracyOf(logits: Float32Array, labels: ArrayLike<number>, count: number): number {
  let right = 0;
  for (let n = 0; n < count; n++) {
    let best = 0;
    for (let c = 1; c < MNIST_CLASSES; c++)
      if (logits[n * MNIST_CLASSES + c]! > logits[n * MNIST_CLASSES + best]!) best = c;
    if (best === labels[n]) right++;
  }
  return right / count;
}

/** Options of {@link attackExperiment}. */
export interface AttackOptions extends ExperimentOptions {
  readonly test?: Mnist;
  /** Guide each image by its own |R| instead of the mean over the images. */
  readonly perImage?: boolean;
}

/** Runs the relevance-guided attack on the shipped MNIST MLP. */
export async function attackExperiment(options: AttackOptions = {}): Promise<ExperimentResult<AttackData>> {
  const seed = experimentSeed(options, 'attackExperiment');
  const quick = options.quick ?? false;
  const progress = options.progress ?? SILENT_PROGRESS;
  const { images: count, steps } = quick ? ATTACK_SIZES.quick : ATTACK_SIZES.full;
  const test = options.test ?? loadMnist('test', { limit: count });
  const model = loadShippedModel('mlp');
  const pixels = 28 * 28;
  const guided = Object.keys(ATTACK_ETA) as (keyof typeof ATTACK_ETA)[];
  const requests = Object.fromEntries(guided.map((m) => [m, KLRP_SET[m]])) as Record<
    keyof typeof ATTACK_ETA,
    (typeof KLRP_SET)[keyof typeof ATTACK_ETA]
  >;
  const relevance = await phase(progress, 'attack: relevance', guided.length * count, () =>
    relevanceOf(
      model,
      test.images.data,
      test.labels,
      count,
      requests,
      progress,
      options.test ? undefined : 'mlp/test',
    ),
  );
  const guide = (method: AttackMethod, n: number): ArrayLike<number> => {
    if (method === 'uniform') return new Float64Array(pixels);
    const r = relevance[method];
    if (options.perImage) return r.subarray(n * pixels, (n + 1) * pixels).map(Math.abs);
    return meanAbsolute(r, pixels);
  };
  const seeds = Array.from({ length: ATTACK_SEEDS }, (_, i) => seed + i);
  const flips = new InputFlips(model, test.images.data, count);
  const methods = await phase(progress, 'attack: flipping', ATTACK_METHODS.length * seeds.length, () => {
    const out = {} as AttackData['methods'];
    for (const method of ATTACK_METHODS) {
      const eta = method === 'uniform' ? 0 : ATTACK_ETA[method];
      const guides = Array.from({ length: count }, (_, n) =>
        options.perImage || n === 0 ? guide(method, n) : undefined,
      );
      const weights = guides.map((g) => (g === undefined ? undefined : guideWeights(g, eta)));
      const curves = seeds.map((s) => {
        const rng = new Rng(s);
        flips.reset();
        const flipped = Array.from({ length: count }, () => new Uint8Array(pixels));
        const accuracy = [accuracyOf(flips.logits(), test.labels, count)];
        for (let step = 1; step <= steps; step++) {
          for (let n = 0; n < count; n++)
            for (const p of drawPixels(
              guides[n] ?? guides[0]!,
              eta,
              weights[n] ?? weights[0]!,
              flipped[n]!,
              ATTACK_PIXELS_PER_STEP,
              rng,
            ))
              flips.flip(n, p);
          accuracy.push(accuracyOf(flips.logits(), test.labels, count));
        }
        progress.advance();
        return accuracy;
      });
      const summary = curveSummary(curves);
      out[method] = { accuracy: summary.mean, accuracySpread: summary.spread };
    }
    return out;
  });
  const data: AttackData = {
    settings: {
      model: 'mlp (784-300-100-10, shipped)',
      images: count,
      pixelsPerStep: ATTACK_PIXELS_PER_STEP,
      steps,
      eta: ATTACK_ETA,
      relevance: options.perImage ? 'perImage' : 'global',
      seeds,
      quick,
    },
    flipped: Array.from({ length: steps + 1 }, (_, k) => k * ATTACK_PIXELS_PER_STEP),
    methods,
  };
  return { data, figure: await attackFigure(data) };
}

/** The figure: accuracy against the number of flipped pixels, one line per choice. */
export function attackFigure(data: AttackData): ReturnType<typeof renderVegaLite> {
  return renderVegaLite(
    lineChart({
      x: data.flipped,
      xTitle: 'pixels flipped (x ← 1 − x)',
      panels: [
        {
          title: `relevance-guided attack (${data.settings.relevance} R̄), ${data.settings.images} test images`,
          yTitle: 'accuracy',
          series: ATTACK_METHODS.map((m) => ({
            name: m === 'uniform' ? 'uniform' : `${m} (η ${data.settings.eta[m]})`,
            y: data.methods[m].accuracy,
            spread: data.methods[m].accuracySpread,
          })),
        },
      ],
      width: 480,
      height: 300,
    }),
  );
}

/**
 * Two-digit MNIST (PAPER.md, "dmnist"): the shipped MLP 1568-600-200-10 learnt to read the digit
 * on top and ignore the random one below. An explanation faithful to that puts (almost) nothing in
 * the lower half. For each semiring of the K-LRP set this reports, over the first images of each
 * class of the two-digit test set, each explained for its true class:
 *
 * - `maskPixels`: the share of mask pixels in the lower half, pooled over the images, where a
 *   pixel is in an image's mask when its relevance is present: non-zero (ℝ, ℕ, Viterbi), true (𝔹),
 *   finite (tropical, +∞ meaning no relevant path);
 * - `relevance`: the share of Σ|R| in the lower half (tropical: of Σ exp(−R), its Viterbi image).
 *
 * The figure shows a few images with their relevance, and the semiring's ⊕ over all the images
 * (ℝ and ℕ as a mean): OR for 𝔹, max for Viterbi, min for tropical.
 */
import { loadTwoDigitMnist, type TwoDigitMnist } from '../nn/datasets/index.js';
import { evaluateModel } from '../nn/train/index.js';
import { loadShippedModel } from '../nn/zoo/index.js';
import {
  type FigureColumn,
  type FigurePanel,
  type FigureRow,
  figureGridPng,
  RELEVANCE_STYLES,
} from '../viz/index.js';
import { type ExperimentOptions, type ExperimentResult, experimentSeed } from './experiment.js';
import { KLRP_KEYS, KLRP_SET, type KlrpKey, relevanceOf } from './klrp-set.js';
import { firstOfEachClass, gather } from './masks.js';
import { phase, SILENT_PROGRESS } from './progress.js';

/** The shares of one semiring, as fractions of 1. */
export interface LowerHalfShares {
  readonly maskPixels: number;
  readonly relevance: number;
}

/** `dmnist.json`. */
export interface DmnistData {
  readonly settings: {
    readonly model: string;
    readonly testImages: number;
    readonly explainedPerClass: number;
    readonly explained: number;
    readonly dataSeed: number;
    readonly relevance: Record<KlrpKey, string>;
    readonly seed: number;
    readonly quick: boolean;
  };
  /** The shipped model's accuracy on the two-digit test images. */
  readonly accuracy: number;
  readonly lowerHalf: Record<KlrpKey, LowerHalfShares>;
  /** Per semiring, the ⊕ of the relevance over the explained images (ℝ, ℕ: the mean), 56 × 28. */
  readonly combined: Record<KlrpKey, number[]>;
}

/** The sizes of the full and the quick run. */
export const DMNIST_SIZES = {
  full: { testImages: 10_000, perClass: 30 },
  quick: { testImages: 500, perClass: 1 },
} as const;

const HEIGHT = 56;
const WIDTH = 28;
const PIXELS = HEIGHT * WIDTH;

/** Whether a relevance value is present (in the mask), and its strength, per semiring. */
const PRESENT: Record<KlrpKey, (r: number) => boolean> = {
  real: (r) => r !== 0,
  boolean: (r) => r > 0,
  counting: (r) => r > 0,
  viterbi: (r) => r > 0,
  tropical: (r) => Number.isFinite(r),
};
const STRENGTH: Record<KlrpKey, (r: number) => number> = {
  real: Math.abs,
  boolean: Math.abs,
  counting: Math.abs,
  viterbi: Math.abs,
  tropical: (r) => Math.exp(-r),
};

/** The shares of mask pixels and of relevance strength in the lower half of 56 × 28 maps. */
export function lowerHalfShares(maps: Float64Array, key: KlrpKey): LowerHalfShares {
  let maskAll = 0;
  let maskLower = 0;
  let strengthAll = 0;
  let strengthLower = 0;
  for (let i = 0; i < maps.length; i++) {
    const r = maps[i]!;
    const lower = i % PIXELS >= PIXELS / 2;
    if (PRESENT[key](r)) {
      maskAll++;
      if (lower) maskLower++;
    }
    const s = STRENGTH[key](r);
    strengthAll += s;
    if (lower) strengthLower += s;
  }
  return {
    maskPixels: maskAll > 0 ? maskLower / maskAll : 0,
    relevance: strengthAll > 0 ? strengthLower / strengthAll : 0,
  };
}

/** Each semiring's ⊕ over the images, pixel by pixel (ℝ and ℕ divided by the count). */
export function combineOverImages(maps: Float64Array, key: KlrpKey): number[] {
  const n = maps.length / PIXELS;
  const out = new Array<number>(PIXELS).fill(key === 'tropical' ? Number.POSITIVE_INFINITY : 0);
  for (let i = 0; i < maps.length; i++) {
    const p = i % PIXELS;
    const r = maps[i]!;
    if (key === 'real' || key === 'counting') out[p] = out[p]! + r / n;
    else if (key === 'tropical') out[p] = Math.min(out[p]!, r);
    else out[p] = Math.max(out[p]!, r);
  }
  return out;
}

/** Options of {@link dmnistExperiment}. */
export interface DmnistOptions extends ExperimentOptions {
  readonly test?: TwoDigitMnist;
}

/** Runs the two-digit experiment with the shipped dmnist MLP. */
export async function dmnistExperiment(options: DmnistOptions = {}): Promise<ExperimentResult<DmnistData>> {
  const seed = experimentSeed(options, 'dmnistExperiment');
  const quick = options.quick ?? false;
  const progress = options.progress ?? SILENT_PROGRESS;
  const sizes = quick ? DMNIST_SIZES.quick : DMNIST_SIZES.full;
  const test = options.test ?? loadTwoDigitMnist('test', { limit: sizes.testImages });
  const model = loadShippedModel('dmnist');
  const accuracy = await phase(progress, 'dmnist: accuracy', 1, () => evaluateModel(model, test).accuracy);
  const chosen = firstOfEachClass(test.labels, sizes.perClass).flat();
  const images = gather(test.images.data, chosen, PIXELS);
  const targets = chosen.map((i) => test.labels[i]!);
  const maps = await phase(progress, 'dmnist: relevance', KLRP_KEYS.length * chosen.length, () =>
    relevanceOf(model, images, targets, chosen.length, KLRP_SET, progress),
  );
  const lowerHalf = {} as Record<KlrpKey, LowerHalfShares>;
  const combined = {} as Record<KlrpKey, number[]>;
  for (const key of KLRP_KEYS) {
    lowerHalf[key] = lowerHalfShares(maps[key], key);
    combined[key] = combineOverImages(maps[key], key);
  }
  const data: DmnistData = {
    settings: {
      model: 'dmnist (1568-600-200-10, shipped)',
      testImages: test.labels.length,
      explainedPerClass: sizes.perClass,
      explained: chosen.length,
      dataSeed: test.seed,
      relevance: {
        real: 'composite report_mlp',
        boolean: 'composite epsilon, threshold:1e-9',
        counting: 'composite epsilon, threshold:1e-9',
        viterbi: 'composite epsilon, annotation viterbi',
        tropical: 'composite epsilon, annotation neglog',
      },
      seed,
      quick,
    },
    accuracy,
    lowerHalf,
    combined,
  };
  const examples = Math.min(4, chosen.length);
  return { data, figure: dmnistFigure(data, images, maps, examples) };
}

const TITLES: Record<KlrpKey, string> = {
  real: 'ℝ',
  boolean: '𝔹',
  counting: 'ℕ',
  viterbi: 'Viterbi',
  tropical: 'tropical',
};

/** The figure: `examples` images with their relevance per semiring, then the ⊕ over all of them. */
function dmnistFigure(
  data: DmnistData,
  images: Float32Array,
  maps: Record<KlrpKey, Float64Array>,
  examples: number,
): ReturnType<typeof figureGridPng> {
  const plane = (values: ArrayLike<number>, n = 0) => ({
    shape: [1, HEIGHT, WIDTH],
    data: Float64Array.from({ length: PIXELS }, (_, i) => values[n * PIXELS + i]!),
  });
  const columns: (string | FigureColumn)[] = [
    'input',
    ...KLRP_KEYS.map((key) => ({
      title: `${TITLES[key]} (lower ${(100 * data.lowerHalf[key].relevance).toFixed(1)} %)`,
      ...RELEVANCE_STYLES[key],
    })),
  ];
  const rows: FigureRow[] = Array.from({ length: examples }, (_, n) => ({
    label: `image ${n + 1}`,
    panels: [
      { image: plane(images, n) },
      ...KLRP_KEYS.map((key): FigurePanel => ({ relevance: plane(maps[key], n) })),
    ],
  }));
  rows.push({
    label: `⊕ of ${data.settings.explained}`,
    panels: [null, ...KLRP_KEYS.map((key): FigurePanel => ({ relevance: plane(data.combined[key]) }))],
  });
  return figureGridPng({ columns, rows, scale: 3, fontSize: 12, colorBars: 'panel' });
}

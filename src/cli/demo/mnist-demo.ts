/**
 * The MNIST part of the demo: the shipped MLP (784-300-100-10) on the first test digits, explained
 * in the K-LRP set from one trace — ℝ with the report's composite (report_mlp), 𝔹, ℕ, Viterbi and
 * tropical with the defaults of DESIGN.md §1b (composite `epsilon`, annotations threshold:1e-9,
 * viterbi, neglog) — and the figure grid of the report: input | ℝ | 𝔹 | ℕ | Viterbi | tropical,
 * one row per digit.
 */
import { bestPaths, compile, type Trace, type WitnessPath } from '../../circuits/index.js';
import { sizeOf } from '../../core/tensor.js';
import { loadMnist, type Mnist } from '../../nn/datasets/index.js';
import { argmaxPerSample } from '../../nn/lrp/index.js';
import { evaluateModel } from '../../nn/train/index.js';
import { loadShippedModel } from '../../nn/zoo/index.js';
import { type FigureGrid, type FigureGridSpec, figureGridPng, RELEVANCE_STYLES } from '../../viz/index.js';

/** The semirings of the figure, in column order, with their column titles and composites. */
export const DEMO_SEMIRINGS = [
  { semiring: 'real', title: 'ℝ (report_mlp)', composite: 'report_mlp' },
  { semiring: 'boolean', title: '𝔹 (d ≥ 1e-9)', composite: undefined },
  { semiring: 'counting', title: 'ℕ (paths)', composite: undefined },
  { semiring: 'viterbi', title: 'Viterbi', composite: undefined },
  { semiring: 'tropical', title: 'tropical', composite: undefined },
] as const;

/** The demo's explanation of the first `count` test digits. */
export interface DigitExplanations {
  readonly test: Mnist;
  readonly digits: {
    readonly images: Float32Array;
    readonly labels: number[];
    readonly predictions: number[];
  };
  readonly trace: Trace;
  /** Relevance per semiring, digit-major, as numbers (𝔹 as 0/1). */
  readonly relevance: Record<(typeof DEMO_SEMIRINGS)[number]['semiring'], Float64Array>;
  /** Milliseconds per digit, per semiring. */
  readonly msPerDigit: Record<(typeof DEMO_SEMIRINGS)[number]['semiring'], number>;
}

/** Explains the first `count` MNIST test digits with the shipped MLP in the K-LRP set. */
export function explainDigits(count: number, test: Mnist = loadMnist('test')): DigitExplanations {
  const model = loadShippedModel('mlp');
  const perImage = sizeOf(model.shapes.get(model.input)!);
  const images = test.images.data.slice(0, count * perImage);
  const trace = compile(model).trace({ shape: [count, 1, 28, 28], data: images });
  const relevance = {} as DigitExplanations['relevance'];
  const msPerDigit = {} as DigitExplanations['msPerDigit'];
  for (const { semiring, composite } of DEMO_SEMIRINGS) {
    const started = performance.now();
    const r = trace.relevance({ semiring, ...(composite ? { composite } : {}) });
    msPerDigit[semiring] = (performance.now() - started) / count;
    relevance[semiring] = r.data ?? Float64Array.from(r.values as number[]);
  }
  return {
    test,
    digits: {
      images,
      labels: Array.from(test.labels.subarray(0, count)),
      predictions: Array.from(argmaxPerSample(trace.activations.output)),
    },
    trace,
    relevance,
    msPerDigit,
  };
}

/** The figure grid of the explanations: input | ℝ | 𝔹 | ℕ | Viterbi | tropical, a row per digit. */
export function digitFigureSpec(explained: DigitExplanations): FigureGridSpec {
  const { digits, relevance } = explained;
  const plane = (data: ArrayLike<number>, n: number) => ({
    shape: [1, 28, 28],
    data: Float64Array.from({ length: 784 }, (_, i) => data[n * 784 + i]!),
  });
  return {
    columns: [
      'input',
      ...DEMO_SEMIRINGS.map(({ semiring, title }) => ({ title, ...RELEVANCE_STYLES[semiring] })),
    ],
    rows: digits.labels.map((label, n) => ({
      label: `${label} → ${digits.predictions[n]}`,
      panels: [
        { image: plane(digits.images, n) },
        ...DEMO_SEMIRINGS.map(({ semiring }) => ({ relevance: plane(relevance[semiring], n) })),
      ],
    })),
  };
}

/** Renders the figure grid (SVG and PNG). */
export const digitFigure = (explained: DigitExplanations): FigureGrid & { readonly png: Uint8Array } =>
  figureGridPng(digitFigureSpec(explained));

/** The shipped MLP's accuracy on the whole MNIST test set. */
export const testAccuracy = (test: Mnist): number => evaluateModel(loadShippedModel('mlp'), test).accuracy;

/** The best path of the pixel of digit `n` with the largest Viterbi relevance. */
export function strongestPixelPath(
  explained: DigitExplanations,
  n = 0,
): { pixel: number; path: WitnessPath } {
  const viterbi = explained.relevance.viterbi.subarray(n * 784, (n + 1) * 784);
  let pixel = 0;
  for (let i = 1; i < 784; i++) if (viterbi[i]! > viterbi[pixel]!) pixel = i;
  return { pixel, path: bestPaths(explained.trace, { sample: n }).path(pixel)! };
}

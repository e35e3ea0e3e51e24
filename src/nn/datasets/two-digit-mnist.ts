/**
 * Two-digit MNIST ("dmnist", PAPER.md): 56 × 28 images made of two MNIST digits stacked, the
 * digit on top giving the label and an independent digit below drawn at random (seeded) from the
 * same split. A network trained on it must learn to ignore the lower half, so relevance that falls
 * there measures how much an explanation strays from what the network uses.
 *
 * Image n of a split is the split's image n on top and image `partner[n]` below, with `partner`
 * drawn uniformly (with replacement) by `Rng(seed)`; the same seed gives the same data set.
 */
import { assertArgument } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { Tensor } from '../../core/tensor.js';
import { type LoadMnistOptions, loadMnist, type MnistSplit } from './mnist.js';

/** The shape of one two-digit image, channels first: [1, 56, 28]. */
export const TWO_DIGIT_IMAGE_SHAPE = [1, 56, 28] as const;

/** The default seed of each split's lower digits (different, so train and test pair differently). */
export const TWO_DIGIT_SEEDS = { train: 0x2d1, test: 0x2d2 } as const satisfies Record<MnistSplit, number>;

/** A two-digit split: images [N, 1, 56, 28] in [0, 1], the upper digit's label, the lower's index. */
export interface TwoDigitMnist {
  readonly images: Tensor<Float32Array>;
  readonly labels: Uint8Array;
  /** The label of the digit below (which the label ignores). */
  readonly lowerLabels: Uint8Array;
  /** Which image of the split was put below each image. */
  readonly partner: Int32Array;
  readonly split: MnistSplit;
  readonly seed: number;
}

/** Options of {@link loadTwoDigitMnist}: MNIST's, and the seed of the lower digits. */
export interface LoadTwoDigitMnistOptions extends LoadMnistOptions {
  readonly seed?: number;
}

/** Builds the two-digit data set of an MNIST split. */
export function loadTwoDigitMnist(split: MnistSplit, options: LoadTwoDigitMnistOptions = {}): TwoDigitMnist {
  const seed = options.seed ?? TWO_DIGIT_SEEDS[split];
  assertArgument(
    Number.isSafeInteger(seed),
    'loadTwoDigitMnist',
    () => `seed must be an integer, got ${seed}`,
  );
  const mnist = loadMnist(split, options);
  const n = mnist.labels.length;
  const rng = new Rng(seed);
  const partner = Int32Array.from({ length: n }, () => (n > 0 ? rng.int(0, n) : 0));
  const digit = 28 * 28;
  const data = new Float32Array(n * 2 * digit);
  for (let i = 0; i < n; i++) {
    data.set(mnist.images.data.subarray(i * digit, (i + 1) * digit), 2 * i * digit);
    const p = partner[i]!;
    data.set(mnist.images.data.subarray(p * digit, (p + 1) * digit), (2 * i + 1) * digit);
  }
  return {
    images: { shape: [n, ...TWO_DIGIT_IMAGE_SHAPE], data },
    labels: mnist.labels,
    lowerLabels: Uint8Array.from(partner, (p) => mnist.labels[p]!),
    partner,
    split,
    seed,
  };
}

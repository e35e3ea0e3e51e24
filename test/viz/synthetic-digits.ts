/**
 * Synthetic digits and relevance for figure tests: a "0" (a ring) and a "1" (a bar) on 28 × 28,
 * each with a positive blob (upper left) and a negative blob (lower right) of real relevance, the
 * Boolean map that thresholds the positive blob, path counts, Viterbi scores and their −log.
 */
import type { Tensor } from '../../src/core/tensor.js';

export const SIDE = 28;

/** A [1, 1, 28, 28] tensor with element (y, x) = f(y, x). */
export function map(f: (y: number, x: number) => number): Tensor<Float32Array> {
  const data = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) data[y * SIDE + x] = f(y, x);
  return { shape: [1, 1, SIDE, SIDE], data };
}

const gauss = (cy: number, cx: number, s: number) => (y: number, x: number) =>
  Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * s * s));

/** Where the blobs are centred, (row, column): positive relevance is there, negative here. */
export const POSITIVE_CENTRE = [9, 9] as const;
export const NEGATIVE_CENTRE = [19, 19] as const;

const ring = (y: number, x: number) => (Math.abs(Math.hypot(y - 14, x - 14) - 8) < 2 ? 1 : 0);
const bar = (y: number, x: number) => (Math.abs(x - 14) < 2 && y > 4 && y < 24 ? 1 : 0);

/** The synthetic views of one digit. */
export interface SyntheticDigit {
  readonly label: string;
  readonly input: Tensor;
  readonly real: Tensor;
  readonly boolean: { readonly shape: number[]; readonly data: Uint8Array };
  readonly counting: Tensor;
  readonly viterbi: Tensor;
  readonly tropical: Tensor;
}

/** The digits 0 and 1 with their synthetic relevance. */
export function syntheticDigits(): SyntheticDigit[] {
  return [
    { label: '0', digit: ring, strength: 2 },
    { label: '1', digit: bar, strength: 1 },
  ].map(({ label, digit, strength }) => {
    const pos = gauss(POSITIVE_CENTRE[0], POSITIVE_CENTRE[1], 3);
    const neg = gauss(NEGATIVE_CENTRE[0], NEGATIVE_CENTRE[1], 3);
    const vit = (y: number, x: number) => 0.01 * pos(y, x) ** 2;
    const positive = map(pos);
    return {
      label,
      input: map(digit),
      real: map((y, x) => strength * (pos(y, x) - neg(y, x))),
      boolean: { shape: [1, 1, SIDE, SIDE], data: Uint8Array.from(positive.data, (v) => (v > 0.3 ? 1 : 0)) },
      counting: map((y, x) => Math.round(2098 * pos(y, x) * Math.max(digit(y, x), 0.1))),
      viterbi: map(vit),
      tropical: map((y, x) => (vit(y, x) > 1e-12 ? -Math.log(vit(y, x)) : Number.POSITIVE_INFINITY)),
    };
  });
}

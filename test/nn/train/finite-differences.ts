/**
 * Checking the trainer's backward pass against central finite differences:
 *   ∂L/∂θ_i ≈ (L(θ + h·e_i) − L(θ − h·e_i)) / (2h),
 * with the loss (mean softmax cross-entropy) of the perturbed model computed by a float64 forward
 * pass, so that the numeric side carries no float32 rounding. Parameters are stored in float32, so
 * the step actually taken is the difference of the two stored values, not 2h.
 *
 * ReLU and max pooling are not differentiable everywhere: a coordinate whose perturbation changes
 * which ReLU inputs are positive or which tap wins a max-pool window has no meaningful central
 * difference, and is skipped (and counted).
 */
import { expect } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { type Activations, forward } from '../../../src/nn/forward.js';
import type { Model } from '../../../src/nn/graph.js';
import { maxPoolWinners } from '../../../src/nn/ops/index.js';
import { backward, GradientBuffers, softmaxCrossEntropy } from '../../../src/nn/train/index.js';

/** A batch for a gradient check: inputs in float64 and one label per sample. */
export interface GradientCase {
  readonly model: Model;
  readonly x: Float64Array;
  readonly shape: readonly number[];
  readonly labels: readonly number[];
}

/** What a gradient check found. */
export interface GradientReport {
  /** Coordinates compared. */
  readonly checked: number;
  /** Coordinates skipped because the perturbation crossed a kink. */
  readonly skipped: number;
}

/** A random batch of `batch` samples for a model, inputs uniform in [−1, 1). */
export function randomCase(model: Model, batch: number, seed: number): GradientCase {
  const rng = new Rng(seed);
  const perSample = model.shapes.get(model.input)!;
  const size = perSample.reduce((p, d) => p * d, 1);
  const classes = model.shapes.get(model.output)!.reduce((p, d) => p * d, 1);
  return {
    model,
    x: Float64Array.from({ length: batch * size }, () => rng.uniform(-1, 1)),
    shape: [batch, ...perSample],
    labels: Array.from({ length: batch }, () => rng.int(0, classes)),
  };
}

/** The non-differentiable choices of a forward pass: ReLU input signs and max-pool winners. */
function kinks(activations: Activations): string {
  const parts: string[] = [];
  for (const node of activations.model.nodes) {
    const x = activations.inputsOf(node)[0]!;
    if (node.op === 'relu') parts.push(Array.from(x.data, (v) => (v > 0 ? '1' : '0')).join(''));
    if (node.op === 'max_pool')
      parts.push(maxPoolWinners(node, x, activations.outputOf(node).shape).join(','));
  }
  return parts.join('|');
}

function loss64({ model, x, shape, labels }: GradientCase): { loss: number; kinks: string } {
  const activations = forward(model, { shape: [...shape], data: x }, { dtype: 'float64' });
  return { loss: softmaxCrossEntropy(activations.output, labels).loss, kinks: kinks(activations) };
}

/**
 * Expects every parameter gradient of the backward pass (float32 forward) to match the central
 * difference: per parameter tensor, max|analytic − numeric| ≤ rtol·max|numeric| + atol.
 */
export function expectGradientsMatch(
  c: GradientCase,
  { h = 1e-3, rtol = 1e-4, atol = 1e-7 } = {},
): GradientReport {
  const { model, x, shape, labels } = c;
  const activations = forward(model, { shape: [...shape], data: Float32Array.from(x) });
  const { gradient } = softmaxCrossEntropy(activations.output, labels);
  const buffers = new GradientBuffers(model, shape[0]!);
  backward(model, activations, gradient, buffers);
  const base = kinks(forward(model, { shape: [...shape], data: x }, { dtype: 'float64' }));
  // The backward pass differentiates the float32 forward pass: it must take the same branches.
  expect(kinks(activations), 'float32 and float64 forward passes choose the same branches').toBe(base);
  let checked = 0;
  let skipped = 0;
  for (const node of model.nodes)
    for (const [key, p] of Object.entries(node.params as Record<string, { data: Float32Array }>)) {
      const analytic = buffers.params.get(node.name)![key]!;
      const numeric = new Float64Array(p.data.length).fill(Number.NaN);
      for (let i = 0; i < p.data.length; i++) {
        const original = p.data[i]!;
        p.data[i] = original + h;
        const up = p.data[i]!;
        const lossUp = loss64(c);
        p.data[i] = original - h;
        const down = p.data[i]!;
        const lossDown = loss64(c);
        p.data[i] = original;
        if (lossUp.kinks !== base || lossDown.kinks !== base) {
          skipped++;
          continue;
        }
        numeric[i] = (lossUp.loss - lossDown.loss) / (up - down);
        checked++;
      }
      let scale = 0;
      let worst = 0;
      let at = -1;
      for (let i = 0; i < numeric.length; i++) {
        if (Number.isNaN(numeric[i])) continue;
        scale = Math.max(scale, Math.abs(numeric[i]!));
        const error = Math.abs(analytic[i]! - numeric[i]!);
        if (error > worst) [worst, at] = [error, i];
      }
      expect(
        worst,
        `${node.name}.${key}[${at}]: analytic ${analytic[at]}, numeric ${numeric[at]}`,
      ).toBeLessThanOrEqual(rtol * scale + atol);
    }
  return { checked, skipped };
}

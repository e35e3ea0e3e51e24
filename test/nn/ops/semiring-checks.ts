/**
 * Checks shared by the operator tests: the kernel evaluators equal the generic gate-level
 * evaluator on a model in ℝ, 𝔹, ℕ, Viterbi and tropical, at the output and at a given layer
 * (ℝ within 1e-10 of the largest value; Viterbi and tropical, whose layer forms reorder the
 * arithmetic, within 1e-6 relative; 𝔹 and ℕ exactly).
 */
import { expect } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import type { Tensor } from '../../../src/core/tensor.js';
import type { Model } from '../../../src/nn/graph.js';
import { expectSemiringValues } from '../../support/close.js';

/** The K-LRP semirings with a kernel. */
export const KERNEL_SEMIRINGS = ['real', 'boolean', 'counting', 'viterbi', 'tropical'] as const;

/** Expects kernel and generic evaluators to agree on `model` at `x` in every kernel semiring. */
export function expectKernelsMatchGeneric(
  model: Model,
  x: Tensor,
  layers: readonly (string | undefined)[] = [undefined],
): void {
  const trace = compile(model).trace(x, 'float64');
  for (const semiring of KERNEL_SEMIRINGS)
    for (const layer of layers) {
      const options = { semiring: semiring as never, ...(layer ? { layer } : {}) };
      const fast = trace.relevance(options);
      const slow = trace.relevance({ ...options, evaluator: 'generic' as const });
      expect(fast.shape).toEqual(slow.shape);
      if (semiring === 'real') {
        const scale = Math.max(1e-12, ...slow.values.map((v) => Math.abs(v as number)));
        fast.values.forEach((v, i) => {
          expect(Math.abs((v as number) - (slow.values[i] as number))).toBeLessThanOrEqual(1e-10 * scale);
        });
      } else expectSemiringValues({ name: semiring }, fast.values, slow.values);
    }
}

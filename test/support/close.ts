/**
 * How the kernels' fast forms are compared with their reference twins (the generic evaluator, or
 * the per-edge loop): Viterbi and tropical within 1e-6 relative (values within 1e-12 of 0 count as
 * 0; infinities equal), everything else (0/1 flags, path counts, symbolic values) exactly.
 */
import { expect } from 'vitest';

/** Whether a semiring's fast forms reorder its arithmetic (so that only closeness is claimed). */
export const reorders = (semiring: { name: string }): boolean =>
  semiring.name === 'viterbi' || semiring.name === 'tropical';

/** Expects `got` to be `reference`, up to the semiring's tolerance (see the file header). */
export function expectSemiringValues(
  semiring: { name: string },
  got: readonly unknown[],
  reference: readonly unknown[],
): void {
  if (!reorders(semiring)) {
    expect(got).toEqual(reference);
    return;
  }
  expect(got.length).toBe(reference.length);
  got.forEach((v, i) => {
    const a = v as number;
    const b = reference[i] as number;
    if (!Number.isFinite(a) || !Number.isFinite(b)) expect(a).toBe(b);
    else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12);
  });
}

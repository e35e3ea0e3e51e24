/**
 * The stabiliser of LRP's denominators, defined once.
 *
 * - `zennit` (zennit's `stabilize`, the default): stab(z) = z + ε·(sign(z) + [z = 0]), so z = 0
 *   counts as positive and |stab(z)| ≥ ε.
 * - `plus` (the report's): stab(z) = z + ε.
 *
 * ε is `fixed`, or `rms`: ε·RMS(z), the root mean square of the sample's denominators over the
 * layer (bias included), as the report's ε = 0.1·RMS(z) and zennit's `norm_scale` option.
 * A stabilised denominator of exactly 0 (ε = 0 and z = 0) passes no relevance: its share is
 * dropped rather than turned into NaN.
 */
import { assertArgument } from '../../core/errors.js';
import type { FloatArray } from '../../core/tensor.js';

/** How a rule stabilises its denominators. */
export interface Stabilizer {
  readonly epsilon: number;
  readonly variant: 'zennit' | 'plus';
  readonly scale: 'fixed' | 'rms';
}

/** zennit's stabiliser with ε = 1e-6: the default of every rule. */
export const DEFAULT_STABILIZER: Stabilizer = { epsilon: 1e-6, variant: 'zennit', scale: 'fixed' };

/** A stabiliser from a rule's options, validated. */
export function stabilizer(
  where: string,
  epsilon: number,
  variant: Stabilizer['variant'] = 'zennit',
  scale: Stabilizer['scale'] = 'fixed',
): Stabilizer {
  assertArgument(
    Number.isFinite(epsilon) && epsilon >= 0,
    where,
    () => `epsilon must be ≥ 0, got ${epsilon}`,
  );
  assertArgument(variant === 'zennit' || variant === 'plus', where, () => `unknown stabilizer "${variant}"`);
  assertArgument(scale === 'fixed' || scale === 'rms', where, () => `epsilon scale must be fixed or rms`);
  return { epsilon, variant, scale };
}

/** stab(z) for one value with an effective ε. */
export function stabilize(z: number, epsilon: number, variant: Stabilizer['variant']): number {
  return variant === 'plus' ? z + epsilon : z + (z >= 0 ? epsilon : -epsilon);
}

/**
 * Replaces each denominator z of `denominators` (batch-major, `perSample` values per sample) by
 * 1/stab(z), or by 0 where stab(z) = 0.
 */
export function invertStabilized(denominators: FloatArray, perSample: number, s: Stabilizer): void {
  const samples = perSample > 0 ? denominators.length / perSample : 0;
  for (let n = 0; n < samples; n++) {
    const base = n * perSample;
    let epsilon = s.epsilon;
    if (s.scale === 'rms') {
      let squares = 0;
      for (let i = 0; i < perSample; i++) squares += denominators[base + i]! ** 2;
      epsilon *= Math.sqrt(squares / perSample);
    }
    for (let i = 0; i < perSample; i++) {
      const d = stabilize(denominators[base + i]!, epsilon, s.variant);
      denominators[base + i] = d === 0 ? 0 : 1 / d;
    }
  }
}

/**
 * LRP-zᴮ (Montavon et al., 2017; zennit `ZBox`) for bounded inputs l ≤ a ≤ h:
 * z_k = f(a; W, b) − f(l; W⁺, b⁺) − f(h; W⁻, b⁻) and d_jk = (a_j w_jk − l_j w⁺_jk − h_j w⁻_jk) / stab(z_k).
 * Bounds are scalars, or tensors shaped like the layer input or with one value per channel.
 */
import { InvalidArgumentError } from '../../../core/errors.js';
import { identityParam, negativePart, positivePart } from '../modifiers.js';
import { type Bound, basicRule, group, type LinearRule, term } from '../rule.js';
import { stabilizer as makeStabilizer, type Stabilizer } from '../stabilizer.js';

/** Options of `zBox`. */
export interface ZBoxOptions {
  readonly low?: Bound;
  readonly high?: Bound;
  readonly stabilizer?: number;
  readonly stabilizerVariant?: Stabilizer['variant'];
}

/** The LRP-zᴮ rule (default bounds 0 and 1). */
export function zBox({
  low = 0,
  high = 1,
  stabilizer = 1e-6,
  stabilizerVariant = 'zennit',
}: ZBoxOptions = {}): LinearRule {
  assertBoxBounds(low, high, 'zBox');
  const name = `zbox(${typeof low === 'number' ? low : 'tensor'},${typeof high === 'number' ? high : 'tensor'})`;
  return basicRule(name, {
    groups: [
      group([
        term('identity', identityParam, identityParam),
        term('low', positivePart, positivePart, -1),
        term('high', negativePart, negativePart, -1),
      ]),
    ],
    stabilizer: makeStabilizer(name, stabilizer, stabilizerVariant),
    low,
    high,
  });
}

/**
 * Throws unless l < h wherever both bounds are given (scalars, or tensors element by element; a
 * scalar against each element of a tensor): zᴮ's root point search needs a non-empty box.
 */
export function assertBoxBounds(low: Bound, high: Bound, where: string): void {
  const values = (b: Bound): ArrayLike<number> => (typeof b === 'number' ? [b] : b.data);
  const l = values(low);
  const h = values(high);
  const n = Math.max(l.length, h.length);
  if (l.length !== 1 && h.length !== 1 && l.length !== h.length) return; // per-channel against full: shapes decide later
  for (let i = 0; i < n; i++) {
    const li = l[l.length === 1 ? 0 : i]!;
    const hi = h[h.length === 1 ? 0 : i]!;
    if (!(li < hi))
      throw new InvalidArgumentError(
        where,
        `the lower bound ${li} is not below the upper bound ${hi}${n > 1 ? ` (element ${i})` : ''}; ` +
          'give low < high (the range of the inputs, e.g. 0 and 1)',
      );
  }
}

/**
 * LRP-zᴮ (Montavon et al., 2017; zennit `ZBox`) for bounded inputs l ≤ a ≤ h:
 * z_k = f(a; W, b) − f(l; W⁺, b⁺) − f(h; W⁻, b⁻) and d_jk = (a_j w_jk − l_j w⁺_jk − h_j w⁻_jk) / stab(z_k).
 * Bounds are scalars, or tensors shaped like the layer input or with one value per channel.
 */
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

/**
 * LRP-z⁺ (zennit `ZPlus`, αβ with α = 1, β = 0 that also allows negative inputs):
 * z_k = Σ_j a⁺_j w⁺_jk + b⁺_k + Σ_j a⁻_j w⁻_jk, d_jk = (a⁺_j w⁺_jk + a⁻_j w⁻_jk) / stab(z_k);
 * the bias enters the first term only.
 */
import { negativePart, positivePart, zeroParam } from '../modifiers.js';
import { basicRule, group, type LinearRule, term } from '../rule.js';
import { stabilizer as makeStabilizer, type Stabilizer } from '../stabilizer.js';

/** The LRP-z⁺ rule; `stabilizer` is its ε (default 1e-6). */
export function zPlus({ stabilizer = 1e-6, variant = 'zennit' as Stabilizer['variant'] } = {}): LinearRule {
  return basicRule('zplus', {
    groups: [
      group([term('positive', positivePart, positivePart), term('negative', negativePart, zeroParam)]),
    ],
    stabilizer: makeStabilizer('zplus', stabilizer, variant),
  });
}

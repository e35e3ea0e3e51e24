/**
 * LRP-αβ (Bach et al., 2015; zennit `AlphaBeta`): α times the positive contributions (as z⁺:
 * a⁺w⁺ with b⁺, and a⁻w⁻) minus β times the negative ones (a⁺w⁻ with b⁻, and a⁻w⁺), each over its
 * own stabilised denominator. α, β ≥ 0 and α − β = 1, so relevance is conserved.
 */
import { InvalidArgumentError } from '../../../core/errors.js';
import { negativePart, positivePart, zeroParam } from '../modifiers.js';
import { basicRule, group, type LinearRule, term } from '../rule.js';
import { stabilizer as makeStabilizer } from '../stabilizer.js';

/** The LRP-αβ rule (default α = 2, β = 1). */
export function alphaBeta({ alpha = 2, beta = 1, stabilizer = 1e-6 } = {}): LinearRule {
  const name = `alphabeta(${alpha},${beta})`;
  if (!(alpha >= 0 && beta >= 0))
    throw new InvalidArgumentError(name, `alpha and beta must both be ≥ 0, got α = ${alpha}, β = ${beta}`);
  if (alpha - beta !== 1)
    throw new InvalidArgumentError(
      name,
      `alpha − beta must equal 1 (got ${alpha - beta}); e.g. α = 2, β = 1`,
    );
  return basicRule(name, {
    groups: [
      group([term('positive', positivePart, positivePart), term('negative', negativePart, zeroParam)], alpha),
      group([term('positive', negativePart, negativePart), term('negative', positivePart, zeroParam)], -beta),
    ],
    stabilizer: makeStabilizer(name, stabilizer),
  });
}

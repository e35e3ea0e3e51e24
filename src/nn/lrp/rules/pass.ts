/**
 * Rules that are not linear in the coefficients' sense: `pass` (zennit `Pass`: relevance passes
 * unchanged; activations, reshapes, padding, concatenation, unmerged BatchNorm) and the max-pooling
 * variants of DESIGN.md §1b: `winner` (zennit's plain gradient: all relevance to the window's first
 * maximum in row-major order), `proportional` (a_j·R_k / stab(Σ_window a)) and `average` (the
 * report's VGG code: max-pooling replaced by average pooling in the backward pass).
 */
import { InvalidArgumentError } from '../../../core/errors.js';
import type { MaxPoolRule, PassRule } from '../rule.js';
import { stabilizer as makeStabilizer } from '../stabilizer.js';

/** The pass rule. */
export const pass = (): PassRule => ({ kind: 'pass', name: 'pass' });

/** A max-pooling rule (default `winner`). */
export function maxPool(variant: MaxPoolRule['variant'] = 'winner', { stabilizer = 1e-6 } = {}): MaxPoolRule {
  if (variant !== 'winner' && variant !== 'proportional' && variant !== 'average')
    throw new InvalidArgumentError(
      'maxPool',
      `variant must be winner, proportional or average, got ${String(variant)}`,
    );
  return {
    kind: 'max_pool',
    name: `max_pool(${variant})`,
    variant,
    stabilizer: makeStabilizer('maxPool', stabilizer),
  };
}

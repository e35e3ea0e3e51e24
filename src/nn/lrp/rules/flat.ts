/**
 * LRP-flat (Lapuschkin et al., 2019; zennit `Flat`) and LRP-w² (Montavon et al., 2017; zennit
 * `WSquare`): inputs are replaced by ones, so relevance ignores the activations.
 * - flat: weights 1, bias 0: z_k counts the in-bounds taps of output k (fewer at padded borders)
 *   and d_jk = 1 / stab(z_k);
 * - w²: weights and bias squared: d_jk = w_jk² / stab(Σ_j w_jk² + b_k²).
 */
import { oneParam, squareParam, zeroParam } from '../modifiers.js';
import { basicRule, group, type LinearRule, term } from '../rule.js';
import { stabilizer as makeStabilizer } from '../stabilizer.js';

/** The LRP-flat rule. */
export const flat = ({ stabilizer = 1e-6 } = {}): LinearRule =>
  basicRule('flat', {
    groups: [group([term('ones', oneParam, zeroParam)])],
    stabilizer: makeStabilizer('flat', stabilizer),
  });

/** The LRP-w² rule. */
export const wSquare = ({ stabilizer = 1e-6 } = {}): LinearRule =>
  basicRule('wsquare', {
    groups: [group([term('ones', squareParam, squareParam)])],
    stabilizer: makeStabilizer('wsquare', stabilizer),
  });

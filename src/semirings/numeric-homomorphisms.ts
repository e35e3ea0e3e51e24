/**
 * Homomorphisms between the numeric semirings (DESIGN.md §1's consequences):
 *   counting → boolean      n ↦ n > 0            (is there a path? on counts ≥ 0)
 *   viterbi → tropical      v ↦ −log v           (0 ↦ +∞; max ↦ min, × ↦ +)
 *   tropical → viterbi      c ↦ exp(−c)          (+∞ ↦ 0; on costs c ≥ 0, which −log of [0, 1] gives)
 * The last two are inverse to each other on their domains. In floating point, −log and exp round,
 * so ⊗ is preserved up to a tolerance (`approxEquals`), and only while Viterbi's products do not
 * underflow (below about 1e-308 they reach 0 where the costs stay finite: the reason for tropical).
 */
import { assertArgument } from '../core/errors.js';
import { boolean } from './boolean.js';
import { counting } from './counting.js';
import type { Homomorphism } from './homomorphism.js';
import { tropical } from './tropical.js';
import { viterbi } from './viterbi.js';

/** counting → boolean: whether a count of paths is positive. */
export const countingToBoolean: Homomorphism<number, boolean> = {
  name: 'counting_to_boolean',
  from: counting,
  to: boolean,
  map: (n) => {
    assertArgument(n >= 0, 'countingToBoolean', () => `count ${n} must be a non-negative number`);
    return n > 0;
  },
};

/** viterbi → tropical: v ↦ −log v, the cost of a path of strength v. */
export const viterbiToTropical: Homomorphism<number, number> = {
  name: 'viterbi_to_tropical',
  from: viterbi,
  to: tropical,
  map: (v) => {
    assertArgument(v >= 0 && v <= 1, 'viterbiToTropical', () => `value ${v} must be in [0, 1]`);
    // 0 − log v rather than −log v: −log 1 would be −0.
    return 0 - Math.log(v);
  },
};

/** tropical → viterbi: c ↦ exp(−c), on costs c ≥ 0 (+∞ ↦ 0). */
export const tropicalToViterbi: Homomorphism<number, number> = {
  name: 'tropical_to_viterbi',
  from: tropical,
  to: viterbi,
  map: (c) => {
    assertArgument(
      c >= 0,
      'tropicalToViterbi',
      () => `cost ${c} must be non-negative (−log of a Viterbi value in [0, 1]) to map into Viterbi`,
    );
    return Math.exp(-c);
  },
};

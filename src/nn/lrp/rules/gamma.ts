/**
 * LRP-γ, in two variants (DESIGN.md §1b):
 *
 * - `generalised` (zennit `Gamma`, the default): with Wp = W + γW⁺ and Wn = W + γW⁻ (biases
 *   alike), zp = f(a⁺; Wp, bp) + f(a⁻; Wn, 0) serves outputs whose own z > 0 and
 *   zn = f(a⁺; Wn, bn) + f(a⁻; Wp, 0) those with z < 0; outputs with z = 0 pass nothing.
 * - `classic` (Montavon et al., 2019; the report's): d_jk = a_j ρ(w_jk) / stab(Σ_j a_j ρ(w_jk) + ρ(b_k))
 *   with ρ(w) = w + γw⁺, for every output.
 */
import { InvalidArgumentError } from '../../../core/errors.js';
import { gammaParam, zeroParam } from '../modifiers.js';
import { basicRule, group, type LinearRule, term } from '../rule.js';
import { stabilizer as makeStabilizer, type Stabilizer } from '../stabilizer.js';

/** Options of `gamma`. */
export interface GammaOptions {
  readonly gamma?: number;
  readonly variant?: 'generalised' | 'classic';
  /** The stabiliser's ε (default 1e-6). */
  readonly stabilizer?: number;
  readonly stabilizerVariant?: Stabilizer['variant'];
}

/** The LRP-γ rule (default γ = 0.25, generalised). */
export function gamma({
  gamma: g = 0.25,
  variant = 'generalised',
  stabilizer = 1e-6,
  stabilizerVariant = 'zennit',
}: GammaOptions = {}): LinearRule {
  const name = `gamma(${g}${variant === 'classic' ? ',classic' : ''})`;
  if (!(Number.isFinite(g) && g >= 0)) throw new InvalidArgumentError(name, `gamma must be ≥ 0, got ${g}`);
  const stab = makeStabilizer(name, stabilizer, stabilizerVariant);
  const wp = gammaParam(g, 'positive');
  const wn = gammaParam(g, 'negative');
  if (variant === 'classic')
    return basicRule(name, { groups: [group([term('identity', wp, wp)])], stabilizer: stab });
  if (variant !== 'generalised')
    throw new InvalidArgumentError(name, `variant must be generalised or classic, got ${String(variant)}`);
  return basicRule(name, {
    groups: [
      group([term('positive', wp, wp), term('negative', wn, zeroParam)], 1, 'positive'),
      group([term('positive', wn, wn), term('negative', wp, zeroParam)], 1, 'negative'),
    ],
    stabilizer: stab,
  });
}

/**
 * LRP rules (DESIGN.md §1): every rule gives a layer's coefficients d_jk, and relevance flows as
 * R_j = Σ_k d_jk R_k. Three kinds:
 *
 * - `linear` rules (zennit's `BasicHook`) for layers linear in their input plus a bias (dense,
 *   conv, average pooling). A rule is a list of *groups*, each a list of *terms*; term t feeds the
 *   layer the modified input in_t(a) with modified parameters w_t, b_t, producing z_t. Then
 *     d_jk = Σ_g scale_g · [select_g(z_k)] / stab(Σ_{t∈g} sign_t z_t,k) · Σ_{t∈g} sign_t in_t(a_j) w_t(w_jk),
 *   where select_g tests the sign of the layer's own output z_k (gamma) or is always true.
 *   Epsilon is one group of one term; zᴮ one group of three terms with signs (+, −, −); αβ two
 *   groups with scales α and −β.
 * - `pass`: relevance passes unchanged (activations, reshapes, unmerged BatchNorm, …).
 * - `max_pool`: `winner` (all to the window's first maximum), `proportional` (split by input
 *   value over the window, a·R/stab(Σ a)), or `average` (max-pooling replaced by average pooling).
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import type { InputModifier, ParamModifier } from './modifiers.js';
import { DEFAULT_STABILIZER, type Stabilizer } from './stabilizer.js';

/** One term of a linear rule. */
export interface RuleTerm {
  readonly input: InputModifier;
  readonly weight: ParamModifier;
  readonly bias: ParamModifier;
  readonly sign: 1 | -1;
}

/** A group of terms sharing one stabilised denominator. */
export interface RuleGroup {
  readonly terms: readonly RuleTerm[];
  /** The group's factor in the sum of groups (α, −β for αβ; 1 otherwise). */
  readonly scale: number;
  /** Which outputs the group serves, by the sign of the layer's own output z_k. */
  readonly select: 'all' | 'positive' | 'negative';
}

/** A bound of zᴮ: a scalar, or a tensor shaped like the layer input or one value per channel. */
export type Bound = number | Tensor;

/** A rule for layers linear in their input (see the file header). */
export interface LinearRule {
  readonly kind: 'linear';
  /** The rule's name with its parameters, e.g. `epsilon(1e-6)`. */
  readonly name: string;
  readonly groups: readonly RuleGroup[];
  readonly stabilizer: Stabilizer;
  /** zᴮ's bounds, for terms whose input is `low` or `high`. */
  readonly low?: Bound;
  readonly high?: Bound;
}

/** Relevance passes unchanged (zennit's `Pass`; also the plain gradient of reshapes). */
export interface PassRule {
  readonly kind: 'pass';
  readonly name: 'pass';
}

/** How max-pooling passes relevance (DESIGN.md §1b). */
export interface MaxPoolRule {
  readonly kind: 'max_pool';
  readonly name: string;
  readonly variant: 'winner' | 'proportional' | 'average';
  readonly stabilizer: Stabilizer;
}

/** Any rule. */
export type Rule = LinearRule | PassRule | MaxPoolRule;

/** The parts of a linear rule that `basicRule` fills in. */
export interface BasicRuleSpec {
  readonly groups: readonly RuleGroup[];
  readonly stabilizer?: Stabilizer;
  readonly low?: Bound;
  readonly high?: Bound;
}

/** Builds a linear rule (zennit's `BasicHook`), checking that it is well formed. */
export function basicRule(name: string, spec: BasicRuleSpec): LinearRule {
  if (spec.groups.length === 0 || spec.groups.some((g) => g.terms.length === 0))
    throw new InvalidArgumentError(
      `rule ${name}`,
      'a linear rule needs at least one group of at least one term',
    );
  const bounds = spec.groups.flatMap((g) => g.terms).map((t) => t.input);
  if (
    (bounds.includes('low') && spec.low === undefined) ||
    (bounds.includes('high') && spec.high === undefined)
  )
    throw new InvalidArgumentError(
      `rule ${name}`,
      'terms with input low or high need the bounds low and high',
    );
  return {
    kind: 'linear',
    name,
    groups: spec.groups,
    stabilizer: spec.stabilizer ?? DEFAULT_STABILIZER,
    ...(spec.low !== undefined ? { low: spec.low } : {}),
    ...(spec.high !== undefined ? { high: spec.high } : {}),
  };
}

/** A term (shorthand for rule files). */
export const term = (
  input: InputModifier,
  weight: ParamModifier,
  bias: ParamModifier,
  sign: 1 | -1 = 1,
): RuleTerm => ({ input, weight, bias, sign });

/** A group that serves every output with scale 1 (shorthand for rule files). */
export const group = (
  terms: readonly RuleTerm[],
  scale = 1,
  select: RuleGroup['select'] = 'all',
): RuleGroup => ({
  terms,
  scale,
  select,
});

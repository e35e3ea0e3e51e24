/**
 * Relevance through a linear layer under a linear rule, in the factored form (DESIGN.md §4):
 * per group g, s = scale_g · [select_g] · R / stab(Σ_t sign_t z_t), then for each term
 * R_in += sign_t · in_t(a) ⊙ f_tᵀ(s).
 *
 * The per-layer *statistics* — each group's factor scale_g·[select_g]/stab(z_g) per output and
 * each term's modified input — depend on the input but not on the relevance, so they are computed
 * once (`linearStatistics`) and serve any number of relevance vectors (`propagateLinear`).
 */
import { ShapeError } from '../../core/errors.js';
import { allocate, type DType, type FloatArray, sizeOf, type Tensor } from '../../core/tensor.js';
import { accumulate, accumulateProduct } from './accumulate.js';
import type { LinearLayer } from './linear-layer.js';
import { negativePart, type ParamModifier, positivePart } from './modifiers.js';
import type { Bound, LinearRule } from './rule.js';
import { invertStabilized } from './stabilizer.js';

/** One term's part of the statistics. */
export interface TermStatistics {
  /** in_t(a), the modified input (batch, input-shaped). */
  readonly input: FloatArray;
  readonly weight: ParamModifier;
  readonly sign: 1 | -1;
  /** Whether in_t is all ones (then R_in += f_tᵀ(s) needs no product). */
  readonly ones: boolean;
  /** Whether in_t(a) is 0 everywhere (a⁻ after a ReLU): the term contributes nothing. */
  readonly zero: boolean;
}

/** One group's part of the statistics. */
export interface GroupStatistics {
  /** scale_g · [select_g(z_k)] / stab(z_g,k) per output element (batch, output-shaped). */
  readonly factor: FloatArray;
  readonly terms: readonly TermStatistics[];
}

/** A linear layer's rule statistics for one batch. */
export interface LinearStatistics {
  readonly layer: LinearLayer;
  readonly rule: LinearRule;
  readonly batch: number;
  readonly dtype: DType;
  readonly groups: readonly GroupStatistics[];
}

/**
 * The statistics of `rule` on `layer` for the batch input `a` whose layer output (bias included)
 * is `z`.
 */
export function linearStatistics(
  layer: LinearLayer,
  rule: LinearRule,
  a: Tensor,
  z: Tensor,
): LinearStatistics {
  const batch = a.shape[0]!;
  const dtype: DType = a.data instanceof Float64Array ? 'float64' : 'float32';
  const perOut = sizeOf(layer.outputShape);
  const inputs = new Map<string, FloatArray>();
  const modified = (modifier: RuleTermInput): FloatArray => {
    let data = inputs.get(modifier);
    if (data === undefined) {
      data = modifiedInput(modifier, a, layer, rule, dtype);
      inputs.set(modifier, data);
    }
    return data;
  };
  const groups = rule.groups.map((group) => {
    const denominator = allocate(dtype, batch * perOut);
    let fresh = true; // the denominator is still all +0
    const terms = group.terms.map((t) => {
      const input = modified(t.input);
      const zero = t.input !== 'ones' && allZero(input);
      // NOTE: a term with a zero input and a zero bias has z_t = 0 exactly: skip its forward pass
      // (z⁺, αβ and γ feed a⁻ to half their terms, and a⁻ is 0 after every ReLU).
      if (!(zero && t.bias.name === 'zero')) {
        // NOTE: an unmodified term (ε, LRP-0, norm) is the layer's own output z: no second pass.
        const unmodified =
          t.input === 'identity' && t.weight.name === 'identity' && t.bias.name === 'identity';
        const zt =
          unmodified && z.data.length === denominator.length
            ? z.data
            : layer.forward(input, batch, t.weight, t.bias, dtype);
        accumulate(denominator, t.sign, zt, fresh);
        fresh = false;
      }
      return { input, weight: t.weight, sign: t.sign, ones: t.input === 'ones', zero };
    });
    invertStabilized(denominator, perOut, rule.stabilizer);
    selectAndScale(denominator, z.data, group.select, group.scale);
    return { factor: denominator, terms };
  });
  return { layer, rule, batch, dtype, groups };
}

/**
 * factor_k = scale · [select(z_k)] · factor_k. NOTE: one loop per selection, without a test per
 * element where every output is kept (ε, z⁺, flat: all but αβ) and nothing to do at scale 1.
 */
function selectAndScale(
  factor: FloatArray,
  z: FloatArray,
  select: LinearRule['groups'][number]['select'],
  scale: number,
): void {
  if (select === 'all') {
    if (scale !== 1) for (let i = 0; i < factor.length; i++) factor[i] = scale * factor[i]!;
    return;
  }
  const positive = select === 'positive';
  for (let i = 0; i < factor.length; i++) {
    const keep = positive ? z[i]! > 0 : z[i]! < 0;
    factor[i] = keep ? scale * factor[i]! : 0;
  }
}

/** R_in for the output relevance `R` (batch, output-shaped), from precomputed statistics. */
export function propagateLinear(stats: LinearStatistics, R: FloatArray): FloatArray {
  const { layer, batch, dtype } = stats;
  const rIn = allocate(dtype, batch * sizeOf(layer.inputShape));
  const c = allocate(dtype, rIn.length);
  const s = allocate(dtype, R.length);
  // NOTE: rIn and c are written, not added to, while they are still all +0 (accumulate.ts): a
  // fresh array is neither read nor cleared.
  let freshIn = true;
  let freshC = true;
  for (const group of stats.groups) {
    scaleInto(s, group.factor, R);
    for (const t of group.terms) {
      if (t.zero) continue; // in_t(a) ⊙ anything is 0
      if (!freshC) c.fill(0);
      freshC = false;
      layer.adjoint(s, t.weight, c);
      if (t.ones) accumulate(rIn, t.sign, c, freshIn);
      else accumulateProduct(rIn, t.sign, t.input, c, freshIn);
      freshIn = false;
    }
  }
  return rIn;
}

/** s = f ⊙ R. */
function scaleInto(s: FloatArray, f: FloatArray, R: FloatArray): void {
  for (let i = 0; i < s.length; i++) s[i] = f[i]! * R[i]!;
}

type RuleTermInput = LinearRule['groups'][number]['terms'][number]['input'];

/**
 * in_t(a) for the whole batch. NOTE: the identity, and a⁺ of an input without negative elements
 * (every input after a ReLU), is the activation itself, shared and never written to: statistics
 * only read their inputs.
 */
function modifiedInput(
  modifier: RuleTermInput,
  a: Tensor,
  layer: LinearLayer,
  rule: LinearRule,
  dtype: DType,
): FloatArray {
  const data = a.data;
  if (data instanceof (dtype === 'float64' ? Float64Array : Float32Array)) {
    if (modifier === 'identity') return data;
    if (modifier === 'positive' && !hasNegative(data)) return data;
  }
  const out = allocate(dtype, data.length);
  switch (modifier) {
    case 'identity':
      out.set(data);
      return out;
    case 'positive':
      positivePart.applyAll!(data, out);
      return out;
    case 'negative':
      negativePartInto(data, out);
      return out;
    case 'ones':
      return out.fill(1);
    case 'low':
    case 'high':
      return fillBound(out, modifier === 'low' ? rule.low! : rule.high!, layer, rule.name);
    default: {
      const unreachable: never = modifier;
      return unreachable;
    }
  }
}

/** Whether an element is below 0 (NaN is not). */
function hasNegative(data: FloatArray): boolean {
  for (let i = 0; i < data.length; i++) if (data[i]! < 0) return true;
  return false;
}

/** Whether every element is 0 (either sign). */
function allZero(data: FloatArray): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}

/**
 * out = a⁻ = min(a, 0), `out` fresh (all +0). NOTE: after a ReLU no element is below 0 (nor NaN)
 * and a⁻ is ±0: only its −0 are written, in the pass that finds no negative element.
 */
function negativePartInto(data: FloatArray, out: FloatArray): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= 0)) {
      negativePart.applyAll!(data, out);
      return;
    }
    if (Object.is(v, -0)) out[i] = -0;
  }
}

/**
 * A bound spread over the batch: a scalar everywhere, a tensor of the layer input's per-sample
 * shape repeated per sample, or one value per channel (axis 0 of the per-sample shape).
 */
function fillBound(out: FloatArray, bound: Bound, layer: LinearLayer, rule: string): FloatArray {
  if (typeof bound === 'number') return out.fill(bound);
  const perSample = sizeOf(layer.inputShape);
  const channels = layer.inputShape[0] ?? 1;
  const values = bound.data;
  if (values.length === perSample) {
    for (let i = 0; i < out.length; i++) out[i] = values[i % perSample]!;
    return out;
  }
  if (values.length === channels) {
    const plane = perSample / channels;
    for (let i = 0; i < out.length; i++) out[i] = values[Math.floor((i % perSample) / plane)]!;
    return out;
  }
  throw new ShapeError(
    `${rule} bounds for layer "${layer.node.layer}"`,
    `a scalar, [${layer.inputShape.join(', ')}] or [${channels}] (per channel)`,
    `[${bound.shape.join(', ')}]`,
  );
}

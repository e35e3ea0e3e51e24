/**
 * A linear layer's K-LRP step all at once (DESIGN.md §4), for the semirings whose kernel names a
 * layer form: the per-edge update R_j ← R_j ⊕ Θ(d_jk) ⊗ R_k over every edge of a dense or
 * convolution layer, computed by the array kernels of `src/kernels/semiring-linear.ts` over the
 * whole batch instead of one closure call per edge.
 *
 * It holds for a rule with one group and one term whose input is not 0 everywhere, that is
 * d_jk = f_k · σ · in(a_j) · w'(w_jk) (ε, LRP-0, z⁺ after a ReLU, w², flat):
 * - Viterbi: Θ_jk = |d_jk| / max_j' |d_j'k| = |in_j w'_jk| / m_k (f_k cancels), so
 *   R_j = |in_j| · max_k |w'_jk| R_k / m_k, with m_k from one max-times pass;
 * - tropical: −log of that, R_j = min_k (R_k + log m_k − log |w'_jk|) − log |in_j|, as a max-times
 *   pass over exp(shift − R_k − log m_k) in bands of 600 nats (no exp underflows to 0);
 * - 𝔹 and ℕ under `threshold:T` (or `abs_threshold:T`): the test d ≥ T with d computed exactly as
 *   the per-edge coefficient is (f_k · ((σ · in_j) · w'_jk)), so the results are identical.
 * Everything else (several groups or terms: zᴮ, γ, αβ; pooling; a layer behind a Pad of its own)
 * returns false and the caller runs the per-edge loop.
 */
import type { FloatArray } from '../../core/tensor.js';
import {
  type LinearShape,
  linearSizes,
  maxAbsForward,
  maxTimesAdjoint,
  thresholdAdjoint,
} from '../../kernels/semiring-linear.js';
import type { AnyNode } from '../../nn/graph.js';
import { axes2d } from '../../nn/ops/window.js';
import type { NodeCoefficients } from '../coefficients.js';
import type { CircuitStep } from '../plan.js';

/** What a layer step computes: the semiring and the parameters of its annotation. */
export type LayerMode =
  | { readonly kind: 'viterbi' }
  | { readonly kind: 'tropical' }
  | {
      readonly kind: 'threshold';
      readonly tau: number;
      readonly absolute: boolean;
      /** ℕ (count-add) rather than 𝔹 (OR). */
      readonly count: boolean;
    };

/** Exp-domain bands of the tropical pass, in nats: e^−600 is far above float64's least normal. */
const BAND = 600;

/**
 * Runs step `step` (coefficients `c`) for the batch, from `upper` into `lower`, and returns true;
 * or returns false, having touched nothing, where the layer form does not hold.
 */
export function linearLayerStep(
  mode: LayerMode,
  step: CircuitStep,
  c: NodeCoefficients,
  batch: number,
  upper: FloatArray,
  lower: FloatArray,
): boolean {
  const stats = c.linear;
  if (stats === undefined || !(upper instanceof Float64Array) || !(lower instanceof Float64Array))
    return false;
  const shape = shapeOf(step);
  if (shape === undefined || stats.groups.length !== 1) return false;
  const group = stats.groups[0]!;
  const terms = group.terms.filter((t) => !t.zero);
  if (terms.length !== 1) return false;
  const term = terms[0]!;
  const x = term.ones ? null : term.input;
  const w = stats.layer.param('weight', term.weight, stats.dtype);
  const factor = group.factor;
  if (mode.kind === 'threshold') {
    const { tau, absolute, count } = mode;
    thresholdAdjoint(
      shape,
      batch,
      { input: x, weight: w, sign: term.sign, factor, tau, absolute, count },
      upper,
      lower,
    );
    return true;
  }
  const [perIn, perOut] = linearSizes(shape);
  const tropical = mode.kind === 'tropical';
  const live = new Uint8Array(batch * perOut);
  for (let k = 0; k < live.length; k++)
    live[k] = factor[k] !== 0 && (tropical ? upper[k]! < Number.POSITIVE_INFINITY : upper[k]! > 0) ? 1 : 0;
  const m = new Float64Array(batch * perOut);
  maxAbsForward(shape, batch, x, w, live, m);
  const s = new Float64Array(batch * perOut);
  const acc = new Float64Array(batch * perIn);
  if (!tropical) {
    for (let k = 0; k < s.length; k++) s[k] = live[k] !== 0 && m[k]! > 0 ? upper[k]! / m[k]! : 0;
    maxTimesAdjoint(shape, batch, w, s, acc, x);
    for (let j = 0; j < acc.length; j++) {
      const v = (x === null ? 1 : Math.abs(x[j]!)) * acc[j]!;
      if (v > lower[j]!) lower[j] = v;
    }
    return true;
  }
  // u_k = R_k + log m_k: the cost of reaching output k's best input, up to that input's own −log.
  const u = new Float64Array(batch * perOut).fill(Number.POSITIVE_INFINITY);
  for (let k = 0; k < u.length; k++) if (live[k] !== 0 && m[k]! > 0) u[k] = upper[k]! + Math.log(m[k]!);
  for (;;) {
    let shift = Number.POSITIVE_INFINITY;
    for (let k = 0; k < u.length; k++) if (u[k]! < shift) shift = u[k]!;
    if (shift === Number.POSITIVE_INFINITY) return true;
    for (let k = 0; k < u.length; k++) {
      const d = u[k]! - shift;
      if (d < BAND) {
        s[k] = Math.exp(-d);
        u[k] = Number.POSITIVE_INFINITY; // done in this band
      } else s[k] = 0;
    }
    acc.fill(0);
    maxTimesAdjoint(shape, batch, w, s, acc, x);
    for (let j = 0; j < acc.length; j++) {
      const a = acc[j]!;
      if (a === 0) continue;
      const cost = shift - Math.log(a) - (x === null ? 0 : Math.log(Math.abs(x[j]!)));
      if (cost < lower[j]!) lower[j] = cost;
    }
  }
}

const SHAPES = new WeakMap<CircuitStep, LinearShape | null>();

/** The array kernels' view of a dense or convolution step (null otherwise, or behind its layer's Pad). */
function shapeOf(step: CircuitStep): LinearShape | undefined {
  let shape = SHAPES.get(step);
  if (shape === undefined) {
    shape = ownIndices(step) ? kernelShape(step.node, step) : null;
    SHAPES.set(step, shape);
  }
  return shape ?? undefined;
}

/** Whether the step's input indices are its layer's (no Pad of the same layer in front). */
function ownIndices(step: CircuitStep): boolean {
  for (let j = 0; j < step.inputSize; j++) if (step.toLayer(j) !== j) return false;
  return true;
}

function kernelShape(node: AnyNode, step: CircuitStep): LinearShape | null {
  if (node.op === 'dense') {
    const [nOut = 0, nIn = 0] = node.params.weight.shape;
    return { kind: 'dense', rows: step.outputSize / nOut, nIn, nOut };
  }
  if (node.op !== 'conv' || step.shapes.inputs[0]!.length !== 3) return null;
  const [channels = 0, height = 0, width = 0] = step.shapes.inputs[0]!;
  const [outChannels = 0, outHeight = 0, outWidth = 0] = step.shapes.output;
  const [, , kh = 0, kw = 0] = node.params.weight.shape;
  const { strides, pads, dilations, group } = node.attributes;
  const [ay, ax] = axes2d([kh, kw], strides, pads, dilations);
  return {
    kind: 'conv',
    channels,
    height,
    width,
    outChannels,
    outHeight,
    outWidth,
    kh,
    kw,
    strideY: ay.stride,
    strideX: ax.stride,
    padY: ay.padBegin,
    padX: ax.padBegin,
    dilationY: ay.dilation,
    dilationX: ax.dilation,
    groups: group,
  };
}

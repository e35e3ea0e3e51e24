/**
 * Layers that are linear in their input plus a bias — dense, conv and the average poolings — seen
 * the way a linear LRP rule needs them: the forward map with modified parameters,
 * z_t = f(in_t; w_t(W), b_t(b)), and its adjoint c = f_tᵀ(s) with the same modified weights.
 *
 * Modified parameters are computed once per modifier and cached. Pooling layers have no parameters
 * (their weights are the positive constants 1/divisor), so only modifiers that leave positive
 * weights unchanged (`identity`, `positive`) or remove them (`negative`, `zero`) apply to them.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { allocate, type DType, dtypeOf as dtypeOfArray, type FloatArray, sizeOf } from '../../core/tensor.js';
import { wasmKernelsFor } from '../../kernels/index.js';
import type { AnyNode, Node } from '../graph.js';
import { opOf } from '../ops/index.js';
import type { ParamModifier } from './modifiers.js';

/** The operators a linear rule applies to. */
export type LinearOp =
  | 'dense'
  | 'conv'
  | 'avg_pool'
  | 'global_avg_pool'
  | 'adaptive_avg_pool'
  | 'reduce_mean'
  | 'batch_norm';

/** A node of a linear operator, discriminated by `op`. */
export type LinearNode = Extract<AnyNode, { op: LinearOp }>;

/** Whether a node is linear in its input (so linear rules apply to it): its operator's LRP category. */
export const isLinearNode = (node: AnyNode): node is LinearNode => opOf(node).lrp === 'linear';

/** The layer of each node seen so far, with the parameter generation it was made in (see `linearLayerOf`). */
const layers = new WeakMap<LinearNode, { readonly layer: LinearLayer; readonly generation: number }>();
let generation = 0;

/**
 * Forgets every layer's modified parameters: call it after changing a model's weights in place
 * (the trainer does after each step), so that the next explanation modifies the new weights.
 */
export function forgetModifiedParameters(): void {
  generation++;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The linear layer of `node`, one per node and shapes: its modified parameters (w⁺, w⁻, γ's
 * w + γw⁺, …) are computed once for the node's life, not once per trace (on a small network at
 * batch 1 that recomputation is most of an explanation's time). A model's weights are taken to
 * stay as they are; after changing them in place, call `forgetModifiedParameters`.
 */
export function linearLayerOf(
  node: LinearNode,
  inputShape: readonly number[],
  outputShape: readonly number[],
): LinearLayer {
  const known = layers.get(node);
  if (
    known?.generation === generation &&
    sameShape(known.layer.inputShape, inputShape) &&
    sameShape(known.layer.outputShape, outputShape)
  )
    return known.layer;
  const layer = new LinearLayer(node, inputShape, outputShape);
  layers.set(node, { layer, generation });
  return layer;
}

/** A linear layer with cached modified parameters. */
export class LinearLayer {
  private readonly params = new Map<string, FloatArray>();

  constructor(
    readonly node: LinearNode,
    /** Per-sample shapes of the layer's input and output. */
    readonly inputShape: readonly number[],
    readonly outputShape: readonly number[],
  ) {}

  /** Whether the layer has parameters that modifiers act on. */
  get hasParams(): boolean {
    const op = opOf(this.node);
    return op.lrp === 'linear' && op.hasParams;
  }

  /** z = f(input; weight(W), bias(b)) for a batch of `batch` samples, in `dtype`. */
  forward(
    input: FloatArray,
    batch: number,
    weight: ParamModifier,
    bias: ParamModifier,
    dtype: DType,
  ): FloatArray {
    const out = allocate(dtype, batch * sizeOf(this.outputShape));
    if (this.sums(weight) && bias.name === 'zero') {
      // z[r, k] = Σ_j 1·in[r, j], the same for every output k.
      const [nOut, nIn] = this.denseShape();
      for (let r = 0; r < out.length / nOut; r++) {
        let sum = 0;
        for (let j = 0; j < nIn; j++) sum += input[r * nIn + j]!;
        out.fill(sum, r * nOut, (r + 1) * nOut);
      }
      return out;
    }
    if (!this.hasParams && this.poolFactor(weight) === 0) return out;
    const op = opOf(this.node);
    if (op.lrp === 'linear' && op.affine) {
      op.affine.forward(
        this.node,
        this.param('weight', weight, dtype),
        this.param('bias', bias, dtype),
        input,
        batch,
        out,
      );
      return out;
    }
    const node: AnyNode = this.hasParams ? this.modifiedNode(weight, bias, dtype) : this.node;
    opOf(node).forward(node, [{ shape: [batch, ...this.inputShape], data: input }], {
      shape: [batch, ...this.outputShape],
      data: out,
    });
    return out;
  }

  /** Adds f_weightᵀ(s) into `c`. */
  adjoint(s: FloatArray, weight: ParamModifier, c: FloatArray): void {
    const op = opOf(this.node);
    if (op.lrp !== 'linear')
      throw new InvalidArgumentError('LinearLayer', `not a linear node: ${this.node.op}`);
    if (this.sums(weight)) {
      // c[r, j] += Σ_k 1·s[r, k]: one sum per row where the row of c is still 0 (as every LRP
      // pass has it), else the product with a matrix of ones.
      const [nOut, nIn] = this.denseShape();
      const ones = () => this.param('weight', weight, dtypeOfArray(s));
      for (let r = 0; r < s.length / nOut; r++) {
        if (!isZero(c, r * nIn, (r + 1) * nIn)) {
          op.adjoint(this.node, this.inputShape, this.outputShape, s, c, ones());
          return;
        }
      }
      // As the product would round: the WebAssembly GEMM sums in float64 and rounds once, the
      // plain float32 loop (small layers, no WebAssembly) rounds every addition.
      const stepwise = c instanceof Float32Array && wasmKernelsFor(s.length * nIn) === null;
      for (let r = 0; r < s.length / nOut; r++) {
        let sum = 0;
        if (stepwise) for (let k = 0; k < nOut; k++) sum = Math.fround(sum + s[r * nOut + k]!);
        else for (let k = 0; k < nOut; k++) sum += s[r * nOut + k]!;
        c.fill(sum, r * nIn, (r + 1) * nIn);
      }
      return;
    }
    if (this.hasParams) {
      op.adjoint(
        this.node,
        this.inputShape,
        this.outputShape,
        s,
        c,
        this.param('weight', weight, dtypeOfArray(s)),
      );
      return;
    }
    if (this.poolFactor(weight) === 1)
      op.adjoint(this.node, this.inputShape, this.outputShape, s, c, undefined);
  }

  /**
   * A parameter under a modifier, computed once per dtype. NOTE: modified parameters take the
   * compute dtype, so that float64 relevance is not rounded through float32 weights (γ-modified
   * or squared), while float32 relevance keeps float32's memory (VGG-16's weights are 0.5 GB).
   */
  param(key: 'weight' | 'bias', modifier: ParamModifier, dtype: DType): FloatArray {
    const original = this.weights()[key];
    if (modifier.name === 'identity') return original;
    const cacheKey = `${key}:${modifier.name}:${dtype}`;
    let data = this.params.get(cacheKey);
    if (data === undefined) {
      data = allocate(dtype, original.length);
      if (modifier.applyAll !== undefined) modifier.applyAll(original, data);
      else for (let i = 0; i < original.length; i++) data[i] = modifier.apply(original[i]!);
      this.params.set(cacheKey, data);
    }
    return data;
  }

  /** The unmodified weights: the node's `weight` and `bias`, or what its operator computes them as. */
  private weights(): { readonly weight: FloatArray; readonly bias: FloatArray } {
    const op = opOf(this.node);
    if (op.lrp === 'linear' && op.affine) {
      if (this.affineWeights === undefined) this.affineWeights = op.affine.weights(this.node);
      return this.affineWeights;
    }
    const { weight, bias } = (this.node as Node<'dense' | 'conv'>).params;
    return { weight: weight.data, bias: bias.data };
  }

  private affineWeights: { readonly weight: FloatArray; readonly bias: FloatArray } | undefined;

  private modifiedNode(weight: ParamModifier, bias: ParamModifier, dtype: DType): AnyNode {
    const node = this.node as Node<'dense' | 'conv'>;
    // The forward kernels read parameters as plain numbers, so a float64 array serves as well.
    return {
      ...node,
      params: {
        weight: { shape: node.params.weight.shape, data: this.param('weight', weight, dtype) },
        bias: { shape: node.params.bias.shape, data: this.param('bias', bias, dtype) },
      },
    } as unknown as AnyNode;
  }

  /**
   * Whether the layer is dense with every weight 1 (the flat rule's modifier): its products are
   * sums, computed as such. NOTE: each sum adds its terms in the order the product does and rounds
   * as it does: the same bits as the product with a matrix of ones, in a fraction of the time.
   */
  private sums(weight: ParamModifier): boolean {
    return this.node.op === 'dense' && weight.name === 'one';
  }

  /** A dense layer's [outputs, inputs]. */
  private denseShape(): [number, number] {
    const [nOut = 0, nIn = 0] = (this.node as Node<'dense'>).params.weight.shape;
    return [nOut, nIn];
  }

  /** A pooling layer's weights are positive: 1 if the modifier keeps them, 0 if it removes them. */
  private poolFactor(weight: ParamModifier): 0 | 1 {
    if (weight.name === 'identity' || weight.name === 'positive') return 1;
    if (weight.name === 'negative' || weight.name === 'zero') return 0;
    throw new InvalidArgumentError(
      `layer "${this.node.layer}" (${this.node.op})`,
      `a rule with weight modifier "${weight.name}" needs parameters, which pooling has not; ` +
        'use the norm or epsilon rule for pooling layers',
    );
  }
}

/** Whether elements from … to − 1 are all 0 (either sign). */
function isZero(data: FloatArray, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (data[i] !== 0) return false;
  return true;
}

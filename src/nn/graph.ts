/**
 * The model graph: what provlrp knows of a network. A model is a DAG of nodes in topological
 * order; each node applies one operator (`op`) with its attributes and parameters to named input
 * tensors and produces one named output tensor.
 *
 * Conventions (DESIGN.md §1b, §5):
 * - Every tensor has a leading batch axis at run time; the model records **per-sample** shapes
 *   (without the batch axis), and attribute axes count from the first per-sample axis.
 * - Parameters use ONNX/PyTorch layouts: dense weight `[out, in]`, conv weight
 *   `[out, in/group, kh, kw]`, all float32.
 * - `layer` is the node's layer name: the PyTorch module path for an ONNX export from PyTorch,
 *   shared by the nodes of one module scope (`/5/Pad` and `/5/AveragePool` are both layer `5`).
 *   "Relevance at a layer" means at the output of that layer's last node.
 */
import type { Tensor } from '../core/tensor.js';

/** The operators a model can hold. */
export type OpName =
  | 'dense'
  | 'conv'
  | 'max_pool'
  | 'avg_pool'
  | 'global_avg_pool'
  | 'adaptive_avg_pool'
  | 'relu'
  | 'leaky_relu'
  | ActivationOp
  | 'transpose'
  | 'slice'
  | 'gather'
  | 'expand'
  | 'tile'
  | 'reduce_mean'
  | 'mul'
  | 'scale'
  | 'shift'
  | 'matmul'
  | 'softmax'
  | 'layer_norm'
  | 'embedding'
  | 'flatten'
  | 'reshape'
  | 'batch_norm'
  | 'add'
  | 'concat'
  | 'pad'
  | 'identity'
  | 'dropout';

/**
 * The smooth and clipped activations, each an element-wise z = f(a) defined with its derivative in
 * one table (ops/activations.ts).
 */
export type ActivationOp =
  | 'clip'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'gelu_tanh'
  | 'sigmoid'
  | 'tanh'
  | 'softplus'
  | 'hard_sigmoid'
  | 'hard_swish'
  | 'silu';

/** Two spatial values, (height, width). */
export type Pair = readonly [number, number];

/** Spatial padding in ONNX order: (top, left, bottom, right). */
export type Pads2d = readonly [number, number, number, number];

/** Each operator's attributes, with ONNX's meanings (names in camelCase). */
export interface OpAttributes {
  /** z = x·Wᵀ + b over the last axis (Gemm, MatMul + Add, Linear). */
  dense: Record<string, never>;
  /** 2-D convolution (ONNX Conv, PyTorch Conv2d). */
  conv: { strides: Pair; pads: Pads2d; dilations: Pair; group: number };
  /** Max pooling (ONNX MaxPool); padded positions never win. */
  max_pool: { kernel: Pair; strides: Pair; pads: Pads2d; dilations: Pair; ceilMode: boolean };
  /** Average pooling (ONNX AveragePool); `countIncludePad` counts padded taps in the divisor. */
  avg_pool: {
    kernel: Pair;
    strides: Pair;
    pads: Pads2d;
    dilations: Pair;
    ceilMode: boolean;
    countIncludePad: boolean;
  };
  /** Mean over all spatial positions per channel, keeping [C, 1, 1]. */
  global_avg_pool: Record<string, never>;
  /** PyTorch's AdaptiveAvgPool2d: window i covers [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉). */
  adaptive_avg_pool: { outputSize: Pair };
  relu: Record<string, never>;
  /** z = x for x ≥ 0, α·x below (ONNX LeakyRelu, PyTorch LeakyReLU; α = 0.01 by default). */
  leaky_relu: { alpha: number };
  /** z = min(max(a, min), max) (ONNX Clip, PyTorch ReLU6 with min 0, max 6, Hardtanh). */
  clip: { min: number; max: number };
  /** z = a for a > 0, α·(eᵃ − 1) below (ONNX Elu, α = 1 by default). */
  elu: { alpha: number };
  /** z = γ·a for a > 0, γ·α·(eᵃ − 1) below (ONNX Selu, α ≈ 1.6733, γ ≈ 1.0507 by default). */
  selu: { alpha: number; gamma: number };
  /** z = a·Φ(a), Φ the standard normal CDF (ONNX Gelu, PyTorch GELU). */
  gelu: Record<string, never>;
  /** z = a/2·(1 + tanh(√(2/π)·(a + 0.044715·a³))) (PyTorch GELU(approximate='tanh')). */
  gelu_tanh: Record<string, never>;
  /** z = 1/(1 + e⁻ᵃ). */
  sigmoid: Record<string, never>;
  tanh: Record<string, never>;
  /** z = ln(1 + eᵃ) (ONNX Softplus, PyTorch Softplus with β = 1). */
  softplus: Record<string, never>;
  /** z = max(0, min(1, α·a + β)) (ONNX HardSigmoid: α = 0.2, β = 0.5; PyTorch: α = 1/6). */
  hard_sigmoid: { alpha: number; beta: number };
  /** z = a·max(0, min(1, a/6 + 1/2)) (ONNX HardSwish, PyTorch Hardswish). */
  hard_swish: Record<string, never>;
  /** z = a·σ(a) (PyTorch SiLU, Swish; exported as Mul(x, Sigmoid(x))). */
  silu: Record<string, never>;
  /** Per-sample axes permuted: output axis i is input axis perm[i] (the batch axis stays first). */
  transpose: { perm: readonly number[] };
  /**
   * Every step-th element of [start, end) per per-sample axis, resolved: 0 ≤ start ≤ end ≤ d for a
   * positive step, −1 ≤ end ≤ start < d for a negative one.
   */
  slice: { starts: readonly number[]; ends: readonly number[]; steps: readonly number[] };
  /** Elements `indices` (of shape `indicesShape`, [] for one index) along a per-sample axis. */
  gather: { axis: number; indices: readonly number[]; indicesShape: readonly number[] };
  /** Broadcast to `shape` (same rank; each input size 1 or equal). */
  expand: { shape: readonly number[] };
  /** Each per-sample axis repeated `repeats[a]` times. */
  tile: { repeats: readonly number[] };
  /** Element-wise product of two activations, broadcast (a gate, a squeeze-excitation). */
  mul: Record<string, never>;
  /** The activation times a constant `value` (broadcast to it). */
  scale: Record<string, never>;
  /** The activation plus a constant `value` (broadcast to it): a positional embedding. */
  shift: Record<string, never>;
  /** Matrix product of two activations [..., M, K]·[..., K, N] (attention's Q·Kᵀ, A·V). */
  matmul: Record<string, never>;
  /** Softmax over a per-sample axis, inside the network (attention weights). */
  softmax: { axis: number };
  /** Layer normalisation over the per-sample axes from `axis` on, with scale γ and bias β. */
  layer_norm: { axis: number; epsilon: number };
  /** Token embedding: ids [T] (the model input's values) → rows of `weight` [T, D]. */
  embedding: Record<string, never>;
  /** Mean over per-sample `axes` (increasing), kept as size 1 with `keepdims`. */
  reduce_mean: { axes: readonly number[]; keepdims: boolean };
  /** All per-sample axes into one: [N, …] → [N, Π…]. */
  flatten: Record<string, never>;
  /** A new per-sample shape with the same number of elements (fully resolved: no -1 or 0). */
  reshape: { shape: readonly number[] };
  /** Inference-mode batch normalisation over axis 0 (channels): y = (x − μ)/√(σ² + ε)·γ + β. */
  batch_norm: { epsilon: number };
  /** Element-wise sum of two tensors of the same shape (a residual connection). */
  add: Record<string, never>;
  /** Concatenation along a per-sample axis. */
  concat: { axis: number };
  /** Constant padding: `pads` has per-sample begins then ends (ONNX order), `value` fills. */
  pad: { pads: readonly number[]; value: number };
  identity: Record<string, never>;
  /** Identity at inference. */
  dropout: Record<string, never>;
}

/** Each operator's parameters (float32 tensors, ONNX/PyTorch layouts). */
export interface OpParams {
  dense: { weight: Tensor<Float32Array>; bias: Tensor<Float32Array> };
  conv: { weight: Tensor<Float32Array>; bias: Tensor<Float32Array> };
  max_pool: Record<string, never>;
  avg_pool: Record<string, never>;
  global_avg_pool: Record<string, never>;
  adaptive_avg_pool: Record<string, never>;
  relu: Record<string, never>;
  leaky_relu: Record<string, never>;
  clip: Record<string, never>;
  elu: Record<string, never>;
  selu: Record<string, never>;
  gelu: Record<string, never>;
  gelu_tanh: Record<string, never>;
  sigmoid: Record<string, never>;
  tanh: Record<string, never>;
  softplus: Record<string, never>;
  hard_sigmoid: Record<string, never>;
  hard_swish: Record<string, never>;
  silu: Record<string, never>;
  transpose: Record<string, never>;
  slice: Record<string, never>;
  gather: Record<string, never>;
  expand: Record<string, never>;
  tile: Record<string, never>;
  reduce_mean: Record<string, never>;
  mul: Record<string, never>;
  scale: { value: Tensor<Float32Array> };
  shift: { value: Tensor<Float32Array> };
  matmul: Record<string, never>;
  softmax: Record<string, never>;
  layer_norm: { scale: Tensor<Float32Array>; bias: Tensor<Float32Array> };
  embedding: { weight: Tensor<Float32Array> };
  flatten: Record<string, never>;
  reshape: Record<string, never>;
  batch_norm: {
    scale: Tensor<Float32Array>;
    bias: Tensor<Float32Array>;
    mean: Tensor<Float32Array>;
    variance: Tensor<Float32Array>;
  };
  add: Record<string, never>;
  concat: Record<string, never>;
  pad: Record<string, never>;
  identity: Record<string, never>;
  dropout: Record<string, never>;
}

/** One operator application. */
export interface Node<O extends OpName = OpName> {
  readonly op: O;
  /** A unique node name (the ONNX node's name, or one given by the builder). */
  readonly name: string;
  /** The layer name (see the file header); several nodes may share one. */
  readonly layer: string;
  /** Names of the input tensors, in the operator's order. */
  readonly inputs: readonly string[];
  /** Name of the output tensor. */
  readonly output: string;
  readonly attributes: OpAttributes[O];
  readonly params: OpParams[O];
}

/** Any node, as a union discriminated by `op` (so a `switch (node.op)` narrows). */
export type AnyNode = { [O in OpName]: Node<O> }[OpName];

/** A trailing probability layer that was recognised and stripped: the model outputs logits. */
export type StrippedOutput = 'softmax' | 'log_softmax';

/** A network: one input, one output, nodes in topological order, per-sample shapes. */
export interface Model {
  /** Name of the input tensor. */
  readonly input: string;
  /** Name of the output tensor (the logits). */
  readonly output: string;
  /** The nodes in topological order. */
  readonly nodes: readonly AnyNode[];
  /** Per-sample shape of every tensor, the input's included. */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  /** The probability layer that followed the logits in the source model, if any. */
  readonly strippedOutput?: StrippedOutput;
}

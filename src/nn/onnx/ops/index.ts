/**
 * The ONNX op table: one import function per ONNX op type of the default domain, keyed by ONNX's
 * name (tinygrad's onnx.py). An op missing here is reported by `UnsupportedOpError`, which lists
 * these keys.
 */
import type { OpImporter } from '../context.js';
import {
  clip,
  elu,
  gelu,
  hardSigmoid,
  hardSwish,
  selu,
  sigmoid,
  softplus,
  swish,
  tanh,
} from './activations.js';
import { add, div, mul, sub } from './arithmetic.js';
import { batchNormalization } from './batch-norm.js';
import { concat } from './concat.js';
import { cast, constant, constantOfShape } from './constant.js';
import { conv } from './conv.js';
import { dropout, identity, leakyRelu, relu } from './elementwise.js';
import { layerNormalization } from './layer-norm.js';
import { gemm, matMul } from './linear.js';
import { equal, whereOp } from './logic.js';
import { pad } from './pad.js';
import { averagePool, globalAveragePool, maxPool, reduceMean } from './pool.js';
import { flatten, reshape, squeeze, unsqueeze } from './reshape.js';
import { expand, gather, shape, tile } from './shape.js';
import { slice, split, transpose } from './slice.js';
import { logSoftmax, softmax } from './softmax.js';

/** Every supported ONNX op. */
export const ONNX_OPS: Readonly<Record<string, OpImporter>> = {
  Add: add,
  AveragePool: averagePool,
  BatchNormalization: batchNormalization,
  Cast: cast,
  Clip: clip,
  Concat: concat,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Conv: conv,
  Div: div,
  Dropout: dropout,
  Elu: elu,
  Equal: equal,
  Expand: expand,
  Flatten: flatten,
  Gather: gather,
  Gemm: gemm,
  Gelu: gelu,
  GlobalAveragePool: globalAveragePool,
  Identity: identity,
  HardSigmoid: hardSigmoid,
  HardSwish: hardSwish,
  LayerNormalization: layerNormalization,
  LeakyRelu: leakyRelu,
  LogSoftmax: logSoftmax,
  MatMul: matMul,
  MaxPool: maxPool,
  Mul: mul,
  Pad: pad,
  ReduceMean: reduceMean,
  Relu: relu,
  Reshape: reshape,
  Selu: selu,
  Shape: shape,
  Sigmoid: sigmoid,
  Slice: slice,
  Softmax: softmax,
  Softplus: softplus,
  Split: split,
  Squeeze: squeeze,
  Sub: sub,
  Swish: swish,
  Tanh: tanh,
  Tile: tile,
  Transpose: transpose,
  Unsqueeze: unsqueeze,
  Where: whereOp,
};

export { ONNX_ALTERNATIVES } from './alternatives.js';

/** The names of the supported ONNX ops, sorted. */
export const SUPPORTED_ONNX_OPS: readonly string[] = Object.keys(ONNX_OPS).sort();

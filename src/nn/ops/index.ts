/**
 * The operator table: one `OpDefinition` per `OpName`, so that a missing operator does not compile.
 * Shape inference (`createModel`), the forward pass and the circuit compiler look operators up
 * here and nowhere else.
 */

import type { AnyNode, OpName } from '../graph.js';
import { ACTIVATION_DEFINITIONS } from './activations.js';
import { adaptiveAvgPool } from './adaptive-avg-pool.js';
import { add } from './add.js';
import { avgPool } from './avg-pool.js';
import { batchNorm } from './batch-norm.js';
import { concat } from './concat.js';
import { scale, shift } from './constant-affine.js';
import { conv } from './conv.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { embedding } from './embedding.js';
import { flatten } from './flatten.js';
import { globalAvgPool } from './global-avg-pool.js';
import { identity } from './identity.js';
import { layerNorm } from './layer-norm.js';
import { leakyRelu } from './leaky-relu.js';
import { matmul } from './matmul.js';
import { maxPool } from './max-pool.js';
import { mul } from './mul.js';
import type { OpDefinition } from './op-definition.js';
import { pad } from './pad.js';
import { REARRANGE_DEFINITIONS } from './rearrange.js';
import { reduceMean } from './reduce-mean.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';
import { softmax } from './softmax.js';

/** Every operator's definition, keyed by its name. */
export const OPS = {
  dense,
  conv,
  max_pool: maxPool,
  avg_pool: avgPool,
  global_avg_pool: globalAvgPool,
  adaptive_avg_pool: adaptiveAvgPool,
  relu,
  leaky_relu: leakyRelu,
  ...ACTIVATION_DEFINITIONS,
  ...REARRANGE_DEFINITIONS,
  reduce_mean: reduceMean,
  mul,
  scale,
  shift,
  matmul,
  softmax,
  layer_norm: layerNorm,
  embedding,
  flatten,
  reshape,
  batch_norm: batchNorm,
  add,
  concat,
  pad,
  identity,
  dropout,
} satisfies { [O in OpName]: OpDefinition<O> };

/**
 * The definition of a node's operator. `OpDefinition<OpName>` accepts any node; the table above
 * guarantees that each node reaches its own operator's definition.
 */
export function opOf(node: AnyNode): OpDefinition<OpName> {
  return OPS[node.op] as OpDefinition<OpName>;
}

export { avgPoolDivisors } from './avg-pool.js';
export { describeNode } from './checks.js';
export { maxPoolWinners } from './max-pool.js';
export type { Connectivity, LrpCategory, OpDefinition } from './op-definition.js';
export {
  type Axis,
  adaptiveWindow,
  axes2d,
  outputLength,
  validOutputs,
  windowTouchesInput,
} from './window.js';

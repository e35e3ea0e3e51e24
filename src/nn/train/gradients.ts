/**
 * The backward functions by operator (one table, complete: an operator without a backward pass
 * does not compile), and which parameters training leaves alone.
 *
 * Each function adds ∂L/∂input and ∂L/∂parameter given ∂L/∂output (backward-context.ts); the
 * formulas are in the files that define them: dense-gradient.ts, conv-gradient.ts,
 * pool-gradients.ts, batch-norm-gradient.ts, structural-gradients.ts.
 */
import type { OpName } from '../graph.js';
import type { Backward } from './backward-context.js';
import { batchNormBackward } from './batch-norm-gradient.js';
import { convBackward } from './conv-gradient.js';
import { denseBackward } from './dense-gradient.js';
import {
  adaptiveAvgPoolBackward,
  avgPoolBackward,
  globalAvgPoolBackward,
  maxPoolBackward,
} from './pool-gradients.js';
import {
  addBackward,
  concatBackward,
  padBackward,
  passBackward,
  reluBackward,
} from './structural-gradients.js';

export * from './backward-context.js';
export * from './batch-norm-gradient.js';
export * from './conv-gradient.js';
export * from './dense-gradient.js';
export * from './pool-gradients.js';
export * from './structural-gradients.js';

/** The backward function of every operator. */
export const GRADIENTS = {
  dense: denseBackward,
  conv: convBackward,
  max_pool: maxPoolBackward,
  avg_pool: avgPoolBackward,
  global_avg_pool: globalAvgPoolBackward,
  adaptive_avg_pool: adaptiveAvgPoolBackward,
  relu: reluBackward,
  flatten: passBackward,
  reshape: passBackward,
  batch_norm: batchNormBackward,
  add: addBackward,
  concat: concatBackward,
  pad: padBackward,
  identity: passBackward,
  dropout: passBackward,
} satisfies { readonly [O in OpName]: Backward<O> };

/**
 * Parameters that have gradients but that training does not change: BatchNorm's running mean and
 * variance, which PyTorch keeps as buffers and updates from batch statistics in training mode
 * only. provlrp trains BatchNorm in inference mode, so they stay as given.
 */
export const FROZEN_PARAMETERS: { readonly [O in OpName]?: readonly string[] } = {
  batch_norm: ['mean', 'variance'],
};

/** Whether training updates parameter `key` of a node of operator `op`. */
export const isTrainableParameter = (op: OpName, key: string): boolean =>
  !(FROZEN_PARAMETERS[op]?.includes(key) ?? false);

/**
 * The backward functions (each operator's definition names its own, so that an operator without
 * a backward pass does not compile), and which parameters training leaves alone.
 *
 * Each function adds ∂L/∂input and ∂L/∂parameter given ∂L/∂output (backward-context.ts); the
 * formulas are in the files that define them: dense-gradient.ts, conv-gradient.ts,
 * pool-gradients.ts, batch-norm-gradient.ts, structural-gradients.ts.
 */
import type { OpName } from '../graph.js';

export * from './backward-context.js';
export * from './batch-norm-gradient.js';
export * from './conv-gradient.js';
export * from './dense-gradient.js';
export * from './pool-gradients.js';
export * from './structural-gradients.js';

/**
 * Parameters that have gradients but that training does not change: BatchNorm's running mean and
 * variance, which PyTorch keeps as buffers and updates from batch statistics in training mode
 * only. provlrp trains BatchNorm in inference mode, so they stay as given.
 */
export const FROZEN_PARAMETERS: { readonly [O in OpName]?: readonly string[] } = {
  batch_norm: ['mean', 'variance'],
  // Constants an imported graph applies (a positional embedding, attention's 1/√d): no gradient.
  scale: ['value'],
  shift: ['value'],
};

/** Whether training updates parameter `key` of a node of operator `op`. */
export const isTrainableParameter = (op: OpName, key: string): boolean =>
  !(FROZEN_PARAMETERS[op]?.includes(key) ?? false);

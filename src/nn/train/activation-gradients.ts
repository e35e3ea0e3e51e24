/**
 * The backward pass of every activation of ops/activation-functions.ts: ∂a = f′(a)·∂z, with the
 * derivative from the same table as the forward function.
 */
import type { ActivationOp } from '../graph.js';
import { ACTIVATIONS, type ActivationFunction } from '../ops/activation-functions.js';
import type { Backward } from './backward-context.js';

/** ∂a += f′(a)·∂z, element by element. */
export const activationBackward: Backward<ActivationOp> = ({ node, inputs, gradOutput, gradInputs }) => {
  const into = gradInputs[0];
  if (!into) return;
  const fn = ACTIVATIONS[node.op] as ActivationFunction<ActivationOp>;
  const a = inputs[0]!.data;
  const attributes = node.attributes as never;
  for (let i = 0; i < into.length; i++) into[i] = into[i]! + fn.df(a[i]!, attributes) * gradOutput[i]!;
};

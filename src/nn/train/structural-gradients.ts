/**
 * The backward passes of the operators that move, copy or gate elements without parameters:
 * - relu: ∂x = ∂z where x > 0 (0 at x = 0, as PyTorch);
 * - flatten, reshape, identity, dropout (identity at inference): the flat layout is unchanged, so
 *   ∂x = ∂z;
 * - add: each input receives ∂z;
 * - pad: ∂x is ∂z cropped to the input (padded positions send nothing back);
 * - concat: each input receives its slice of ∂z.
 * Pad and concat are their adjoints (src/nn/adjoints/structural.ts) applied to ∂z.
 */
import { concatAdjoint, padAdjoint } from '../adjoints/index.js';
import { addInto, type Backward, perSample } from './backward-context.js';

/** leaky_relu: ∂x = ∂z where x ≥ 0, α·∂z below. */
export const leakyReluBackward: Backward<'leaky_relu'> = ({ node, inputs, gradOutput, gradInputs }) => {
  const into = gradInputs[0];
  if (!into) return;
  const { alpha } = node.attributes;
  const x = inputs[0]!.data;
  for (let i = 0; i < into.length; i++)
    into[i] = into[i]! + (x[i]! >= 0 ? gradOutput[i]! : alpha * gradOutput[i]!);
};

/** relu: the gradient passes where the input was positive. */
export const reluBackward: Backward<'relu'> = ({ inputs, gradOutput, gradInputs }) => {
  const gx = gradInputs[0];
  if (!gx) return;
  const x = inputs[0]!.data;
  for (let i = 0; i < x.length; i++) if (x[i]! > 0) gx[i] = gx[i]! + gradOutput[i]!;
};

/** Operators that only rearrange or copy elements in order: the gradient passes unchanged. */
export const passBackward: Backward<'flatten' | 'reshape' | 'identity' | 'dropout'> = ({
  gradOutput,
  gradInputs,
}) => addInto(gradInputs[0] ?? null, gradOutput);

/** add: each input receives the output's gradient. */
export const addBackward: Backward<'add'> = ({ gradOutput, gradInputs }) => {
  for (const gx of gradInputs) addInto(gx, gradOutput);
};

/** pad: the output's gradient cropped to the input. */
export const padBackward: Backward<'pad'> = ({ node, inputs, output, gradOutput, gradInputs }) => {
  const gx = gradInputs[0];
  if (gx) padAdjoint(node, perSample(inputs[0]!), perSample(output), gradOutput, gx);
};

/** concat: each input receives the slice of the output's gradient that it filled. */
export const concatBackward: Backward<'concat'> = ({ node, inputs, gradOutput, gradInputs }) => {
  const shapes = inputs.map(perSample);
  gradInputs.forEach((gx, which) => {
    if (gx) concatAdjoint(node, shapes, which, gradOutput, gx);
  });
};

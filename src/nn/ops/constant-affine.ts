/**
 * An activation multiplied by, or shifted by, a constant (broadcast): `scale` z = a·c (ONNX Mul or
 * Div by an initializer, attention's 1/√d, a layer-scale), `shift` z = a + c (ONNX Add or Sub of
 * an initializer that is no MatMul's bias: a positional embedding, a class-token offset).
 * The constant is not part of the circuit, so no relevance flows to it: LRP category
 * `elementwise`, R_a = R_z, one structural edge per element with coefficient 1 (as AttnLRP passes
 * all of a product's relevance to its one non-constant factor; for the shift it is the identity
 * rule, which keeps relevance conserved on the activation, where the ε rule would hand the
 * constant its share, z's relevance lost to the explanation).
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import { showShape, sizeOf } from '../../core/tensor.js';
import { broadcastIndex, broadcastShape } from '../connectivity/broadcast.js';
import { forEachIdentityEdge } from '../connectivity/structural.js';
import type { Node } from '../graph.js';
import { describeNode, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

/** z = a ∘ c over the batch, c broadcast to a's per-sample shape. */
function apply(
  node: Node<'scale' | 'shift'>,
  a: ArrayLike<number>,
  perSample: readonly number[],
  out: { data: Float32Array | Float64Array },
  combine: (x: number, c: number) => number,
): void {
  const c = node.params.value;
  const map = broadcastIndex(c.shape, perSample);
  const per = map.length;
  for (let i = 0; i < out.data.length; i++) out.data[i] = combine(a[i]!, c.data[map[i % per]!]!);
}

function inferShape(node: Node<'scale' | 'shift'>, inputs: readonly (readonly number[])[]): number[] {
  expectInputCount(node, inputs, 1);
  const value = node.params?.value;
  if (value === undefined || !Array.isArray(value.shape) || value.data?.length !== sizeOf(value.shape))
    throw new InvalidArgumentError(
      describeNode(node),
      'parameter "value" must be a tensor; give it in `params`',
    );
  const shape = broadcastShape(`${describeNode(node)} constant`, [inputs[0]!, node.params.value.shape]);
  if (shape.length !== inputs[0]!.length || shape.some((d, a) => d !== inputs[0]![a]))
    throw new ShapeError(
      `${describeNode(node)} constant`,
      `a shape that broadcasts to the activation's ${showShape(inputs[0]!)} without widening it`,
      showShape(node.params.value.shape),
    );
  return shape;
}

export const scale: OpDefinition<'scale'> = {
  op: 'scale',
  connectivity: 'identity',
  lrp: 'elementwise',
  edges: (_node, shapes, emit) => forEachIdentityEdge(shapes, emit),
  backward({ node, inputs, gradOutput, gradInputs, gradParams }) {
    // ∂a = c·∂z; ∂c sums a·∂z over its copies (computed, though training keeps c frozen).
    const gx = gradInputs[0];
    const gc = gradParams.value;
    const c = node.params.value;
    const a = inputs[0]!.data;
    const map = broadcastIndex(c.shape, inputs[0]!.shape.slice(1));
    for (let i = 0; i < gradOutput.length; i++) {
      const at = map[i % map.length]!;
      if (gx) gx[i] = gx[i]! + gradOutput[i]! * c.data[at]!;
      if (gc) gc[at] = gc[at]! + gradOutput[i]! * a[i]!;
    }
  },
  inferShape,
  forward: (node, inputs, out) =>
    apply(node, inputs[0]!.data, inputs[0]!.shape.slice(1), out, (x, c) => x * c),
};

export const shift: OpDefinition<'shift'> = {
  op: 'shift',
  connectivity: 'identity',
  lrp: 'elementwise',
  edges: (_node, shapes, emit) => forEachIdentityEdge(shapes, emit),
  backward({ node, inputs, gradOutput, gradInputs, gradParams }) {
    const gx = gradInputs[0];
    const gc = gradParams.value;
    const map = broadcastIndex(node.params.value.shape, inputs[0]!.shape.slice(1));
    for (let i = 0; i < gradOutput.length; i++) {
      if (gx) gx[i] = gx[i]! + gradOutput[i]!;
      if (gc) gc[map[i % map.length]!] = gc[map[i % map.length]!]! + gradOutput[i]!;
    }
  },
  inferShape,
  forward: (node, inputs, out) =>
    apply(node, inputs[0]!.data, inputs[0]!.shape.slice(1), out, (x, c) => x + c),
};

/**
 * Constant padding (ONNX Pad, mode "constant"; PyTorch `F.pad`/`ZeroPad2d`): `pads` holds the
 * per-sample begins then ends (ONNX order, without the batch axis), and
 *   z[i₁ + b₁, …, i_r + b_r] = a[i₁, …, i_r],   every other element = `value`.
 * Negative pads crop: −2 at a begin drops the first two positions of that axis. Every output
 * dimension d + b + e must stay ≥ 1.
 * Connectivity `identity`: each output element comes from one input element or from the constant
 * (padding receives no relevance).
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import { showShape } from '../../core/tensor.js';
import { forEachPadEdge } from '../connectivity/structural.js';
import { padBackward } from '../train/structural-gradients.js';
import { describeNode, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

export const pad: OpDefinition<'pad'> = {
  op: 'pad',
  connectivity: 'identity',
  lrp: 'routing',
  backward: (context) => padBackward(context),
  edges: (node, shapes, emit) => forEachPadEdge(node, shapes, emit),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const input = inputs[0]!;
    const { pads, value } = node.attributes;
    const rank = input.length;
    if (!Array.isArray(pads) || pads.length !== 2 * rank || !pads.every(Number.isInteger))
      throw new InvalidArgumentError(
        describeNode(node),
        `attribute "pads" must be ${2 * rank} integers (begins then ends of the ${rank} per-sample axes), ` +
          `got ${JSON.stringify(pads)}`,
      );
    if (!Number.isFinite(value))
      throw new InvalidArgumentError(describeNode(node), `the padding value must be finite, got ${value}`);
    const shape = input.map((d, a) => d + pads[a]! + pads[a + rank]!);
    if (!shape.every((d) => d >= 1))
      throw new ShapeError(
        `${describeNode(node)} output`,
        `positive dimensions after padding ${showShape(input)} by ${JSON.stringify(pads)}`,
        showShape(shape),
      );
    return shape;
  },
  forward(node, inputs, out) {
    const x = inputs[0]!;
    const { pads, value } = node.attributes;
    const inShape = x.shape;
    const outShape = out.shape;
    const rank = inShape.length; // with the batch axis
    const begins = [0, ...pads.slice(0, rank - 1)];
    const a = x.data;
    const z = out.data;
    z.fill(value);
    // Strides of the output; the input is walked row by row (all axes but the last), each row
    // copied as one clipped contiguous run.
    const outStrides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) outStrides[d] = outStrides[d + 1]! * outShape[d + 1]!;
    const last = rank - 1;
    const rowLength = inShape[last]!;
    const b = begins[last]!;
    const lo = Math.max(0, -b);
    const hi = Math.min(rowLength, outShape[last]! - b);
    const index = new Array<number>(rank).fill(0);
    const rows = a.length / rowLength;
    for (let row = 0; row < rows; row++) {
      let target = 0;
      let inside = true;
      for (let d = 0; d < last; d++) {
        const o = index[d]! + begins[d]!;
        if (o < 0 || o >= outShape[d]!) inside = false;
        target += o * outStrides[d]!;
      }
      if (inside && hi > lo) z.set(a.subarray(row * rowLength + lo, row * rowLength + hi), target + b + lo);
      for (let d = last - 1; d >= 0; d--) {
        index[d] = index[d]! + 1;
        if (index[d]! < inShape[d]!) break;
        index[d] = 0;
      }
    }
  },
};

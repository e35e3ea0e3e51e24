/**
 * 2-D convolution (ONNX Conv, PyTorch `nn.Conv2d`), input [C, H, W], weight [O, C/g, kh, kw]:
 *   z[o, y, x] = b[o] + Σ_{c ∈ group(o)} Σ_{u,v} W[o, c − g₀, u, v]·a[c, y·sh − pt + u·dh, x·sw − pl + v·dw],
 * with taps outside the input reading 0 (zero padding; pads top, left, bottom, right may differ).
 * Output size per axis: ⌊(L + p_begin + p_end − d·(k−1) − 1)/s⌋ + 1 (see window.ts).
 * Connectivity `conv`: each output element to the input taps of its window in its group.
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import { showShape } from '../../core/tensor.js';
import { convAdjoint } from '../adjoints/conv.js';
import { forEachConvEdge } from '../connectivity/conv.js';
import { convBackward } from '../train/conv-gradient.js';
import {
  describeNode,
  expectInputCount,
  expectIntegers,
  expectNonEmpty,
  expectParamShape,
  expectRank,
} from './checks.js';
import { convForward } from './conv-kernel.js';
import type { OpDefinition } from './op-definition.js';
import { axes2d, checkWindowAttributes, windowOutputShape } from './window.js';

export const conv: OpDefinition<'conv'> = {
  op: 'conv',
  connectivity: 'conv',
  lrp: 'linear',
  backward: (context) => convBackward(context),
  edges: (node, shapes, emit) => forEachConvEdge(node, shapes, emit),
  hasParams: true,
  adjoint: (node, inputShape, outputShape, s, c, weight) =>
    convAdjoint(node, inputShape, outputShape, s, c, weight ?? node.params.weight.data),
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const input = inputs[0]!;
    expectRank(node, input, 3, 'input ([C, H, W])');
    expectNonEmpty(node, input, 'input');
    const { strides, pads, dilations, group } = node.attributes;
    checkWindowAttributes(node, { strides, pads, dilations });
    expectIntegers(node, 'group', [group], 1, 1);
    const weightShape = node.params.weight?.shape ?? [];
    if (weightShape.length !== 4 || !weightShape.every((d) => d >= 1))
      throw new ShapeError(
        `${describeNode(node)} parameter "weight"`,
        '[O, C/group, kh, kw]',
        showShape(weightShape),
      );
    const [nOut, , kh, kw] = weightShape as [number, number, number, number];
    const channels = input[0]!;
    if (channels % group !== 0 || nOut % group !== 0)
      throw new InvalidArgumentError(
        describeNode(node),
        `group ${group} must divide the input channels (${channels}) and the output channels (${nOut})`,
      );
    expectParamShape(node, 'weight', node.params.weight, [nOut, channels / group, kh, kw]);
    expectParamShape(node, 'bias', node.params.bias, [nOut]);
    const [oh, ow] = windowOutputShape(node, input, axes2d([kh, kw], strides, pads, dilations), false, false);
    return [nOut, oh, ow];
  },
  forward(node, inputs, out) {
    const x = inputs[0]!;
    const [batch, channels, height, width] = x.shape as [number, number, number, number];
    const [outChannels, , kh, kw] = node.params.weight.shape as [number, number, number, number];
    const [, , oh, ow] = out.shape as [number, number, number, number];
    const { strides, pads, dilations, group } = node.attributes;
    const [rows, cols] = axes2d([kh, kw], strides, pads, dilations);
    const geometry = { batch, channels, height, width, outChannels, group, kh, kw, oh, ow, rows, cols };
    convForward(x.data, node.params.weight.data, node.params.bias.data, out.data, geometry);
  },
};

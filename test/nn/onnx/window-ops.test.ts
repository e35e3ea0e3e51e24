import { describe, expect, it } from 'vitest';
import { FormatError, UnsupportedError, UnsupportedOpError } from '../../../src/core/errors.js';
import { forward } from '../../../src/nn/forward.js';
import type { AnyNode, Model } from '../../../src/nn/graph.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import {
  buildModel,
  floatTensor,
  intAttr,
  intsAttr,
  intTensor,
  node,
  ramp,
  stringAttr,
} from './onnx-builder.js';

const only = (model: Model, op: AnyNode['op']): AnyNode => {
  const found = model.nodes.filter((n) => n.op === op);
  expect(found).toHaveLength(1);
  return found[0]!;
};

/** A Conv with a 2×2 or 3×3 kernel of ones over a [1, 5, 5] input. */
function convModel(attributes: Parameters<typeof node>[3], kernel = 2, bias = true): Model {
  const w = floatTensor('w', [1, 1, kernel, kernel], new Array(kernel * kernel).fill(1));
  return importOnnx(
    buildModel({
      input: ['N', 1, 5, 5],
      nodes: [node('Conv', bias ? ['x', 'w', 'b'] : ['x', 'w'], ['y'], attributes, '/conv/Conv')],
      initializers: bias ? [w, floatTensor('b', [1], [0.5])] : [w],
    }),
  );
}

describe('importOnnx: Conv', () => {
  it('resolves auto_pad SAME_UPPER, SAME_LOWER and VALID to explicit pads', () => {
    const pads = (autoPad: string, kernel: number, stride: number) => {
      const model = convModel(
        [stringAttr('auto_pad', autoPad), intsAttr('strides', [stride, stride])],
        kernel,
      );
      const conv = only(model, 'conv');
      return { pads: conv.op === 'conv' ? conv.attributes.pads : [], shape: model.shapes.get(model.output) };
    };
    // in 5, k 2, s 1: out 5, total padding 1, the odd unit at the end (UPPER) or the beginning (LOWER)
    expect(pads('SAME_UPPER', 2, 1)).toEqual({ pads: [0, 0, 1, 1], shape: [1, 5, 5] });
    expect(pads('SAME_LOWER', 2, 1)).toEqual({ pads: [1, 1, 0, 0], shape: [1, 5, 5] });
    // in 5, k 3, s 2: out ⌈5/2⌉ = 3, total padding (3−1)·2 + 3 − 5 = 2
    expect(pads('SAME_UPPER', 3, 2)).toEqual({ pads: [1, 1, 1, 1], shape: [1, 3, 3] });
    expect(pads('VALID', 3, 2)).toEqual({ pads: [0, 0, 0, 0], shape: [1, 2, 2] });
  });

  it('reads strides, pads, dilations and group with ONNX’s names, and a missing bias as zeros', () => {
    const model = convModel(
      [intsAttr('pads', [1, 0, 1, 0]), intsAttr('dilations', [2, 1]), intAttr('group', 1)],
      2,
      false,
    );
    const conv = only(model, 'conv');
    expect(conv.attributes).toEqual({ strides: [1, 1], pads: [1, 0, 1, 0], dilations: [2, 1], group: 1 });
    expect(conv.op === 'conv' && Array.from(conv.params.bias.data)).toEqual([0]);
    expect(conv.layer).toBe('conv');
    const y = forward(model, { shape: [1, 1, 5, 5], data: Float32Array.from(ramp(25, 1)) }).output;
    // output (0, 0) reads rows −1 and 1 (dilation 2, top pad 1), columns 0 and 1: 0 + 0 + 5 + 6
    expect(y.data[0]).toBe(11);
  });

  it('refuses an unknown auto_pad value as a corrupt file and 1-D convolutions as unsupported', () => {
    expect(() => convModel([stringAttr('auto_pad', 'SAME')])).toThrow(FormatError);
    const conv1d = buildModel({
      input: ['N', 1, 5],
      nodes: [node('Conv', ['x', 'w'], ['y'])],
      initializers: [floatTensor('w', [1, 1, 2], [1, 1])],
    });
    expect(() => importOnnx(conv1d)).toThrow(UnsupportedError);
    expect(() => importOnnx(conv1d)).toThrow(/only 2-D convolutions/);
  });
});

describe('importOnnx: pooling', () => {
  const pool = (op: string, attributes: Parameters<typeof node>[3], outputs = ['y'], opset = 13) =>
    importOnnx(buildModel({ opset, input: ['N', 2, 6, 6], nodes: [node(op, ['x'], outputs, attributes)] }));

  it('translates MaxPool, ignoring an Indices output that nothing reads', () => {
    const model = pool(
      'MaxPool',
      [intsAttr('kernel_shape', [3, 3]), intsAttr('strides', [2, 2]), intAttr('ceil_mode', 1)],
      ['y', 'indices'],
    );
    expect(only(model, 'max_pool').attributes).toEqual({
      kernel: [3, 3],
      strides: [2, 2],
      pads: [0, 0, 0, 0],
      dilations: [1, 1],
      ceilMode: true,
    });
    expect(model.shapes.get(model.output)).toEqual([2, 3, 3]);
  });

  it('translates AveragePool with count_include_pad and (opset 19) dilations', () => {
    const model = pool(
      'AveragePool',
      [
        intsAttr('kernel_shape', [2, 2]),
        intsAttr('pads', [1, 1, 1, 1]),
        intAttr('count_include_pad', 1),
        intsAttr('dilations', [2, 2]),
      ],
      ['y'],
      19,
    );
    expect(only(model, 'avg_pool').attributes).toMatchObject({
      countIncludePad: true,
      dilations: [2, 2],
      pads: [1, 1, 1, 1],
    });
  });

  it('refuses pooling pads larger than the kernel', () => {
    expect(() => pool('MaxPool', [intsAttr('kernel_shape', [2, 2]), intsAttr('pads', [3, 3, 3, 3])])).toThrow(
      UnsupportedError,
    );
  });

  it('translates GlobalAveragePool and ReduceMean over both spatial axes to the global mean', () => {
    expect(pool('GlobalAveragePool', []).nodes.map((n) => n.op)).toEqual(['global_avg_pool']);
    const attr = pool('ReduceMean', [intsAttr('axes', [-2, -1])]);
    expect(attr.nodes.map((n) => n.op)).toEqual(['global_avg_pool']);
    const dropped = pool('ReduceMean', [intsAttr('axes', [2, 3]), intAttr('keepdims', 0)]);
    expect(dropped.nodes.map((n) => n.op)).toEqual(['global_avg_pool', 'reshape']);
    expect(dropped.shapes.get(dropped.output)).toEqual([2]);
  });

  it('reads ReduceMean axes from an input from opset 18 on, and averages over one axis with a pool', () => {
    const model = importOnnx(
      buildModel({
        opset: 18,
        input: ['N', 2, 6, 4],
        nodes: [node('ReduceMean', ['x', 'axes'], ['y'], [intAttr('keepdims', 0)])],
        initializers: [intTensor('axes', [1], [3])],
      }),
    );
    expect(model.shapes.get(model.output)).toEqual([2, 6]);
    const x = { shape: [1, 2, 6, 4], data: Float32Array.from(ramp(48, 1)) };
    // the mean of row (c, h) = 4h + 4·6c + 1.5
    expect(Array.from(forward(model, x).output.data.slice(0, 3))).toEqual([1.5, 5.5, 9.5]);
  });

  it('refuses ReduceMean over the batch axis or over everything; takes the channel axis as reduce_mean', () => {
    expect(() => pool('ReduceMean', [intsAttr('axes', [0, 1])])).toThrow(UnsupportedOpError);
    expect(() => pool('ReduceMean', [intsAttr('axes', [0])])).toThrow(/not the batch axis 0/);
    expect(() => pool('ReduceMean', [])).toThrow(/ReduceMean.*over every axis, the batch axis included/);
    expect(pool('ReduceMean', [intsAttr('axes', [1])]).nodes.map((n) => n.op)).toContain('reduce_mean');
  });
});

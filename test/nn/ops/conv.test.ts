import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import type { DType } from '../../../src/core/tensor.js';
import type { Node } from '../../../src/nn/graph.js';
import { applyOp, expectClose, RTOL, randomParam, randomTensor, rngOf } from '../support.js';
import { convRef } from './reference.js';

const SEED = 20240611;

const pad = fc.integer({ min: 0, max: 3 });

/** Random conv attributes (groups, asymmetric pads, strides, dilations) and an input that fits. */
const convCase = fc
  .record({
    group: fc.integer({ min: 1, max: 3 }),
    perGroupIn: fc.integer({ min: 1, max: 3 }),
    perGroupOut: fc.integer({ min: 1, max: 9 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilations: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    pads: fc.tuple(pad, pad, pad, pad),
    extra: fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })),
    batch: fc.integer({ min: 1, max: 2 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((c) => {
    const extent = (a: 0 | 1) => c.dilations[a] * (c.kernel[a] - 1) + 1;
    const height = Math.max(1, extent(0) - c.pads[0] - c.pads[2] + c.extra[0]);
    const width = Math.max(1, extent(1) - c.pads[1] - c.pads[3] + c.extra[1]);
    return { ...c, height, width };
  });
type ConvCase = typeof convCase extends fc.Arbitrary<infer T> ? T : never;

/** A conv node with seeded random weight and bias for a case. */
function convNode(rngSeed: number, c: ConvCase): Node<'conv'> {
  const rng = rngOf(rngSeed);
  const out = c.group * c.perGroupOut;
  return {
    op: 'conv',
    name: 'conv',
    layer: 'features.0',
    inputs: ['x'],
    output: 'y',
    attributes: { strides: c.strides, pads: c.pads, dilations: c.dilations, group: c.group },
    params: {
      weight: randomParam(rng, [out, c.perGroupIn, c.kernel[0], c.kernel[1]]),
      bias: randomParam(rng, [out]),
    },
  };
}

describe('nn/ops/conv', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`equals the naive grouped, strided, dilated, padded convolution in ${dtype}`, () => {
      fc.assert(
        fc.property(convCase, (c) => {
          const node = convNode(c.seed, c);
          const x = randomTensor(
            rngOf(c.seed + 1),
            [c.batch, c.group * c.perGroupIn, c.height, c.width],
            dtype,
          );
          const y = applyOp(node, [x]);
          expect(y.data).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
          expectClose(y, convRef(x, node.params.weight, node.params.bias, node.attributes), RTOL[dtype]);
        }),
        { seed: SEED, numRuns: 300 },
      );
    });

  it('equals the naive convolution on a layer spanning several tiles and register blocks', () => {
    // 10 output channels (two full blocks of 4 and an edge of 2), 13 × 11 = 143 positions.
    const c = {
      ...baseCase(),
      perGroupIn: 5,
      perGroupOut: 10,
      pads: [1, 2, 0, 1] as [number, number, number, number],
      height: 13,
      width: 10,
    };
    const node = convNode(3, c);
    for (const dtype of ['float32', 'float64'] as DType[]) {
      const x = randomTensor(rngOf(4), [2, 5, 13, 10], dtype);
      expectClose(
        applyOp(node, [x]),
        convRef(x, node.params.weight, node.params.bias, node.attributes),
        RTOL[dtype],
      );
    }
  });

  it('computes the output size ⌊(H + pt + pb − d·(k−1) − 1)/s⌋ + 1 on each axis', () => {
    const node = convNode(1, {
      group: 1,
      perGroupIn: 2,
      perGroupOut: 3,
      kernel: [3, 2],
      strides: [2, 3],
      dilations: [2, 1],
      pads: [1, 0, 2, 1],
      extra: [0, 0],
      batch: 1,
      seed: 1,
      height: 11,
      width: 7,
    });
    // height: ⌊(11 + 1 + 2 − 4 − 1)/2⌋ + 1 = 5; width: ⌊(7 + 0 + 1 − 1 − 1)/3⌋ + 1 = 3
    expect(applyOp(node, [randomTensor(rngOf(2), [1, 2, 11, 7])]).shape).toEqual([1, 3, 5, 3]);
  });

  it('rejects a weight whose input channels do not match the input, naming the node', () => {
    const node = convNode(1, { ...baseCase(), perGroupIn: 2 });
    expect(() => applyOp(node, [randomTensor(rngOf(2), [1, 3, 5, 5])])).toThrow(ShapeError);
    expect(() => applyOp(node, [randomTensor(rngOf(2), [1, 3, 5, 5])])).toThrow(
      /node "conv".*layer "features.0"/,
    );
  });

  it('rejects a group that does not divide the channels', () => {
    const node = { ...convNode(1, { ...baseCase(), perGroupIn: 2 }) };
    const bad = { ...node, attributes: { ...node.attributes, group: 4 } };
    expect(() => applyOp(bad, [randomTensor(rngOf(2), [1, 2, 5, 5])])).toThrow(InvalidArgumentError);
  });

  it('rejects a kernel larger than the padded input and a zero stride', () => {
    const node = convNode(1, { ...baseCase(), kernel: [4, 4] });
    expect(() => applyOp(node, [randomTensor(rngOf(2), [1, 1, 3, 3])])).toThrow(ShapeError);
    const zeroStride = { ...node, attributes: { ...node.attributes, strides: [0, 1] as const } };
    expect(() => applyOp(zeroStride, [randomTensor(rngOf(2), [1, 1, 8, 8])])).toThrow(/strides/);
  });
});

function baseCase(): ConvCase {
  return {
    group: 1,
    perGroupIn: 1,
    perGroupOut: 1,
    kernel: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    pads: [0, 0, 0, 0],
    extra: [0, 0],
    batch: 1,
    seed: 0,
    height: 5,
    width: 5,
  };
}

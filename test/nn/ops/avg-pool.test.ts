import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { type DType, tensor } from '../../../src/core/tensor.js';
import type { Node } from '../../../src/nn/graph.js';
import { applyOp, expectClose, RTOL, randomTensor, rngOf } from '../support.js';
import { type PoolCase, poolCase } from './pool-cases.js';
import { avgPoolRef } from './reference.js';

const SEED = 7002;

const avgPoolNode = (
  c: Pick<PoolCase, 'kernel' | 'strides' | 'pads' | 'dilations' | 'ceilMode' | 'countIncludePad'>,
): Node<'avg_pool'> => ({
  op: 'avg_pool',
  name: 'pool',
  layer: '5',
  inputs: ['x'],
  output: 'y',
  attributes: {
    kernel: c.kernel,
    strides: c.strides,
    pads: c.pads,
    dilations: c.dilations,
    ceilMode: c.ceilMode,
    countIncludePad: c.countIncludePad,
  },
  params: {},
});

/** x[r][c] = 4r + c on a 4×4 image. */
const ramp = tensor(
  [1, 1, 4, 4],
  Float64Array.from({ length: 16 }, (_, i) => i),
);

const border = (countIncludePad: boolean) =>
  avgPoolNode({
    kernel: [3, 3],
    strides: [2, 2],
    pads: [1, 1, 1, 1],
    dilations: [1, 1],
    ceilMode: true,
    countIncludePad,
  });

describe('nn/ops/avg-pool', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`equals the naive window mean in ${dtype} (count_include_pad, ceil mode, dilations, asymmetric pads)`, () => {
      fc.assert(
        fc.property(poolCase, (c) => {
          const node = avgPoolNode(c);
          const x = randomTensor(rngOf(c.seed), [c.batch, c.channels, c.height, c.width], dtype);
          const expected = avgPoolRef(x, c, c.countIncludePad);
          if (expected.data.some(Number.isNaN))
            expect(() => applyOp(node, [x])).toThrow(InvalidArgumentError);
          else expectClose(applyOp(node, [x]), expected, RTOL[dtype]);
        }),
        { seed: SEED, numRuns: 400 },
      );
    });

  it('counts padded taps but not the ceil-mode overhang when count_include_pad is true', () => {
    // Kernel 3, stride 2, pad 1, ceil mode on 4×4: windows start at padded rows 0, 2, 4.
    // Row divisors: 3 (rows −1..1), 3 (rows 1..3), 2 (rows 3..4; row 5 overhangs the padding).
    const y = applyOp(border(true), [ramp]);
    expect(y.shape).toEqual([1, 1, 3, 3]);
    const expected = [10 / 9, 24 / 9, 10 / 6, 51 / 9, 90 / 9, 33 / 6, 25 / 6, 42 / 6, 15 / 4];
    expectClose(y, tensor([1, 1, 3, 3], Float64Array.from(expected)), 1e-15);
  });

  it('divides by the in-input taps only when count_include_pad is false', () => {
    const y = applyOp(border(false), [ramp]);
    expectClose(y, tensor([1, 1, 3, 3], Float64Array.from([2.5, 4, 5, 8.5, 10, 11, 12.5, 14, 15])), 1e-15);
  });

  it('averages a dilated window over its taps only', () => {
    // Kernel 2 with dilation 2 on one row of 3: taps 0 and 2.
    const node = avgPoolNode({
      kernel: [1, 2],
      strides: [1, 1],
      pads: [0, 0, 0, 0],
      dilations: [1, 2],
      ceilMode: false,
      countIncludePad: false,
    });
    expect(Array.from(applyOp(node, [tensor([1, 1, 1, 3], Float64Array.from([1, 10, 5]))]).data)).toEqual([
      3,
    ]);
  });
});

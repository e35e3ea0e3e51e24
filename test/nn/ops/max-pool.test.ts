import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import { type DType, type Tensor, tensor } from '../../../src/core/tensor.js';
import type { Node } from '../../../src/nn/graph.js';
import { maxPoolWinners } from '../../../src/nn/ops/index.js';
import { applyOp, expectClose, RTOL, randomTensor, rngOf } from '../support.js';
import { type PoolCase, poolCase } from './pool-cases.js';
import { maxPoolRef } from './reference.js';

const SEED = 7001;

const maxPoolNode = (
  c: Pick<PoolCase, 'kernel' | 'strides' | 'pads' | 'dilations' | 'ceilMode'>,
): Node<'max_pool'> => ({
  op: 'max_pool',
  name: 'pool',
  layer: 'features.4',
  inputs: ['x'],
  output: 'y',
  attributes: {
    kernel: c.kernel,
    strides: c.strides,
    pads: c.pads,
    dilations: c.dilations,
    ceilMode: c.ceilMode,
  },
  params: {},
});

const simple = (kernel: number, stride: number, pad = 0, ceilMode = false) =>
  maxPoolNode({
    kernel: [kernel, kernel],
    strides: [stride, stride],
    pads: [pad, pad, pad, pad],
    dilations: [1, 1],
    ceilMode,
  });

describe('nn/ops/max-pool', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`equals the naive maximum over in-input taps in ${dtype} (strides, pads, dilations, ceil mode)`, () => {
      fc.assert(
        fc.property(poolCase, (c) => {
          const node = maxPoolNode(c);
          const x = randomTensor(rngOf(c.seed), [c.batch, c.channels, c.height, c.width], dtype);
          const expected = maxPoolRef(x, c);
          if (expected.data.some(Number.isNaN))
            expect(() => applyOp(node, [x])).toThrow(InvalidArgumentError);
          else expectClose(applyOp(node, [x]), expected, RTOL[dtype]);
        }),
        { seed: SEED, numRuns: 400 },
      );
    });

  // Few distinct values (±0, a subnormal, ties), so that windows tie often.
  const tieValues = [0, -0, 1, -1, 2, 5e-324, -5e-324, 1.5];
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`gives each window's first maximum and its index, bit for bit, in ${dtype} (taps tested one by one)`, () => {
      fc.assert(
        fc.property(poolCase, fc.infiniteStream(fc.constantFrom(...tieValues)), (c, stream) => {
          const node = maxPoolNode(c);
          const shape = [c.batch, c.channels, c.height, c.width];
          const size = shape.reduce((p, d) => p * d, 1);
          const draws = stream.take(size);
          const data = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
          let k = 0;
          for (const v of draws) data[k++] = v;
          const x = tensor(shape, data);
          let out: Tensor;
          try {
            out = applyOp(node, [x]);
          } catch (error) {
            // A window of padding only is rejected (the test above); nothing to compare.
            if (error instanceof InvalidArgumentError) return;
            throw error;
          }
          const [, , oh, ow] = out.shape as [number, number, number, number];
          const winners = maxPoolWinners(node, x, out.shape);
          let i = 0;
          for (let plane = 0; plane < c.batch * c.channels; plane++)
            for (let y = 0; y < oh; y++)
              for (let xo = 0; xo < ow; xo++) {
                let best = Number.NEGATIVE_INFINITY;
                let winner = -1;
                for (let u = 0; u < c.kernel[0]; u++)
                  for (let v = 0; v < c.kernel[1]; v++) {
                    const iy = y * c.strides[0] - c.pads[0] + u * c.dilations[0];
                    const ix = xo * c.strides[1] - c.pads[1] + v * c.dilations[1];
                    if (iy < 0 || iy >= c.height || ix < 0 || ix >= c.width) continue;
                    const at = plane * c.height * c.width + iy * c.width + ix;
                    if (winner < 0 || data[at]! > best) {
                      best = data[at]!;
                      winner = at;
                    }
                  }
                expect(winners[i]).toBe(winner);
                expect(Object.is(out.data[i], best)).toBe(true);
                i++;
              }
        }),
        { seed: SEED, numRuns: 300 },
      );
    });

  it('gives ties to the first maximum of the window in row-major order', () => {
    // Window 0 holds 3 at (0,1) and (1,0): the winner is (0,1), flat index 1.
    // Window 1 holds 3 at (0,2) and (1,3): the winner is (0,2), flat index 2.
    const x = tensor([1, 1, 2, 4], Float32Array.from([1, 3, 3, 0, 3, 2, 1, 3]));
    const node = simple(2, 2);
    expect(Array.from(applyOp(node, [x]).data)).toEqual([3, 3]);
    expect(Array.from(maxPoolWinners(node, x, [1, 1, 1, 2]))).toEqual([1, 2]);
  });

  it('sends a constant window to its top-left tap, in every sample and channel', () => {
    const x = tensor([2, 2, 2, 2], new Float32Array(16));
    expect(Array.from(maxPoolWinners(simple(2, 2), x, [2, 2, 1, 1]))).toEqual([0, 4, 8, 12]);
  });

  it('never lets a padded tap win, even over negative inputs', () => {
    const x = tensor([1, 1, 2, 2], Float32Array.from([-5, -6, -7, -8]));
    const node = simple(2, 1, 1);
    // 3×3 windows of the 4×4 padded input; each sees only real taps as candidates.
    expect(Array.from(applyOp(node, [x]).data)).toEqual([-5, -5, -6, -5, -5, -6, -7, -7, -8]);
    expect(Array.from(maxPoolWinners(node, x, [1, 1, 3, 3]))).toEqual([0, 0, 1, 0, 0, 1, 2, 2, 3]);
  });

  it('drops a ceil-mode window that would start in the right padding (PyTorch rule)', () => {
    // H = W = 3, kernel 2, stride 2, pad 1: ⌈(3 + 2 − 1 − 1)/2⌉ + 1 = 3, but window 2 would
    // start at padded position 4 = H + pad, so 2 windows remain.
    const x = tensor([1, 1, 3, 3], Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(applyOp(simple(2, 2, 1, true), [x]).shape).toEqual([1, 1, 2, 2]);
    // H = W = 5, kernel 2, stride 2, no pad: ceil mode keeps the overhanging third window.
    const y = tensor(
      [1, 1, 5, 5],
      Float32Array.from({ length: 25 }, (_, i) => i),
    );
    const pooled = applyOp(simple(2, 2, 0, true), [y]);
    expect(pooled.shape).toEqual([1, 1, 3, 3]);
    expect(Array.from(pooled.data)).toEqual([6, 8, 9, 16, 18, 19, 21, 23, 24]);
  });

  it('rejects a window that covers padding only, and a non-3-D input', () => {
    const node = maxPoolNode({
      kernel: [1, 1],
      strides: [1, 1],
      pads: [1, 0, 0, 0],
      dilations: [1, 1],
      ceilMode: false,
    });
    expect(() => applyOp(node, [randomTensor(rngOf(1), [1, 1, 2, 2])])).toThrow(/covers padding only/);
    expect(() => applyOp(simple(2, 2), [randomTensor(rngOf(1), [1, 4, 4])])).toThrow(ShapeError);
  });
});

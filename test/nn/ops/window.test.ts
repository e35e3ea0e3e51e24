import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outputLength, validOutputs } from '../../../src/nn/ops/index.js';
import { windowCount } from './reference.js';

const axisCase = fc.record({
  length: fc.integer({ min: 1, max: 20 }),
  kernel: fc.integer({ min: 1, max: 5 }),
  stride: fc.integer({ min: 1, max: 4 }),
  padBegin: fc.integer({ min: 0, max: 3 }),
  padEnd: fc.integer({ min: 0, max: 3 }),
  dilation: fc.integer({ min: 1, max: 3 }),
  ceilMode: fc.boolean(),
});

describe('nn/ops/window', () => {
  it('gives as many outputs as there are windows under PyTorch’s floor and ceil rules', () => {
    fc.assert(
      fc.property(axisCase, (a) => {
        const expected = windowCount(
          a.length,
          a.kernel,
          a.stride,
          a.padBegin,
          a.padEnd,
          a.dilation,
          a.ceilMode,
        );
        expect(Math.max(0, outputLength(a.length, a, a.ceilMode))).toBe(expected);
      }),
      { seed: 7007, numRuns: 1000 },
    );
  });

  it('matches hand-computed sizes', () => {
    const axis = (kernel: number, stride: number, pad: number) => ({
      kernel,
      stride,
      padBegin: pad,
      padEnd: pad,
      dilation: 1,
    });
    expect(outputLength(5, axis(2, 2, 0), false)).toBe(2);
    expect(outputLength(5, axis(2, 2, 0), true)).toBe(3);
    expect(outputLength(6, axis(3, 2, 1), true)).toBe(4);
    expect(outputLength(3, axis(2, 2, 1), true)).toBe(2); // the third window would start in the padding
    expect(outputLength(224, axis(3, 1, 1), false)).toBe(224);
  });

  it('finds exactly the outputs whose tap lies inside the input', () => {
    fc.assert(
      fc.property(axisCase, fc.integer({ min: 0, max: 4 }), (a, t) => {
        const tap = t % a.kernel;
        const out = Math.max(0, outputLength(a.length, a, a.ceilMode));
        const [lo, hi] = validOutputs(tap, a.length, out, a);
        for (let i = 0; i < out; i++) {
          const p = i * a.stride - a.padBegin + tap * a.dilation;
          expect(i >= lo && i < hi).toBe(p >= 0 && p < a.length);
        }
      }),
      { seed: 7008, numRuns: 500 },
    );
  });
});

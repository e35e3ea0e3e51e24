import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import { type DType, sizeOf } from '../../../src/core/tensor.js';
import type { Node } from '../../../src/nn/graph.js';
import { applyOp, expectClose, RTOL, randomParam, randomTensor, rngOf } from '../support.js';

const bnNode = (seed: number, channels: number, epsilon = 1e-5): Node<'batch_norm'> => {
  const rng = rngOf(seed);
  return {
    op: 'batch_norm',
    name: 'bn',
    layer: 'block.bn',
    inputs: ['x'],
    output: 'y',
    attributes: { epsilon },
    params: {
      scale: randomParam(rng, [channels], -2, 2),
      bias: randomParam(rng, [channels]),
      mean: randomParam(rng, [channels]),
      variance: randomParam(rng, [channels], 0, 3),
    },
  };
};

describe('nn/ops/batch-norm', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`equals (x − μ)/√(σ² + ε)·γ + β per channel of axis 0 in ${dtype}, for [C] and [C, H, W]`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 5 }),
          fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          (channels, rest, seed) => {
            const node = bnNode(seed, channels);
            const x = randomTensor(rngOf(seed + 1), [2, channels, ...rest], dtype);
            const inner = sizeOf(rest);
            const expected = new Float64Array(x.data.length);
            const { scale, bias, mean, variance } = node.params;
            for (let n = 0; n < 2; n++)
              for (let c = 0; c < channels; c++)
                for (let i = 0; i < inner; i++) {
                  const at = (n * channels + c) * inner + i;
                  expected[at] =
                    ((x.data[at]! - mean.data[c]!) / Math.sqrt(variance.data[c]! + 1e-5)) * scale.data[c]! +
                    bias.data[c]!;
                }
            expectClose(applyOp(node, [x]), { shape: x.shape, data: expected }, RTOL[dtype]);
          },
        ),
        { seed: 7005, numRuns: 200 },
      );
    });

  it('rejects statistics of the wrong length', () => {
    expect(() => applyOp(bnNode(1, 3), [randomTensor(rngOf(1), [1, 4, 2, 2])])).toThrow(ShapeError);
  });

  it('rejects a variance + ε that is not positive instead of dividing by zero', () => {
    const node = bnNode(1, 2, 0);
    node.params.variance.data[1] = 0;
    expect(() => applyOp(node, [randomTensor(rngOf(1), [1, 2])])).toThrow(InvalidArgumentError);
    expect(() => applyOp(node, [randomTensor(rngOf(1), [1, 2])])).toThrow(/channel 1/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  conv2d,
  flatten,
  globalAvgPool2d,
  type Layer,
  linear,
  maxPool2d,
  relu,
  sequential,
} from '../../../src/nn/builder/index.js';
import { forward } from '../../../src/nn/forward.js';
import type { Model } from '../../../src/nn/graph.js';
import { backward, GradientBuffers } from '../../../src/nn/train/index.js';
import { expectGradientsMatch, randomCase } from './finite-differences.js';

/** Window attributes of a pooling layer (pads at most half the kernel, as PyTorch requires). */
const arbWindow = fc
  .record({
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    ceilMode: fc.boolean(),
    countIncludePad: fc.boolean(),
    padTop: fc.boolean(),
    padLeft: fc.boolean(),
  })
  .map((w) => ({
    ...w,
    padding: [
      w.padTop ? Math.floor(w.kernel[0] / 2) : 0,
      w.padLeft ? Math.floor(w.kernel[1] / 2) : 0,
      Math.floor(w.kernel[0] / 2),
      Math.floor(w.kernel[1] / 2),
    ],
  }));

/** Every pooling layer the trainer differentiates, as a description (readable counterexamples). */
type Window = typeof arbWindow extends fc.Arbitrary<infer W> ? W : never;
type PoolSpec =
  | { kind: 'max_pool' | 'avg_pool'; window: Window }
  | { kind: 'global_avg_pool' }
  | { kind: 'adaptive_avg_pool'; size: [number, number] };

const arbPool: fc.Arbitrary<PoolSpec> = fc.oneof(
  arbWindow.map((window): PoolSpec => ({ kind: 'max_pool', window })),
  arbWindow.map((window): PoolSpec => ({ kind: 'avg_pool', window })),
  fc.constant<PoolSpec>({ kind: 'global_avg_pool' }),
  fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
    .map((size): PoolSpec => ({ kind: 'adaptive_avg_pool', size })),
);

function poolLayer(spec: PoolSpec): Layer {
  switch (spec.kind) {
    case 'max_pool':
      return maxPool2d(spec.window.kernel, spec.window);
    case 'avg_pool':
      return avgPool2d(spec.window.kernel, spec.window);
    case 'global_avg_pool':
      return globalAvgPool2d();
    case 'adaptive_avg_pool':
      return adaptiveAvgPool2d(spec.size);
    default: {
      const never: never = spec;
      return never;
    }
  }
}

/** input [2, h, w] → conv 3×3 (pad 1) → pool → relu → flatten → linear → 3 classes. */
function poolNet(pool: Layer, size: [number, number], seed: number): Model | undefined {
  const front = [conv2d(2, 3, 3, { padding: 1 }), pool, relu(), flatten()];
  try {
    const features = sequential([2, ...size], front);
    const width = features.shapes.get(features.output)![0]!;
    return sequential([2, ...size], [...front, linear(width, 3)], { seed });
  } catch {
    return undefined; // a window that does not fit the input
  }
}

describe('the pooling backward passes', () => {
  it('match central finite differences for max, average, global and adaptive pooling', () => {
    const checked = new Map<string, number>();
    fc.assert(
      fc.property(
        arbPool,
        fc.tuple(fc.integer({ min: 3, max: 8 }), fc.integer({ min: 3, max: 8 })),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(1000),
        fc.nat(1000),
        (pool, size, batch, seed, dataSeed) => {
          const model = poolNet(poolLayer(pool), size, seed);
          fc.pre(model !== undefined);
          const report = expectGradientsMatch(randomCase(model!, batch, dataSeed));
          checked.set(pool.kind, (checked.get(pool.kind) ?? 0) + report.checked);
        },
      ),
      { seed: 0x9001, numRuns: 150 },
    );
    for (const kind of ['max_pool', 'avg_pool', 'global_avg_pool', 'adaptive_avg_pool'])
      expect(checked.get(kind), kind).toBeGreaterThan(200);
  });

  it('send a max-pool gradient to the first maximum of a tied window, as PyTorch does', () => {
    const model = sequential(
      [1, 2, 2],
      [conv2d(1, 1, 1, { weight: [1], bias: [0] }), maxPool2d(2), flatten()],
    );
    const activations = forward(model, { shape: [1, 1, 2, 2], data: Float32Array.from([0.5, 2, 2, 1]) });
    const buffers = new GradientBuffers(model, 1);
    backward(model, activations, Float32Array.from([3]), buffers);
    // ∂L/∂(conv output) = 3 at the first 2 (row-major), 0 at the tied second one.
    expect(Array.from(buffers.tensor(model.nodes[0]!.output))).toEqual([0, 3, 0, 0]);
    // ∂L/∂w = Σ ∂z·a over the winners only: 3·2.
    expect(Array.from(buffers.params.get('0')!.weight!)).toEqual([6]);
  });

  it('spread an average-pool gradient over the taps of each window, overlapping ones summed', () => {
    const rng = new Rng(5);
    const model = sequential(
      [1, 3, 3],
      [conv2d(1, 1, 1, { weight: [1], bias: [0] }), avgPool2d(2, { stride: 1 }), flatten()],
    );
    const activations = forward(model, { shape: [1, 1, 3, 3], data: rng.uniformArray(9, -1, 1) });
    const buffers = new GradientBuffers(model, 1);
    backward(model, activations, Float32Array.from([4, 8, 12, 16]), buffers);
    // The centre is in all four windows: (4 + 8 + 12 + 16) / 4; a corner in one: 4 / 4.
    expect(Array.from(buffers.tensor(model.nodes[0]!.output))).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });
});

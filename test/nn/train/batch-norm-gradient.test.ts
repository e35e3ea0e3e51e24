import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import {
  batchNorm,
  conv2d,
  flatten,
  linear,
  maxPool2d,
  relu,
  sequential,
} from '../../../src/nn/builder/index.js';
import type { Model, Node } from '../../../src/nn/graph.js';
import { FROZEN_PARAMETERS, isTrainableParameter, sgd, train } from '../../../src/nn/train/index.js';
import { expectGradientsMatch, randomCase } from './finite-differences.js';

/** Random running statistics and affine parameters for `channels` channels (σ² in [0.2, 2]). */
function randomBatchNorm(channels: number, rng: Rng, epsilon: number) {
  return batchNorm(channels, {
    scale: rng.uniformArray(channels, -2, 2),
    bias: rng.uniformArray(channels, -1, 1),
    mean: rng.uniformArray(channels, -0.5, 0.5),
    variance: rng.uniformArray(channels, 0.2, 2),
    epsilon,
  });
}

/** BatchNorm2d after a conv and BatchNorm1d after a dense layer. */
function batchNormNet(channels: number, hidden: number, epsilon: number, seed: number): Model {
  const rng = new Rng(seed);
  return sequential(
    [2, 5, 5],
    [
      conv2d(2, channels, 3),
      randomBatchNorm(channels, rng, epsilon),
      relu(),
      maxPool2d(2, { ceilMode: true }),
      flatten(),
      linear(channels * 4, hidden),
      randomBatchNorm(hidden, rng, epsilon),
      relu(),
      linear(hidden, 3),
    ],
    { seed },
  );
}

describe('the batch_norm backward pass (inference mode)', () => {
  it('matches central finite differences for the input, γ, β and the running statistics', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(1e-5, 1e-3, 0.1),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(1000),
        fc.nat(1000),
        (channels, hidden, epsilon, batch, seed, dataSeed) => {
          const model = batchNormNet(channels, hidden, epsilon, seed);
          checked += expectGradientsMatch(randomCase(model, batch, dataSeed)).checked;
        },
      ),
      { seed: 0xb4, numRuns: 40 },
    );
    expect(checked).toBeGreaterThan(2000);
  });

  it('leaves the running statistics as they were in training, and learns γ and β', () => {
    expect(FROZEN_PARAMETERS.batch_norm).toEqual(['mean', 'variance']);
    expect(isTrainableParameter('batch_norm', 'scale')).toBe(true);
    expect(isTrainableParameter('conv', 'weight')).toBe(true);
    const model = batchNormNet(3, 4, 1e-5, 1);
    const data = randomCase(model, 40, 2);
    const images = { shape: [...data.shape], data: Float32Array.from(data.x) };
    // Weight decay pulls on every parameter it is applied to: the running statistics must not move.
    const optimizer = sgd({ learningRate: 0.05, momentum: 0.9, weightDecay: 0.01 });
    const trained = train(model, { images, labels: data.labels }, { epochs: 2, batchSize: 8, optimizer });
    const norms = (m: Model) => m.nodes.filter((n): n is Node<'batch_norm'> => n.op === 'batch_norm');
    norms(trained).forEach((after, i) => {
      const before = norms(model)[i]!;
      expect(after.params.mean.data).toEqual(before.params.mean.data);
      expect(after.params.variance.data).toEqual(before.params.variance.data);
      expect(after.params.scale.data).not.toEqual(before.params.scale.data);
      expect(after.params.bias.data).not.toEqual(before.params.bias.data);
    });
  });
});

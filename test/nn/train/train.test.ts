import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError, UnsupportedError } from '../../../src/core/errors.js';
import { Rng } from '../../../src/core/rng.js';
import { conv2d, flatten, linear, maxPool2d, relu, sequential } from '../../../src/nn/builder/index.js';
import { forward } from '../../../src/nn/forward.js';
import type { AnyNode, Model } from '../../../src/nn/graph.js';
import { OPS } from '../../../src/nn/ops/index.js';
import {
  adam,
  assertTrainable,
  backward,
  evaluateModel,
  GradientBuffers,
  sgd,
  softmaxCrossEntropy,
  TRAINABLE_OPS,
  train,
} from '../../../src/nn/train/index.js';

/** Mean cross-entropy of a model in float64, for finite differences. */
function loss64(model: Model, x: Float64Array, shape: number[], labels: number[]): number {
  return softmaxCrossEntropy(forward(model, { shape, data: x }, { dtype: 'float64' }).output, labels).loss;
}

/**
 * 8×8 images of one bar on noise: class 0 horizontal, 1 vertical, 2 diagonal, at a random place.
 */
function barImages(n: number, seed: number) {
  const rng = new Rng(seed);
  const images = new Float32Array(n * 64);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    const image = images.subarray(i * 64, (i + 1) * 64);
    for (let p = 0; p < 64; p++) image[p] = 0.3 * rng.next();
    const [y, x] = [rng.int(0, 5), rng.int(0, 5)];
    for (let t = 0; t < 4; t++) {
      const [py, px] = c === 0 ? [y, x + t] : c === 1 ? [y + t, x] : [y + t, x + t];
      image[py * 8 + px] = 1;
    }
  }
  return { images: { shape: [n, 1, 8, 8], data: images }, labels };
}

/** Two Gaussian blobs per class in 4-D, linearly separable enough for a small MLP. */
function blobs(n: number, seed: number) {
  const rng = new Rng(seed);
  const images = new Float32Array(n * 4);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let d = 0; d < 4; d++) images[i * 4 + d] = (d === c ? 2 : 0) + 0.5 * rng.normal();
  }
  return { images: { shape: [n, 4], data: images }, labels };
}

describe('the backward pass', () => {
  it('matches central finite differences on a dense ReLU net', () => {
    const model = sequential([5], [linear(5, 4), relu(), linear(4, 3)], { seed: 7 });
    const rng = new Rng(3);
    const shape = [3, 5];
    const x64 = Float64Array.from({ length: 15 }, () => rng.uniform(-1, 1));
    const labels = [0, 2, 1];
    const activations = forward(model, { shape, data: Float32Array.from(x64) });
    const { gradient } = softmaxCrossEntropy(activations.output, labels);
    const buffers = new GradientBuffers(model, 3);
    backward(model, activations, gradient, buffers);
    for (const node of model.nodes) {
      for (const [key, p] of Object.entries(node.params as Record<string, { data: Float32Array }>)) {
        const analytic = buffers.params.get(node.name)![key]!;
        for (let i = 0; i < p.data.length; i++) {
          const original = p.data[i]!;
          const h = 1e-3;
          p.data[i] = original + h;
          const up = loss64(model, x64, shape, labels);
          p.data[i] = original - h;
          const down = loss64(model, x64, shape, labels);
          p.data[i] = original;
          const numeric = (up - down) / (2 * h);
          expect(Math.abs(analytic[i]! - numeric), `${node.name}.${key}[${i}]`).toBeLessThan(
            1e-4 + 1e-2 * Math.abs(numeric),
          );
        }
      }
    }
  });
});

describe('train', () => {
  const data = blobs(300, 1);

  it('learns a separable problem with Adam and with SGD with momentum', () => {
    for (const optimizer of [adam({ learningRate: 1e-2 }), sgd({ learningRate: 0.05, momentum: 0.9 })]) {
      const model = sequential([4], [linear(4, 8), relu(), linear(8, 3)], { seed: 2 });
      const before = evaluateModel(model, data);
      const trained = train(model, data, { epochs: 15, batchSize: 16, optimizer, seed: 5 });
      const after = evaluateModel(trained, data);
      expect(after.loss).toBeLessThan(before.loss / 2);
      expect(after.accuracy).toBeGreaterThan(0.9);
      // The model given is left as it was.
      expect(evaluateModel(model, data)).toEqual(before);
    }
  });

  it('is reproducible for a seed and changes with it', () => {
    const model = sequential([4], [linear(4, 8), relu(), linear(8, 3)], { seed: 2 });
    const run = (seed: number) => train(model, data, { epochs: 2, batchSize: 10, seed }).nodes[0]!.params;
    const a = run(1) as { weight: { data: Float32Array } };
    const b = run(1) as { weight: { data: Float32Array } };
    const c = run(2) as { weight: { data: Float32Array } };
    expect(a.weight.data).toEqual(b.weight.data);
    expect(a.weight.data).not.toEqual(c.weight.data);
  });

  it('follows a learning-rate schedule and reports every epoch', () => {
    const optimizer = adam();
    const rates: number[] = [];
    const model = sequential([4], [linear(4, 3)], { seed: 2 });
    train(model, data, {
      epochs: 3,
      optimizer,
      schedule: (e) => 10 ** -e,
      onEpoch: (r) => {
        rates.push(optimizer.learningRate);
        expect(r.accuracy).toBeGreaterThanOrEqual(0);
      },
    });
    expect(rates).toEqual([0.1, 0.01, 0.001]);
  });

  it('refuses bad data and options with typed errors', () => {
    const model = sequential([4], [linear(4, 3)], { seed: 2 });
    expect(() =>
      train(model, { images: { shape: [2, 5], data: new Float32Array(10) }, labels: [0, 1] }, { epochs: 1 }),
    ).toThrow(ShapeError);
    expect(() =>
      train(model, { images: data.images, labels: data.labels.subarray(1) }, { epochs: 1 }),
    ).toThrow(/labels for/);
    expect(() =>
      train(model, { images: { shape: [1, 4], data: new Float32Array(4) }, labels: [3] }, { epochs: 1 }),
    ).toThrow(/label 0 is 3, not a class in \[0, 3\)/);
    expect(() => train(model, data, { epochs: 1, batchSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => sgd({ learningRate: -1 })).toThrow(/learningRate must be positive/);
  });

  it('learns to tell bars apart with a small convolutional net', () => {
    const bars = barImages(600, 3);
    const model = sequential([1, 8, 8], [conv2d(1, 4, 3), relu(), maxPool2d(2), flatten(), linear(36, 3)], {
      seed: 4,
    });
    const before = evaluateModel(model, bars);
    const trained = train(model, bars, { epochs: 8, batchSize: 16, optimizer: adam({ learningRate: 1e-2 }) });
    const after = evaluateModel(trained, bars);
    expect(before.accuracy).toBeLessThan(0.6);
    expect(after.accuracy).toBeGreaterThan(0.95);
    expect(after.loss).toBeLessThan(before.loss / 4);
  });

  it('differentiates every operator, and names a node whose operator it cannot', () => {
    expect([...TRAINABLE_OPS].sort()).toEqual(Object.keys(OPS).sort());
    const cnn = sequential([1, 4, 4], [conv2d(1, 2, 3), flatten(), linear(8, 2)], { seed: 1 });
    expect(() => assertTrainable(cnn)).not.toThrow();
    // A model assembled by hand, bypassing createModel's operator check.
    const node = { ...cnn.nodes[1]!, op: 'lstm', layer: 'act' } as unknown as AnyNode;
    const handmade: Model = { ...cnn, nodes: [cnn.nodes[0]!, node, cnn.nodes[2]!] };
    expect(() => assertTrainable(handmade)).toThrow(UnsupportedError);
    expect(() => assertTrainable(handmade)).toThrow(/layer "act" is a lstm/);
  });
});

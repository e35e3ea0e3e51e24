/**
 * Training a classifier: mini-batch gradient descent on softmax cross-entropy, with batches drawn
 * in a seeded random order each epoch, so that a run is reproducible. Every operator can be
 * trained; BatchNorm is trained in inference mode (its γ and β learn, its running statistics are
 * not updated: `FROZEN_PARAMETERS`), and Dropout is the identity.
 *
 * The model given is not changed: training works on a copy of its parameters and returns the
 * trained model.
 */
import { assertArgument, ShapeError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { showShape, sizeOf, type Tensor } from '../../core/tensor.js';
import { forward } from '../forward.js';
import type { AnyNode, Model } from '../graph.js';
import { forgetModifiedParameters } from '../lrp/linear-layer.js';
import { createModel } from '../model.js';
import { assertTrainable, backward, GradientBuffers } from './backward.js';
import { type Evaluation, evaluateModel } from './evaluate.js';
import { isTrainableParameter } from './gradients.js';
import { softmaxCrossEntropy } from './loss.js';
import { adam, type Optimizer } from './optimizers.js';

/** Labelled samples: a batch tensor of inputs and one class per sample. */
export interface Dataset {
  readonly images: Tensor;
  readonly labels: ArrayLike<number>;
}

/** What is reported after each epoch. */
export interface EpochReport {
  readonly epoch: number;
  /** Mean training loss and accuracy over the epoch's batches. */
  readonly loss: number;
  readonly accuracy: number;
  /** On the validation set, if one was given. */
  readonly validation?: Evaluation;
  readonly seconds: number;
}

/** Options of `train`. */
export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize?: number;
  readonly optimizer?: Optimizer;
  /** Seeds the order of the mini-batches. */
  readonly seed?: number;
  readonly validation?: Dataset;
  /** The learning rate of each epoch (1-based), set on the optimizer before the epoch starts. */
  readonly schedule?: (epoch: number) => number;
  /** Called after every epoch. */
  readonly onEpoch?: (report: EpochReport) => void;
}

/** The defaults: batch 64, Adam (lr 1e-3), seed 0. */
export const TRAIN_DEFAULTS = { batchSize: 64, seed: 0 } as const;

/** Trains `model` on `data` and returns the trained model. */
export function train(model: Model, data: Dataset, options: TrainOptions): Model {
  const { epochs, batchSize = TRAIN_DEFAULTS.batchSize, seed = TRAIN_DEFAULTS.seed } = options;
  assertArgument(
    Number.isInteger(epochs) && epochs >= 0,
    'train',
    () => `epochs must be a whole number, got ${epochs}`,
  );
  assertArgument(
    Number.isInteger(batchSize) && batchSize >= 1,
    'train',
    () => `batchSize must be a positive integer, got ${batchSize}`,
  );
  assertTrainable(model);
  checkDataset(model, data, 'train');
  const optimizer = options.optimizer ?? adam();
  const trained = copyParameters(model);
  const n = data.images.shape[0]!;
  const perSample = sizeOf(trained.shapes.get(trained.input)!);
  const rng = new Rng(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  const buffers = new GradientBuffers(trained, batchSize);
  const batchX = new Float32Array(batchSize * perSample);
  const batchY = new Int32Array(batchSize);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    if (options.schedule) optimizer.learningRate = options.schedule(epoch);
    rng.shuffle(order);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      for (let b = 0; b < size; b++) {
        const i = order[start + b]!;
        batchX.set(data.images.data.subarray(i * perSample, (i + 1) * perSample), b * perSample);
        batchY[b] = data.labels[i]!;
      }
      const x = {
        shape: [size, ...trained.shapes.get(trained.input)!],
        data: batchX.subarray(0, size * perSample),
      };
      const activations = forward(trained, x);
      const {
        loss,
        gradient,
        correct: right,
      } = softmaxCrossEntropy(activations.output, batchY.subarray(0, size));
      lossSum += loss * size;
      correct += right;
      backward(trained, activations, gradient, buffers);
      optimizer.beginStep();
      for (const node of trained.nodes)
        for (const [key, p] of Object.entries(node.params as Record<string, Tensor<Float32Array>>))
          if (isTrainableParameter(node.op, key))
            optimizer.step(p.data, buffers.params.get(node.name)![key]!);
      forgetModifiedParameters();
    }
    options.onEpoch?.({
      epoch,
      loss: lossSum / n,
      accuracy: correct / n,
      ...(options.validation ? { validation: evaluateModel(trained, options.validation) } : {}),
      seconds: (performance.now() - started) / 1000,
    });
  }
  return trained;
}

/** Checks that a dataset fits a model: [N, …inputShape] inputs and N integer labels in range. */
export function checkDataset(model: Model, data: Dataset, where: string): void {
  const expected = [data.images.shape[0]!, ...model.shapes.get(model.input)!];
  if (data.images.shape.length !== expected.length || data.images.shape.some((d, i) => d !== expected[i]))
    throw new ShapeError(
      `${where}: images`,
      showShape(['N', ...expected.slice(1)] as never),
      showShape(data.images.shape),
    );
  assertArgument(
    data.labels.length === expected[0],
    where,
    () => `${data.labels.length} labels for ${expected[0]} images; give one label per image`,
  );
  const classes = sizeOf(model.shapes.get(model.output)!);
  for (let i = 0; i < data.labels.length; i++) {
    const y = data.labels[i]!;
    assertArgument(
      Number.isInteger(y) && y >= 0 && y < classes,
      where,
      () => `label ${i} is ${y}, not a class in [0, ${classes})`,
    );
  }
}

/** The same model with its own copies of every parameter. */
function copyParameters(model: Model): Model {
  const nodes = model.nodes.map((node) => ({
    ...node,
    params: Object.fromEntries(
      Object.entries(node.params as Record<string, Tensor<Float32Array>>).map(([key, p]) => [
        key,
        { shape: p.shape, data: p.data.slice() },
      ]),
    ),
  })) as AnyNode[];
  return createModel({
    input: model.input,
    inputShape: model.shapes.get(model.input)!,
    output: model.output,
    nodes,
    ...(model.strippedOutput ? { strippedOutput: model.strippedOutput } : {}),
  });
}

/**
 * Evaluating a classifier on labelled data: accuracy and mean cross-entropy, in batches so that
 * the forward pass's activations stay small.
 */
import { sizeOf } from '../../core/tensor.js';
import { forward } from '../forward.js';
import type { Model } from '../graph.js';
import { softmaxCrossEntropy } from './loss.js';
import { checkDataset, type Dataset } from './trainer.js';

/** Accuracy and loss on a dataset. */
export interface Evaluation {
  readonly accuracy: number;
  readonly loss: number;
  readonly samples: number;
}

/** Evaluates `model` on `data`, `batchSize` samples at a time. */
export function evaluateModel(model: Model, data: Dataset, batchSize = 500): Evaluation {
  checkDataset(model, data, 'evaluateModel');
  const n = data.images.shape[0]!;
  const perSample = sizeOf(model.shapes.get(model.input)!);
  let correct = 0;
  let loss = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const x = {
      shape: [size, ...model.shapes.get(model.input)!],
      data: data.images.data.subarray(start * perSample, (start + size) * perSample),
    };
    const labels = Array.from({ length: size }, (_, i) => data.labels[start + i]!);
    const result = softmaxCrossEntropy(forward(model, x).output, labels);
    correct += result.correct;
    loss += result.loss * size;
  }
  return { accuracy: n > 0 ? correct / n : 0, loss: n > 0 ? loss / n : 0, samples: n };
}

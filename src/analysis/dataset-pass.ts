/**
 * A data-set pass of an experiment: the relevance of many samples of an MNIST split under a
 * shipped model, each explained for its true class, in a few settings (pruning's rankings over
 * 10,000 training images, the masks' hundreds of test images). By default it runs here, one trace
 * per chunk of samples (`relevanceOf`); the command line hands the experiments a pass that runs on
 * the jobs layer instead (src/jobs: a local pool of worker threads, or a queue across machines),
 * which gives the same numbers.
 */
import { sizeOf } from '../core/tensor.js';
import { loadMnist, type MnistSplit } from '../nn/datasets/index.js';
import { loadShippedModel, type ShippedModelName } from '../nn/zoo/index.js';
import { type RelevanceRequest, relevanceOf } from './klrp-set.js';
import type { Progress } from './progress.js';

/** What a data-set pass computes. */
export interface DatasetPass<Key extends string> {
  readonly model: ShippedModelName;
  readonly split: MnistSplit;
  /** The samples, as indices into the split, ascending. */
  readonly samples: readonly number[];
  readonly requests: Readonly<Record<Key, RelevanceRequest>>;
}

/**
 * Computes a pass: per request, the relevance of the samples in their order, flat. Advances
 * `progress` by one step per sample and request.
 */
export type DatasetRelevance = <Key extends string>(
  pass: DatasetPass<Key>,
  progress: Progress,
) => Promise<Record<Key, Float64Array>>;

/** A pass computed on this thread. */
export const inProcessRelevance: DatasetRelevance = async (pass, progress) => {
  const model = loadShippedModel(pass.model);
  const last = pass.samples.at(-1) ?? -1;
  const data = loadMnist(pass.split, { limit: last + 1 });
  const per = sizeOf(model.shapes.get(model.input)!);
  const images = new Float32Array(pass.samples.length * per);
  pass.samples.forEach((i, n) => {
    images.set(data.images.data.subarray(i * per, (i + 1) * per), n * per);
  });
  const targets = pass.samples.map((i) => data.labels[i]!);
  return relevanceOf(model, images, targets, pass.samples.length, pass.requests, progress);
};

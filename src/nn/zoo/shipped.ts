/**
 * The models that ship with provlrp, trained on MNIST (or the two-digit MNIST built from it) by
 * `npm run train:mnist` and stored in `models/` in the native format: each with its architecture,
 * its data set and its training recipe.
 */
import { NotFoundError } from '../../core/errors.js';
import { nodeBuiltin } from '../../core/node-builtin.js';
import { loadMnist, loadTwoDigitMnist, type MnistSplit } from '../datasets/index.js';
import type { Model } from '../graph.js';
import { loadModel } from '../native-format.js';
import { adam } from '../train/optimizers.js';
import type { Dataset, TrainOptions } from '../train/trainer.js';
import { cnn } from './cnn.js';
import { mlp } from './mlp.js';

/** A shipped model: where it is stored, how it is built, on what data and how it is trained. */
export interface ShippedModel {
  readonly file: string;
  readonly description: string;
  readonly architecture: () => Model;
  /** The data set it is trained (`train`) and evaluated (`test`) on (its first `limit` samples). */
  readonly data: (split: MnistSplit, limit?: number) => Dataset;
  readonly training: () => Omit<TrainOptions, 'validation' | 'onEpoch'>;
}

/** MNIST itself, or its first `limit` samples. */
const mnistData = (split: MnistSplit, limit?: number): Dataset =>
  loadMnist(split, limit === undefined ? {} : { limit });

/** The shipped models by name. */
export const SHIPPED_MODELS = {
  mlp: {
    file: 'mnist-mlp.provlrp',
    description: "the report's MLP 784-300-100-10 (ReLU) on MNIST",
    architecture: () => mlp({ seed: 1 }),
    data: mnistData,
    training: () => ({
      epochs: 6,
      batchSize: 64,
      seed: 0,
      optimizer: adam({ learningRate: 1e-3 }),
      schedule: (epoch: number) => (epoch <= 3 ? 1e-3 : epoch <= 5 ? 5e-4 : 2.5e-4),
    }),
  },
  cnn: {
    file: 'mnist-cnn.provlrp',
    description: 'a small LeNet-like CNN (conv 8, conv 16, dense 64, 10; ReLU, max-pooling) on MNIST',
    architecture: () => cnn({ seed: 1 }),
    data: mnistData,
    training: () => ({
      epochs: 5,
      batchSize: 64,
      seed: 0,
      optimizer: adam({ learningRate: 1e-3 }),
      schedule: (epoch: number) => (epoch <= 3 ? 1e-3 : epoch === 4 ? 5e-4 : 2.5e-4),
    }),
  },
  dmnist: {
    file: 'dmnist-mlp.provlrp',
    description: "the report's two-digit MLP 1568-600-200-10 (ReLU) on two-digit MNIST (56 × 28)",
    architecture: () => mlp({ inputShape: [1, 56, 28], widths: [600, 200, 10], seed: 1 }),
    data: (split: MnistSplit, limit?: number) =>
      loadTwoDigitMnist(split, limit === undefined ? {} : { limit }),
    training: () => ({
      epochs: 5,
      batchSize: 64,
      seed: 0,
      optimizer: adam({ learningRate: 1e-3 }),
      schedule: (epoch: number) => (epoch <= 3 ? 1e-3 : epoch === 4 ? 5e-4 : 2.5e-4),
    }),
  },
} satisfies Record<string, ShippedModel>;

/** A shipped model's name. */
export type ShippedModelName = keyof typeof SHIPPED_MODELS;

/** The folder of the shipped model files, beside the package's `src/` or `dist/`. */
export const SHIPPED_MODELS_DIR: string = modelsFolder();

/**
 * The models folder as a path, or as a URL where there is no file system. A bundle whose own URL
 * cannot be a base (a `data:` or `blob:` script) has none, hence ''; loading then fails on the file
 * access, and the bytes have to come another way (`decodeModel`).
 */
function modelsFolder(): string {
  let url: URL;
  try {
    url = new URL('../../../models/', import.meta.url);
  } catch {
    return '';
  }
  return nodeBuiltin('node:url')?.fileURLToPath(url) ?? url.href;
}

/** Loads a shipped model. */
export function loadShippedModel(name: ShippedModelName): Model {
  if (!Object.hasOwn(SHIPPED_MODELS, name))
    throw new NotFoundError('shipped model', name, Object.keys(SHIPPED_MODELS));
  return loadModel(`${SHIPPED_MODELS_DIR}${SHIPPED_MODELS[name].file}`);
}

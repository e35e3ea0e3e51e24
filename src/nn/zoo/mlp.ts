/**
 * The MLP of the report (PAPER.md): images flattened, then dense layers with ReLU between them,
 * 784-300-100-10 for MNIST by default. Layers are named as PyTorch's `nn.Sequential(nn.Flatten(),
 * nn.Linear(784, 300), nn.ReLU(), …)` names its children: '0' (flatten), '1' (dense), '2' (relu), ….
 */
import { assertArgument } from '../../core/errors.js';
import type { Layer } from '../builder/index.js';
import { flatten, linear, relu, sequential } from '../builder/index.js';
import type { Model } from '../graph.js';

/** Options of `mlp`. */
export interface MlpOptions {
  /** Per-sample input shape (default an MNIST image, [1, 28, 28]). */
  readonly inputShape?: readonly number[];
  /** Widths of the hidden layers and the output (default [300, 100, 10]). */
  readonly widths?: readonly number[];
  /** Seed of the default (PyTorch-style) initialisation. */
  readonly seed?: number;
}

/** A multilayer perceptron with ReLU activations. */
export function mlp({ inputShape = [1, 28, 28], widths = [300, 100, 10], seed = 0 }: MlpOptions = {}): Model {
  assertArgument(widths.length >= 1, 'mlp', () => 'give at least the output width');
  const layers: Layer[] = [flatten()];
  let width = inputShape.reduce((p, d) => p * d, 1);
  widths.forEach((next, i) => {
    layers.push(linear(width, next));
    if (i < widths.length - 1) layers.push(relu());
    width = next;
  });
  return sequential(inputShape, layers, { seed });
}

/**
 * `sequential`: a chain of layers, as PyTorch's `nn.Sequential`. Layers are named as its children
 * are, '0', '1', '2', … (or by `names`); each layer is one node whose name, layer name and output
 * tensor are that name; the last layer's output is the model's output.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { Model } from '../graph.js';
import { type BuildOptions, GraphBuilder } from './graph-builder.js';
import type { Layer } from './layer.js';

/** Options of `sequential`. */
export interface SequentialOptions extends BuildOptions {
  /** One name per layer; default '0', '1', '2', …. */
  readonly names?: readonly string[];
}

/** A model that applies `layers` in turn to an input of per-sample shape `inputShape`. */
export function sequential(
  inputShape: readonly number[],
  layers: readonly Layer[],
  options: SequentialOptions = {},
): Model {
  if (layers.length === 0) throw new InvalidArgumentError('sequential', 'needs at least one layer');
  const names = options.names ?? layers.map((_, i) => String(i));
  if (names.length !== layers.length)
    throw new InvalidArgumentError(
      'sequential',
      `got ${names.length} names for ${layers.length} layers; give one name per layer`,
    );
  const builder = new GraphBuilder(inputShape, options);
  let tensor = builder.input;
  layers.forEach((layer, i) => {
    tensor = builder.apply(layer, tensor, { name: names[i]! });
  });
  return builder.build(tensor);
}

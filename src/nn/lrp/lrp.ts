/**
 * `lrp()`: provlrp's plain reference backward pass of real-valued LRP, exactly as zennit computes
 * it (the fixture README's conventions). One forward pass, then the nodes in reverse topological
 * order: each passes the relevance at its output to its inputs under its composite's rule, and a
 * tensor read by several nodes sums what they pass back.
 */
import { InvalidArgumentError, OverflowError } from '../../core/errors.js';
import { firstNonFinite } from '../../core/finite.js';
import type { DType, FloatArray, Tensor } from '../../core/tensor.js';
import { forward } from '../forward.js';
import type { Model } from '../graph.js';
import { layerOutput } from '../layers.js';
import type { Composite } from './composite.js';
import { type CompositeOptions, compositeByName, DEFAULT_COMPOSITE } from './composites.js';
import { nodeRelevance } from './relevance.js';
import { outputSeed, type SeedOptions } from './seed.js';

/** Options of `lrp`. */
export interface LrpOptions extends SeedOptions, CompositeOptions {
  /** A composite name or object (default `epsilon_plus_flat`). */
  readonly composite?: string | Composite;
  /** Return the relevance at this layer's output instead of at the input. */
  readonly layer?: string;
  /** The compute precision (default float32). */
  readonly dtype?: DType;
}

/**
 * The LRP relevance of `x` (a batch, [N, …inputShape]): a tensor of the input's exact shape, or
 * of the layer output's with `layer`.
 */
export function lrp(model: Model, x: Tensor, options: LrpOptions = {}): Tensor {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new InvalidArgumentError('lrp', `dtype must be float32 or float64, got ${String(dtype)}`);
  const composite =
    typeof options.composite === 'object'
      ? options.composite
      : compositeByName(options.composite ?? DEFAULT_COMPOSITE, options);
  const rules = composite.assign(model);
  const activations = forward(model, x, { dtype });
  const wanted = options.layer === undefined ? model.input : layerOutput(model, options.layer);
  const relevance = new Map<string, FloatArray>([
    [model.output, outputSeed(activations.output, dtype, options)],
  ]);
  const stopAt = model.nodes.findIndex((node) => node.output === wanted);
  for (let i = model.nodes.length - 1; i > stopAt; i--) {
    const node = model.nodes[i]!;
    const R = relevance.get(node.output);
    if (R === undefined) continue; // nothing reached this node (a branch that does not lead to the output)
    const passed = nodeRelevance(
      model,
      node,
      rules.get(node.name)!,
      activations.inputsOf(node),
      activations.outputOf(node),
      R,
    );
    node.inputs.forEach((name, k) => {
      const rIn = passed[k]!;
      assertFiniteRelevance(rIn, node.layer, dtype);
      const sum = relevance.get(name);
      if (sum === undefined) relevance.set(name, rIn === R ? rIn.slice() : rIn);
      else for (let j = 0; j < sum.length; j++) sum[j] = sum[j]! + rIn[j]!;
    });
  }
  const shape = activations.get(wanted).shape;
  const data = relevance.get(wanted) ?? activations.get(wanted).data.slice().fill(0);
  return { shape, data };
}

/** Relevance that overflowed (a logit seed of 1e38, s = R/z over a tiny z) stops here, named. */
function assertFiniteRelevance(R: FloatArray, layer: string, dtype: DType): void {
  const i = firstNonFinite(R);
  if (i >= 0)
    throw new OverflowError(
      'lrp',
      layer,
      `the relevance passed down by layer "${layer}" overflowed ${dtype} (element ${i} is ${R[i]}); ` +
        (dtype === 'float32'
          ? 'compute in float64 (--dtype float64, or dtype: "float64")'
          : 'seed with onehot'),
    );
}

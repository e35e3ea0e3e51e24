/**
 * `lrp()`: real-valued LRP, exactly as zennit computes it (the fixture README's conventions). One
 * forward pass, then the propagation driver over the nodes in reverse topological order: each
 * passes the relevance at its output to its inputs under its composite's rule, and a tensor read
 * by several nodes sums what they pass back.
 */
import { InvalidArgumentError, OverflowError } from '../../core/errors.js';
import { firstNonFinite } from '../../core/finite.js';
import { type PropagationVisitor, propagate, startPropagation } from '../../core/propagate.js';
import { allocate, type DType, type FloatArray, sizeOf, type Tensor } from '../../core/tensor.js';
import { type Activations, forward } from '../forward.js';
import type { AnyNode, Model } from '../graph.js';
import { layerOutput, producerOf } from '../layers.js';
import { accumulate } from './accumulate.js';
import type { Composite } from './composite.js';
import { type CompositeOptions, compositeByName, DEFAULT_COMPOSITE } from './composites.js';
import type { LinearStatistics } from './linear-relevance.js';
import type { Rule } from './rule.js';
import { outputSeed, type SeedOptions } from './seed.js';
import { nodeRelevance } from './steps/index.js';

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
  const seeds = new Map([[model.output, outputSeed(activations.output, dtype, options)]]);
  const state = startPropagation(model.nodes, seeds, { release: true });
  const stopAt = model.nodes.findIndex((node) => node.output === wanted);
  const visitor = finiteRelevance(
    model,
    dtype,
    lrpVisitor(model, activations, (node) => rules.get(node.name)!),
  );
  return {
    shape: activations.get(wanted).shape,
    data: propagate(model.nodes, state, stopAt, wanted, visitor),
  };
}

/**
 * Real LRP as a propagation visitor: each node passes its output relevance to its inputs under
 * its rule (`nodeRelevance`), in the activations' dtype. `lrp()` and the circuit's real relevance
 * under the identity annotation both run exactly this, so they agree bit for bit; `linear` hands
 * in step i's linear statistics where the caller keeps them (it is asked for every step).
 */
export function lrpVisitor(
  model: Model,
  activations: Activations,
  ruleOf: (node: AnyNode) => Rule,
  linear?: (step: number) => LinearStatistics | undefined,
): PropagationVisitor<FloatArray> {
  const batch = activations.batch;
  return {
    zero: (tensor) => allocate(activations.dtype, batch * sizeOf(model.shapes.get(tensor)!)),
    visit(i, upper, lower, fresh) {
      const node = model.nodes[i]!;
      const passed = nodeRelevance(
        model,
        node,
        ruleOf(node),
        activations.inputsOf(node),
        activations.outputOf(node),
        upper,
        linear?.(i),
      );
      lower.forEach((sum, k) => {
        accumulate(sum, 1, passed[k]!, fresh[k]!);
      });
    },
  };
}

/**
 * `visitor`, with each tensor's relevance checked once it is complete: relevance that overflowed
 * (a logit seed of 1e38, s = R/z over a tiny z) stops here, naming the layer at whose output it is.
 */
function finiteRelevance(
  model: Model,
  dtype: DType,
  visitor: PropagationVisitor<FloatArray>,
): PropagationVisitor<FloatArray> {
  return {
    ...visitor,
    complete(tensor, relevance) {
      visitor.complete?.(tensor, relevance);
      const i = firstNonFinite(relevance);
      if (i < 0) return;
      const layer = producerOf(model, tensor)?.layer ?? 'input';
      throw new OverflowError(
        'lrp',
        layer,
        `the relevance at the output of layer "${layer}" overflowed ${dtype} (element ${i} is ${relevance[i]}); ` +
          (dtype === 'float32'
            ? 'compute in float64 (--dtype float64, or dtype: "float64")'
            : 'seed with onehot'),
      );
    },
  };
}

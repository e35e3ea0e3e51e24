/**
 * The provenance circuit of a model (DESIGN.md §3): a graphology `MultiDirectedGraph` with one
 * node per tensor and one edge per (operator, input) pair, directed from the input tensor to the
 * output tensor. Each edge carries its token family — the abstract tokens x[layer, j, k] of the
 * operator's connectivity (dense, conv, pool, identity, add), implicit and indexed, never listed —
 * and whether it carries tokens at all (DESIGN.md §1b: linear layers, average pooling and residual
 * sums do; structural layers do not; max-pooling only under the proportional and average rules).
 *
 * The graph is small even for VGG-16: it is the network, not its neurons. Its plan (plan.ts),
 * derived once, is what every evaluator runs; `without` and `cone` give circuits of the same kind
 * with knock-outs. `trace(batch)` runs one forward pass and returns the `Trace` that concretises
 * the circuit in any semiring.
 */

import { MultiDirectedGraph } from 'graphology';
import { ArrayPool } from '../core/array-pool.js';
import { type MimeBundle, withDisplay } from '../core/display.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { DType, Tensor } from '../core/tensor.js';
import type { Model, OpName } from '../nn/graph.js';
import { layerNames, layerOutput, nodesOfLayer, producerOf } from '../nn/layers.js';
import { type Connectivity, opOf } from '../nn/ops/index.js';
import { type ExpandedCircuit, type ExpandOptions, expand } from './expand.js';
import { CircuitPlan, type Knockouts, NO_KNOCKOUTS, tokensOf } from './plan.js';
import { Trace } from './trace.js';

/** A tensor of the model, as a circuit node. */
export interface CircuitNodeAttributes {
  readonly shape: readonly number[];
  readonly role: 'input' | 'hidden' | 'output';
}

/** An (operator, input) pair, as a circuit edge. */
export interface CircuitEdgeAttributes {
  /** The model node (operator application) the edge belongs to. */
  readonly node: string;
  readonly layer: string;
  readonly op: OpName;
  /** Which input of the operator the edge comes from. */
  readonly input: number;
  readonly family: Connectivity;
  /** `true`, `false`, or `'rule'` where the composite's rule decides (max-pooling). */
  readonly tokens: boolean | 'rule';
}

/** A neuron: element `index` (per sample) of a layer's output, or of the model input (`layer: 'input'`). */
export interface NeuronRef {
  readonly layer: string;
  readonly index: number;
}

/** A tokenised edge x[layer, j, k] (DESIGN.md §1b). */
export interface EdgeRef {
  readonly layer: string;
  readonly j: number;
  readonly k: number;
}

/** What `Circuit.without` knocks out. */
export interface KnockoutSpec {
  readonly neurons?: readonly NeuronRef[];
  readonly edges?: readonly EdgeRef[];
}

/** A compiled model. */
/**
 * The bytes of dropped relevance a circuit keeps for reuse: every tensor of a batch of 100 MNIST
 * digits through the shipped models (a data-set job's chunk) several times over; a small part of
 * a large network's.
 */
const RELEVANCE_POOL_BYTES = 64 * 2 ** 20;

export class Circuit {
  /** The circuit as a graph. */
  readonly graph: MultiDirectedGraph<CircuitNodeAttributes, CircuitEdgeAttributes>;
  /** What the evaluators run: derived once from the graph. */
  readonly plan: CircuitPlan;
  /** Relevance accumulators its traces dropped, for the next ones (see array-pool.ts). */
  readonly arrays = new ArrayPool(RELEVANCE_POOL_BYTES);

  constructor(
    readonly model: Model,
    knockouts: Knockouts = NO_KNOCKOUTS,
  ) {
    const graph = new MultiDirectedGraph<CircuitNodeAttributes, CircuitEdgeAttributes>();
    for (const [tensor, shape] of model.shapes)
      graph.addNode(tensor, {
        shape,
        role: tensor === model.input ? 'input' : tensor === model.output ? 'output' : 'hidden',
      });
    for (const node of model.nodes) {
      const family = opOf(node).connectivity;
      const tokens = tokensOf(node);
      node.inputs.forEach((tensor, input) => {
        graph.addDirectedEdgeWithKey(`${node.name}#${input}`, tensor, node.output, {
          node: node.name,
          layer: node.layer,
          op: node.op,
          input,
          family,
          tokens,
        });
      });
    }
    this.graph = graph;
    this.plan = new CircuitPlan(model, knockouts);
    withDisplay(this, circuitBundle, 'circuit');
  }

  /** One forward pass of `batch` ([N, …inputShape]) in `dtype` (default float32). */
  trace(batch: Tensor, dtype: DType = 'float32', options: { memoBytes?: number } = {}): Trace {
    return new Trace(this, batch, dtype, options.memoBytes);
  }

  /**
   * The circuit without some neurons and edges: every evaluation of it equals the full circuit's
   * under an annotation that maps each knocked-out edge, and each edge into or out of a
   * knocked-out neuron, to the semiring's 0, and a knocked-out neuron's own relevance is 0. Its
   * traces run the full model forward. Knock-outs add up over repeated calls.
   */
  without(spec: KnockoutSpec): Circuit {
    const { model } = this;
    const neurons = new Map<string, Set<number>>();
    for (const [tensor, indices] of this.plan.knockouts.neurons) neurons.set(tensor, new Set(indices));
    const layers = new Set(layerNames(model));
    for (const { layer, index } of spec.neurons ?? []) {
      // `input` is the model input, as in neuron names R[input,k], unless a layer has that name.
      const tensor = layer === 'input' && !layers.has(layer) ? model.input : layerOutput(model, layer);
      checkIndex(`neuron ${layer}`, index, this.plan.size(tensor));
      const set = neurons.get(tensor) ?? new Set<number>();
      set.add(index);
      neurons.set(tensor, set);
    }
    const edges = new Map<string, Set<number>>();
    for (const [layer, keys] of this.plan.knockouts.edges) edges.set(layer, new Set(keys));
    for (const { layer, j, k } of spec.edges ?? []) {
      if (!layers.has(layer)) layerOutput(model, layer); // a NotFoundError listing the layers
      const step = this.plan.steps.find((s) => s.node.layer === layer && s.tokens === true);
      if (step === undefined)
        throw new InvalidArgumentError(
          `edge x[${layer},${j},${k}]`,
          `layer "${layer}" has no edges that always carry tokens (linear layers, average pooling and ` +
            'residual sums have; max-pooling only under some rules); knock out a neuron instead',
        );
      const inputs = nodesOfLayer(model, layer)[0]!.inputs.reduce((n, t) => n + this.plan.size(t), 0);
      checkIndex(`edge x[${layer},${j},${k}] input`, j, inputs);
      checkIndex(`edge x[${layer},${j},${k}] output`, k, step.outputSize);
      const keys = edges.get(layer) ?? new Set<number>();
      keys.add(j * step.outputSize + k);
      edges.set(layer, keys);
    }
    return new Circuit(model, { neurons, edges });
  }

  /** The cone of output class `target`: the circuit without every other output neuron. */
  cone(target: number): Circuit {
    const classes = this.plan.size(this.model.output);
    checkIndex('cone target', target, classes);
    const output = producerOf(this.model, this.model.output)!.layer;
    const others = Array.from({ length: classes }, (_, index) => ({ layer: output, index }));
    return this.without({ neurons: others.filter((n) => n.index !== target) });
  }

  /**
   * The neuron-level graph of one sample of a trace of this circuit: the whole net, a target's
   * cone, one input's paths, or the edges whose annotation is non-zero (see `expand`).
   */
  expand(trace: Trace, options: ExpandOptions = {}): ExpandedCircuit {
    if (trace.circuit !== this)
      throw new InvalidArgumentError(
        'Circuit.expand',
        'the trace belongs to another circuit (another model, or other knock-outs); trace this circuit first',
      );
    return expand(trace, options);
  }
}

function checkIndex(what: string, index: number, size: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= size)
    throw new InvalidArgumentError(what, `the index must be an integer in [0, ${size - 1}], got ${index}`);
}

/** Compiles a model into its provenance circuit. */
export const compile = (model: Model): Circuit => new Circuit(model);

/** A circuit's text form in notebooks (its picture is provlrp/viz's): tensors and layers. */
function circuitBundle(circuit: Circuit): MimeBundle {
  const { graph } = circuit;
  return {
    'text/plain': `Circuit: ${graph.order} tensors, ${graph.size} edges (${circuit.model.nodes.map((n) => n.layer).join(' → ')})`,
  };
}

/**
 * The provenance circuit of a model (DESIGN.md §3): a graphology `MultiDirectedGraph` with one
 * node per tensor and one edge per (operator, input) pair, directed from the input tensor to the
 * output tensor. Each edge carries its token family — the abstract tokens x[layer, j, k] of the
 * operator's connectivity (dense, conv, pool, identity, add), implicit and indexed, never listed —
 * and whether it carries tokens at all (DESIGN.md §1b: linear layers, average pooling and residual
 * sums do; structural layers do not; max-pooling only under the proportional and average rules).
 *
 * The graph is small even for VGG-16: it is the network, not its neurons. `trace(batch)` runs one
 * forward pass and returns the `Trace` that concretises the circuit in any semiring.
 */
import { MultiDirectedGraph } from 'graphology';
import { InvalidArgumentError } from '../core/errors.js';
import type { DType, Tensor } from '../core/tensor.js';
import type { Model, OpName } from '../nn/graph.js';
import { type Connectivity, opOf } from '../nn/ops/index.js';
import { type ExpandedCircuit, type ExpandOptions, expand } from './expand.js';
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

/** A compiled model. */
export class Circuit {
  /** The circuit as a graph. */
  readonly graph: MultiDirectedGraph<CircuitNodeAttributes, CircuitEdgeAttributes>;

  constructor(readonly model: Model) {
    const graph = new MultiDirectedGraph<CircuitNodeAttributes, CircuitEdgeAttributes>();
    for (const [tensor, shape] of model.shapes)
      graph.addNode(tensor, {
        shape,
        role: tensor === model.input ? 'input' : tensor === model.output ? 'output' : 'hidden',
      });
    for (const node of model.nodes) {
      const { connectivity: family, lrp } = opOf(node);
      const tokens = lrp === 'selection' ? 'rule' : lrp === 'linear' || lrp === 'residual';
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
  }

  /** One forward pass of `batch` ([N, …inputShape]) in `dtype` (default float32). */
  trace(batch: Tensor, dtype: DType = 'float32'): Trace {
    return new Trace(this.model, batch, dtype);
  }

  /**
   * The neuron-level graph of one sample of a trace of this circuit: the whole net, a target's
   * cone, one input's paths, or the edges whose annotation is non-zero (see `expand`).
   */
  expand(trace: Trace, options: ExpandOptions = {}): ExpandedCircuit {
    if (trace.model !== this.model)
      throw new InvalidArgumentError(
        'Circuit.expand',
        'the trace belongs to another model; trace this circuit first',
      );
    return expand(trace, options);
  }
}

/** Compiles a model into its provenance circuit. */
export const compile = (model: Model): Circuit => new Circuit(model);

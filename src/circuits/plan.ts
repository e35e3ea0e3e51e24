/**
 * The plan of a circuit: what every evaluator reads, derived once from the circuit's graph when
 * it is compiled (DESIGN.md §3). One step per operator application in topological order, with
 * its per-sample shapes, where each of its inputs starts when they are laid end to end, the map
 * from its input indices to its layer's (tokens are named in layer coordinates, DESIGN.md §1b),
 * and whether its edges carry tokens. A restricted circuit (`Circuit.without`) has the same steps
 * and a set of knock-outs: neurons whose relevance is 0, and tokenised edges that carry nothing.
 */
import type { PropagationStep } from '../core/propagate.js';
import { elements, type NodeShapes, nodeShapes } from '../nn/connectivity/connectivity.js';
import type { AnyNode, Model } from '../nn/graph.js';
import { opOf } from '../nn/ops/index.js';
import { type LayerIndexMap, layerIndexMap } from './token-index.js';

/** One operator application, as the evaluators see it. */
export interface CircuitStep extends PropagationStep {
  /** Its position in topological order. */
  readonly index: number;
  readonly node: AnyNode;
  readonly shapes: NodeShapes;
  /** Per-sample elements of each input, where each starts when laid end to end, and their sum. */
  readonly inputSizes: readonly number[];
  readonly inputOffsets: readonly number[];
  readonly inputSize: number;
  readonly outputSize: number;
  /** Input index → the layer's input index (−1 for padding). */
  readonly toLayer: LayerIndexMap;
  /** Whether its edges carry tokens; `'rule'` where the composite's rule decides (max-pooling). */
  readonly tokens: boolean | 'rule';
}

/** What a restricted circuit leaves out. */
export interface Knockouts {
  /** Per tensor, the per-sample element indices whose relevance is 0. */
  readonly neurons: ReadonlyMap<string, ReadonlySet<number>>;
  /** Per layer, the tokenised edges (layer coordinates j, k) that carry nothing, as j·outputs + k. */
  readonly edges: ReadonlyMap<string, ReadonlySet<number>>;
}

/** Whether a node's edges carry tokens (DESIGN.md §1b), by its operator's LRP category. */
export function tokensOf(node: AnyNode): boolean | 'rule' {
  const { lrp } = opOf(node);
  return lrp === 'selection' ? 'rule' : lrp === 'linear' || lrp === 'residual' || lrp === 'explicit';
}

/** No knock-outs. */
export const NO_KNOCKOUTS: Knockouts = { neurons: new Map(), edges: new Map() };

/** A circuit's plan. */
export class CircuitPlan {
  readonly steps: readonly CircuitStep[];
  private readonly producers = new Map<string, number>();

  constructor(
    readonly model: Model,
    readonly knockouts: Knockouts = NO_KNOCKOUTS,
  ) {
    this.steps = model.nodes.map((node, index) => {
      const shapes = nodeShapes(model, node);
      const inputSizes = shapes.inputs.map(elements);
      const inputOffsets: number[] = [];
      let at = 0;
      for (const size of inputSizes) {
        inputOffsets.push(at);
        at += size;
      }
      this.producers.set(node.output, index);
      return {
        index,
        node,
        inputs: node.inputs,
        output: node.output,
        shapes,
        inputSizes,
        inputOffsets,
        inputSize: at,
        outputSize: elements(shapes.output),
        toLayer: layerIndexMap(model, node),
        tokens: tokensOf(node),
      };
    });
  }

  /** The per-sample elements of a tensor. */
  size(tensor: string): number {
    return elements(this.model.shapes.get(tensor)!);
  }

  /** The index of the step producing `tensor`, −1 for the model input. */
  producer(tensor: string): number {
    return this.producers.get(tensor) ?? -1;
  }

  /** Which input of a step an index of its inputs laid end to end falls in, and where. */
  locate(step: CircuitStep, j: number): [input: number, local: number] {
    let input = 0;
    while (input + 1 < step.inputOffsets.length && j >= step.inputOffsets[input + 1]!) input++;
    return [input, j - step.inputOffsets[input]!];
  }

  /**
   * The knocked-out edges of a step (layer coordinates, j·outputs + k), if any: only steps whose
   * edges always carry tokens have them (`Circuit.without` refuses others). A factored form does not
   * see single edges, so such a step runs edge by edge.
   */
  removedEdges(step: CircuitStep): ReadonlySet<number> | undefined {
    return step.tokens === true ? this.knockouts.edges.get(step.node.layer) : undefined;
  }
}

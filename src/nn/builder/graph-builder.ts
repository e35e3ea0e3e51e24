/**
 * The graph builder: layers placed on named tensors, for models with branches (residual sums,
 * concatenations). Each `apply` builds one node, infers its output shape at once (so a mistake is
 * reported at the call that made it) and returns the name of its output tensor:
 *
 *   graph([3, 8, 8], (g) => {
 *     const x = g.apply(conv2d(3, 4, 3, { padding: 1 }), g.input, { name: 'conv0' });
 *     const y = g.apply(relu(), g.apply(conv2d(4, 4, 3, { padding: 1 }), x, { name: 'block.conv' }));
 *     return g.apply(add(), [y, x], { name: 'block' });
 *   });
 */
import { InvalidArgumentError, NotFoundError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { AnyNode, Model } from '../graph.js';
import { createModel } from '../model.js';
import { opOf } from '../ops/index.js';
import type { Layer } from './layer.js';

/** Options of `graph` and `sequential`. */
export interface BuildOptions {
  /** Seed of the generator that draws default parameters, in the order layers are applied; default 0. */
  readonly seed?: number;
  /** Name of the input tensor; default `input`. */
  readonly input?: string;
}

/** Where `apply` puts a layer: the node's name (also its output tensor's) and its layer name. */
export interface ApplyOptions {
  /** Default: `<op>_<index>`, the index counting the nodes applied so far. */
  readonly name?: string;
  /** Default: the node's name. Nodes of one module (a Pad and its AvgPool) may share a layer. */
  readonly layer?: string;
}

/** Places layers on tensors; see the file header. */
export class GraphBuilder {
  /** The name of the model's input tensor. */
  readonly input: string;
  private readonly inputShape: readonly number[];
  private readonly nodes: AnyNode[] = [];
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly nodeNames = new Set<string>();
  private readonly rng: Rng;

  constructor(inputShape: readonly number[], options: BuildOptions = {}) {
    this.input = options.input ?? 'input';
    this.inputShape = [...inputShape];
    this.rng = new Rng(options.seed ?? 0);
    // createModel checks the input shape too; checking here reports it before any layer.
    createModel({ input: this.input, inputShape, output: this.input, nodes: [] });
    this.shapes.set(this.input, this.inputShape);
  }

  /** Applies a layer to one input tensor or several; returns the name of its output tensor. */
  apply(layer: Layer, inputs: string | readonly string[], options: ApplyOptions = {}): string {
    const names = typeof inputs === 'string' ? [inputs] : [...inputs];
    const inputShapes = names.map((name) => {
      const shape = this.shapes.get(name);
      if (shape === undefined) throw new NotFoundError('tensor', name, [...this.shapes.keys()]);
      return shape;
    });
    const name = options.name ?? `${layer.op}_${this.nodes.length}`;
    if (this.nodeNames.has(name) || this.shapes.has(name))
      throw new InvalidArgumentError(
        'graph',
        `the name "${name}" is already used by a node or tensor; give each layer a unique name`,
      );
    const node = layer.build({
      name,
      layer: options.layer ?? name,
      inputs: names,
      inputShapes,
      rng: this.rng,
    });
    this.shapes.set(node.output, opOf(node).inferShape(node, inputShapes));
    this.nodeNames.add(node.name);
    this.nodes.push(node);
    return node.output;
  }

  /** The per-sample shape of a tensor built so far. */
  shape(tensor: string): readonly number[] {
    const shape = this.shapes.get(tensor);
    if (shape === undefined) throw new NotFoundError('tensor', tensor, [...this.shapes.keys()]);
    return shape;
  }

  /** The model whose output is `output` (validated by `createModel`). */
  build(output: string): Model {
    return createModel({ input: this.input, inputShape: this.inputShape, output, nodes: this.nodes });
  }
}

/**
 * A model from a function that places layers with a `GraphBuilder` and returns the output tensor.
 */
export function graph(
  inputShape: readonly number[],
  define: (g: GraphBuilder) => string,
  options: BuildOptions = {},
): Model {
  const builder = new GraphBuilder(inputShape, options);
  return builder.build(define(builder));
}

/**
 * Building a `Model` from its parts: `createModel` validates a node list and infers every tensor's
 * per-sample shape with the operators' `inferShape` (the `OPS` table). Every model provlrp holds
 * went through it, so the rest of the library may rely on what it checks:
 * - node names are unique, and so are output tensor names (none equal to the input's);
 * - every input a node reads is the model input or the output of an earlier node (topological order);
 * - the model output is produced by some node (or is the input itself);
 * - attributes are valid and parameters have the shapes their operator expects.
 */
import { InvalidArgumentError, NotFoundError } from '../core/errors.js';
import { showShape } from '../core/tensor.js';
import type { AnyNode, Model, StrippedOutput } from './graph.js';
import { describeNode } from './ops/checks.js';
import { OPS, opOf } from './ops/index.js';

/** What a model is built from. */
export interface ModelSpec {
  /** Name of the input tensor. */
  readonly input: string;
  /** Per-sample shape of the input (without the batch axis). */
  readonly inputShape: readonly number[];
  /** Name of the output tensor (the logits). */
  readonly output: string;
  /** The nodes, in topological order (every tensor defined before it is read). */
  readonly nodes: readonly AnyNode[];
  /** The probability layer that was stripped after the logits, if any. */
  readonly strippedOutput?: StrippedOutput;
}

const WHERE = 'createModel';

/**
 * Validates a model and infers the per-sample shape of every tensor.
 *
 * @throws InvalidArgumentError for a malformed spec (duplicate names, an undefined input, an
 *   unknown op, an invalid attribute, an output no node produces).
 * @throws ShapeError when a node's inputs or parameters do not fit its operator; the message names
 *   the node, its op and its layer.
 */
export function createModel(spec: ModelSpec): Model {
  if (typeof spec.input !== 'string' || spec.input === '')
    throw new InvalidArgumentError(WHERE, 'the input tensor needs a non-empty name');
  if (!spec.inputShape.every((d) => Number.isInteger(d) && d >= 1))
    throw new InvalidArgumentError(
      WHERE,
      `the input shape must have positive integer dimensions (per sample, without the batch axis), ` +
        `got ${showShape(spec.inputShape)}`,
    );
  const shapes = new Map<string, readonly number[]>([[spec.input, [...spec.inputShape]]]);
  const nodeNames = new Set<string>();
  for (const node of spec.nodes) {
    checkNames(node, nodeNames, shapes);
    const inputShapes = node.inputs.map((name) => {
      const shape = shapes.get(name);
      if (shape === undefined)
        throw new InvalidArgumentError(
          describeNode(node),
          `reads tensor "${name}", which is neither the model input nor the output of an earlier node; ` +
            'define it first (nodes must be in topological order)',
        );
      return shape;
    });
    if (!Object.hasOwn(OPS, node.op))
      throw new InvalidArgumentError(
        `node "${String(node.name)}"`,
        `unknown op "${String(node.op)}"; known ops: ${Object.keys(OPS).join(', ')}`,
      );
    shapes.set(node.output, opOf(node).inferShape(node, inputShapes));
    nodeNames.add(node.name);
  }
  if (!shapes.has(spec.output))
    throw new InvalidArgumentError(
      WHERE,
      `the output tensor "${spec.output}" is produced by no node; name one of: ${[...shapes.keys()].join(', ')}`,
    );
  return {
    input: spec.input,
    output: spec.output,
    nodes: [...spec.nodes],
    shapes,
    ...(spec.strippedOutput === undefined ? {} : { strippedOutput: spec.strippedOutput }),
  };
}

/** Node names, layer names and output tensor names: present, and unique where they must be. */
function checkNames(
  node: AnyNode,
  nodeNames: ReadonlySet<string>,
  shapes: ReadonlyMap<string, unknown>,
): void {
  if (typeof node.name !== 'string' || node.name === '')
    throw new InvalidArgumentError(
      WHERE,
      `a ${String(node.op)} node has no name; give every node a unique name`,
    );
  if (typeof node.layer !== 'string' || node.layer === '')
    throw new InvalidArgumentError(describeNode(node), 'has no layer name; give it one (often its own name)');
  if (nodeNames.has(node.name))
    throw new InvalidArgumentError(
      describeNode(node),
      `the node name "${node.name}" is used twice; node names must be unique`,
    );
  if (typeof node.output !== 'string' || node.output === '')
    throw new InvalidArgumentError(describeNode(node), 'has no output tensor name; give it one');
  if (shapes.has(node.output))
    throw new InvalidArgumentError(
      describeNode(node),
      `its output tensor "${node.output}" is already defined (by the input or an earlier node); ` +
        'every tensor must have exactly one producer',
    );
  if (!Array.isArray(node.inputs))
    throw new InvalidArgumentError(describeNode(node), '`inputs` must be an array of tensor names');
  for (const field of ['attributes', 'params'] as const)
    if (typeof node[field] !== 'object' || node[field] === null)
      throw new InvalidArgumentError(
        describeNode(node),
        `\`${field}\` must be an object (\`{}\` when there are none)`,
      );
}

/** The per-sample shape of a tensor of a model; a `NotFoundError` listing the known tensors otherwise. */
export function shapeOf(model: Model, tensor: string): readonly number[] {
  const shape = model.shapes.get(tensor);
  if (shape === undefined) throw new NotFoundError('tensor', tensor, [...model.shapes.keys()]);
  return shape;
}

/**
 * The backward pass of training: from ∂L/∂logits, the gradient of every parameter, through the
 * nodes in reverse topological order (each operator's `backward` in the operator table). Buffers are
 * allocated once per model and zeroed per step, since training calls this thousands of times.
 */
import { UnsupportedError } from '../../core/errors.js';
import { sizeOf } from '../../core/tensor.js';
import type { Activations } from '../forward.js';
import type { AnyNode, Model, OpName } from '../graph.js';
import { OPS, opOf } from '../ops/index.js';
import type { Backward } from './backward-context.js';

/** The operators the trainer can differentiate (every operator of `OpName`). */
export const TRAINABLE_OPS = Object.keys(OPS) as OpName[];

/**
 * Throws an `UnsupportedError` naming the first node whose operator has no backward pass. Every
 * operator a validated model holds has one; this guards models assembled without `createModel`.
 */
export function assertTrainable(model: Model): void {
  const node = model.nodes.find((n) => !Object.hasOwn(OPS, n.op));
  if (node)
    throw new UnsupportedError(
      `train: layer "${node.layer}" is a ${node.op}, which the trainer cannot differentiate; ` +
        `trainable operators: ${TRAINABLE_OPS.join(', ')}`,
    );
}

/** Reusable gradient buffers for one model and batch size. */
export class GradientBuffers {
  /** ∂L/∂parameter, by node name then parameter name. */
  readonly params = new Map<string, Record<string, Float32Array>>();
  private readonly tensors = new Map<string, Float32Array>();

  constructor(
    private readonly model: Model,
    private batch: number,
  ) {
    for (const node of model.nodes) {
      const grads: Record<string, Float32Array> = {};
      for (const [key, p] of Object.entries(node.params as Record<string, { data: Float32Array }>))
        grads[key] = new Float32Array(p.data.length);
      this.params.set(node.name, grads);
    }
  }

  /** Zeroes every buffer for a step on `batch` samples. */
  reset(batch: number): void {
    if (batch !== this.batch) {
      this.tensors.clear();
      this.batch = batch;
    }
    for (const t of this.tensors.values()) t.fill(0);
    for (const grads of this.params.values()) for (const g of Object.values(grads)) g.fill(0);
  }

  /** The gradient buffer of a tensor (allocated on first use). */
  tensor(name: string): Float32Array {
    let t = this.tensors.get(name);
    if (t === undefined) {
      t = new Float32Array(this.batch * sizeOf(this.model.shapes.get(name)!));
      this.tensors.set(name, t);
    }
    return t;
  }
}

/** Fills `buffers` with the gradients of a step, given the forward pass and ∂L/∂logits. */
export function backward(
  model: Model,
  activations: Activations,
  gradLogits: Float32Array,
  buffers: GradientBuffers,
): void {
  buffers.reset(activations.batch);
  buffers.tensor(model.output).set(gradLogits);
  const reached = new Set<string>([model.output]);
  for (let i = model.nodes.length - 1; i >= 0; i--) {
    const node = model.nodes[i]!;
    if (!reached.has(node.output)) continue;
    const step = (Object.hasOwn(OPS, node.op) ? opOf(node).backward : undefined) as
      | Backward<OpName>
      | undefined;
    if (!step) throw new UnsupportedError(`train: no backward pass for ${node.op}`);
    const gradInputs = node.inputs.map((name) => {
      if (name === model.input) return null;
      reached.add(name);
      return buffers.tensor(name);
    });
    step({
      node: node as AnyNode as never,
      inputs: activations.inputsOf(node),
      output: activations.outputOf(node),
      gradOutput: buffers.tensor(node.output),
      gradInputs,
      gradParams: buffers.params.get(node.name)!,
    });
  }
}

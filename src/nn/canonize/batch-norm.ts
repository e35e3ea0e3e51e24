/**
 * BatchNorm folding (zennit's `MergeBatchNorm` canonizer, fixtures/zennit/README.md): a
 * `batch_norm` whose input comes from a `dense` or `conv` node that feeds nothing else is merged
 * into that node, with the BatchNorm's own ε:
 *   s = γ/√(σ² + ε),   W'[o, …] = W[o, …]·s[o],   b'[o] = (b[o] − μ[o])·s[o] + β[o],
 * computed in float64 and stored as float32. The merged node keeps its name and layer and now
 * outputs the BatchNorm's output tensor, so the BatchNorm's consumers read it unchanged; the
 * BatchNorm node is gone (zennit keeps it as an exact identity, which changes nothing).
 *
 * A BatchNorm stays when its input is the model input or comes from another operator, when the
 * producer's output is read elsewhere (or is the model output), and for a dense producer whose
 * output has more than one per-sample axis (its channel axis 0 would not be the unit axis).
 */
import type { AnyNode, Model, Node } from '../graph.js';
import { createModel } from '../model.js';

/** The model with every mergeable BatchNorm folded into its producer; the input model is unchanged. */
export function foldBatchNorm(model: Model): Model {
  const consumers = new Map<string, number>([[model.output, 1]]);
  for (const node of model.nodes)
    for (const name of node.inputs) consumers.set(name, (consumers.get(name) ?? 0) + 1);
  const nodes: (AnyNode | undefined)[] = [...model.nodes];
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (node !== undefined) producer.set(node.output, i);
  });
  nodes.forEach((node, i) => {
    if (node?.op !== 'batch_norm') return;
    const source = node.inputs[0]!;
    const at = producer.get(source);
    const target = at === undefined ? undefined : nodes[at];
    if (target === undefined || at === undefined || consumers.get(source) !== 1) return;
    if (target.op === 'conv' || (target.op === 'dense' && model.shapes.get(source)?.length === 1)) {
      nodes[at] = mergeInto(target, node);
      nodes[i] = undefined;
      producer.set(node.output, at);
    }
  });
  const input = model.shapes.get(model.input)!;
  return createModel({
    input: model.input,
    inputShape: input,
    output: model.output,
    nodes: nodes.filter((n): n is AnyNode => n !== undefined),
    ...(model.strippedOutput === undefined ? {} : { strippedOutput: model.strippedOutput }),
  });
}

/** The dense or conv node with the BatchNorm folded in, writing the BatchNorm's output. */
function mergeInto<N extends Node<'dense'> | Node<'conv'>>(target: N, bn: Node<'batch_norm'>): N {
  const { weight, bias } = target.params;
  const { scale, mean, variance } = bn.params;
  const channels = bias.data.length;
  const perChannel = weight.data.length / channels;
  const w = new Float32Array(weight.data.length);
  const b = new Float32Array(channels);
  for (let o = 0; o < channels; o++) {
    const s = scale.data[o]! / Math.sqrt(variance.data[o]! + bn.attributes.epsilon);
    for (let i = o * perChannel; i < (o + 1) * perChannel; i++) w[i] = weight.data[i]! * s;
    b[o] = (bias.data[o]! - mean.data[o]!) * s + bn.params.bias.data[o]!;
  }
  return {
    ...target,
    output: bn.output,
    params: { weight: { shape: [...weight.shape], data: w }, bias: { shape: [channels], data: b } },
  };
}

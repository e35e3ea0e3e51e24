/**
 * A token embedding (ONNX Gather of a weight initializer by the model input's token ids,
 * PyTorch `nn.Embedding`): ids [T] → vectors [T, D], z[t, :] = W[id_t, :]. The ids arrive as the
 * model input's values (exact integers in float32 below 2^24).
 *
 * Relevance stops at the embedding vector: LRP category `routing`, edge t → (t, d) for every d
 * with coefficient 1 and no token, so an id's relevance is the sum over its embedding vector,
 * R_t = Σ_d R_{t,d}, and the relevance of each dimension stays visible at the embedding's layer.
 * Training updates the rows it read (∂W[id_t, :] += ∂z[t, :]); the ids have no gradient.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { sizeOf } from '../../core/tensor.js';
import type { Node } from '../graph.js';
import { describeNode, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

/** The row of W an id selects, or a typed error naming the node. */
function rowOf(node: Node<'embedding'>, id: number): number {
  const vocabulary = node.params.weight.shape[0]!;
  if (!Number.isInteger(id) || id < 0 || id >= vocabulary)
    throw new InvalidArgumentError(
      describeNode(node),
      `token id ${id} is not an integer in [0, ${vocabulary}); the input must hold token ids`,
    );
  return id;
}

export const embedding: OpDefinition<'embedding'> = {
  op: 'embedding',
  connectivity: 'identity',
  lrp: 'routing',
  edges(node, shapes, emit) {
    const width = node.params.weight.shape[1]!;
    const tokens = sizeOf(shapes.inputs[0]!);
    for (let t = 0; t < tokens; t++) for (let d = 0; d < width; d++) emit(t, t * width + d, 1);
  },
  backward({ node, inputs, gradOutput, gradParams }) {
    const gw = gradParams.weight;
    if (!gw) return;
    const width = node.params.weight.shape[1]!;
    const ids = inputs[0]!.data;
    for (let i = 0; i < ids.length; i++) {
      const row = rowOf(node, ids[i]!);
      for (let d = 0; d < width; d++) gw[row * width + d] = gw[row * width + d]! + gradOutput[i * width + d]!;
    }
  },
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    const weight = node.params?.weight;
    if (weight?.shape.length !== 2 || weight.data.length !== weight.shape[0]! * weight.shape[1]!)
      throw new InvalidArgumentError(
        describeNode(node),
        'parameter "weight" must be a [vocabulary, width] tensor',
      );
    return [...inputs[0]!, weight.shape[1]!];
  },
  forward(node, inputs, out) {
    const { weight } = node.params;
    const width = weight.shape[1]!;
    const ids = inputs[0]!.data;
    for (let i = 0; i < ids.length; i++) {
      const row = rowOf(node, ids[i]!);
      for (let d = 0; d < width; d++) out.data[i * width + d] = weight.data[row * width + d]!;
    }
  },
};

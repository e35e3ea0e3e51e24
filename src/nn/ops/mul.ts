/**
 * Element-wise product of two activations, broadcast (ONNX Mul; the gate of a squeeze-excitation
 * block, x·σ(s) with s of shape [C, 1, 1]; the gating of attention): z_k = a_{α(k)}·b_{β(k)}, α
 * and β the broadcast maps of the two inputs.
 *
 * LRP category `explicit`, AttnLRP's uniform rule for a product of two activations
 * (Achtibat et al. 2024, Proposition 3.2): each factor receives half of the product's relevance,
 *   R_a[i] = ½ Σ_{k: α(k) = i} R_k,   R_b[i] = ½ Σ_{k: β(k) = i} R_k,
 * i.e. one edge from a_{α(k)} and one from b_{β(k)} into z_k, each with d = ½ and a token.
 * Relevance is conserved: Σ R_a + Σ R_b = Σ R_z.
 * Training: ∂a[α(k)] += b_{β(k)}·∂z_k, ∂b[β(k)] += a_{α(k)}·∂z_k.
 */
import { sizeOf } from '../../core/tensor.js';
import { broadcastIndex, broadcastShape } from '../connectivity/broadcast.js';
import { batchedNodeShapes, type NodeShapes } from '../connectivity/connectivity.js';
import { describeNode, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

/** The two broadcast maps of a node's shapes. */
const mapsOf = (shapes: NodeShapes): [Int32Array, Int32Array] => [
  broadcastIndex(shapes.inputs[0]!, shapes.output),
  broadcastIndex(shapes.inputs[1]!, shapes.output),
];

export const mul: OpDefinition<'mul'> = {
  op: 'mul',
  connectivity: 'add',
  lrp: 'explicit',
  edges(_node, shapes, emit) {
    const [alpha, beta] = mapsOf(shapes);
    const sizeA = sizeOf(shapes.inputs[0]!);
    for (let k = 0; k < alpha.length; k++) {
      emit(alpha[k]!, k, 1);
      emit(sizeA + beta[k]!, k, 1);
    }
  },
  // AttnLRP's uniform rule: each factor's edge carries half of the product's relevance.
  relevanceEdges: (node, { shapes }, _n, emit) => mul.edges(node, shapes, (j, k) => emit(j, k, 0.5)),
  backward({ inputs, output, gradOutput, gradInputs }) {
    const [alpha, beta] = mapsOf(batchedNodeShapes(inputs, output));
    const [a, b] = [inputs[0]!.data, inputs[1]!.data];
    const [perA, perB, perOut] = [a.length, b.length, gradOutput.length].map((l) => l / output.shape[0]!) as [
      number,
      number,
      number,
    ];
    const [ga, gb] = gradInputs;
    for (let n = 0; n * perOut < gradOutput.length; n++)
      for (let k = 0; k < perOut; k++) {
        const [i, j, g] = [n * perA + alpha[k]!, n * perB + beta[k]!, gradOutput[n * perOut + k]!];
        if (ga) ga[i] = ga[i]! + b[j]! * g;
        if (gb) gb[j] = gb[j]! + a[i]! * g;
      }
  },
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 2);
    return broadcastShape(`${describeNode(node)} inputs`, inputs);
  },
  forward(_node, inputs, out) {
    const [alpha, beta] = mapsOf(batchedNodeShapes(inputs, out));
    const [a, b] = [inputs[0]!.data, inputs[1]!.data];
    const batch = out.shape[0]!;
    const [perA, perB, perOut] = [a.length / batch, b.length / batch, out.data.length / batch];
    for (let n = 0; n < batch; n++)
      for (let k = 0; k < perOut; k++)
        out.data[n * perOut + k] = a[n * perA + alpha[k]!]! * b[n * perB + beta[k]!]!;
  },
};

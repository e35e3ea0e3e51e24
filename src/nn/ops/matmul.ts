/**
 * The matrix product of two activations (ONNX MatMul with no constant operand: attention's
 * Q·Kᵀ and A·V): A [..., M, K] · B [..., K, N] → Z [..., M, N], the leading axes equal.
 *
 * LRP category `explicit`, AttnLRP's rule (Achtibat et al. 2024, Proposition 3.3): the ε rule on
 * the sum over k, then the uniform rule on each bilinear term a_ik·b_kj, which hands each factor
 * half of it:
 *   d(a_ik → z_ij) = d(b_kj → z_ij) = a_ik·b_kj / stab(2·z_ij)
 * with the node's rule's stabiliser; each edge carries a token. With ε → 0,
 * Σ_ik R(a_ik) + Σ_kj R(b_kj) = Σ_ij R(z_ij).
 * Training: ∂A = ∂Z·Bᵀ, ∂B = Aᵀ·∂Z.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { showShape, sizeOf } from '../../core/tensor.js';
import { batchedNodeShapes, type NodeShapes } from '../connectivity/connectivity.js';
import { stabilize } from '../lrp/stabilizer.js';
import { describeNode, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

/** (groups, M, K, N) of a node's shapes. */
function dims(shapes: NodeShapes): [number, number, number, number] {
  const a = shapes.inputs[0]!;
  const b = shapes.inputs[1]!;
  return [sizeOf(a.slice(0, -2)), a[a.length - 2]!, a[a.length - 1]!, b[b.length - 1]!];
}

/** Calls f(a index, b index, z index) for every term a_ik·b_kj of z_ij of one sample. */
function forEachTerm(shapes: NodeShapes, f: (ia: number, ib: number, iz: number) => void): void {
  const [groups, m, k, n] = dims(shapes);
  for (let g = 0; g < groups; g++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++)
        for (let t = 0; t < k; t++) f(g * m * k + i * k + t, g * k * n + t * n + j, g * m * n + i * n + j);
}

export const matmul: OpDefinition<'matmul'> = {
  op: 'matmul',
  connectivity: 'dense',
  lrp: 'explicit',
  edges(_node, shapes, emit) {
    const sizeA = sizeOf(shapes.inputs[0]!);
    forEachTerm(shapes, (ia, ib, iz) => {
      emit(ia, iz, 1);
      emit(sizeA + ib, iz, 1);
    });
  },
  relevanceEdges(_node, { shapes, inputs, output, stabilizer }, n, emit) {
    const [perA, perB, perZ] = [sizeOf(shapes.inputs[0]!), sizeOf(shapes.inputs[1]!), sizeOf(shapes.output)];
    const [a, b, z] = [inputs[0]!.data, inputs[1]!.data, output.data];
    // stab(2z) per output, once: the terms of one output share it.
    const stab = new Float64Array(perZ);
    for (let iz = 0; iz < perZ; iz++)
      stab[iz] = stabilize(2 * z[n * perZ + iz]!, stabilizer.epsilon, stabilizer.variant);
    forEachTerm(shapes, (ia, ib, iz) => {
      const s = stab[iz]!;
      const d = s === 0 ? 0 : (a[n * perA + ia]! * b[n * perB + ib]!) / s;
      emit(ia, iz, d);
      emit(perA + ib, iz, d);
    });
  },
  backward({ inputs, output, gradOutput, gradInputs }) {
    const shapes = batchedNodeShapes(inputs, output);
    const [perA, perB, perZ] = [sizeOf(shapes.inputs[0]!), sizeOf(shapes.inputs[1]!), sizeOf(shapes.output)];
    const [a, b] = [inputs[0]!.data, inputs[1]!.data];
    const [ga, gb] = gradInputs;
    for (let n = 0; n * perZ < gradOutput.length; n++)
      forEachTerm(shapes, (ia, ib, iz) => {
        const g = gradOutput[n * perZ + iz]!;
        if (ga) ga[n * perA + ia] = ga[n * perA + ia]! + g * b[n * perB + ib]!;
        if (gb) gb[n * perB + ib] = gb[n * perB + ib]! + g * a[n * perA + ia]!;
      });
  },
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 2);
    const [a, b] = inputs as [readonly number[], readonly number[]];
    const fits =
      a.length >= 2 &&
      a.length === b.length &&
      a.slice(0, -2).every((d, i) => d === b[i]) &&
      a[a.length - 1] === b[b.length - 2];
    if (!fits)
      throw new InvalidArgumentError(
        describeNode(node),
        `needs [..., M, K] and [..., K, N] with the same leading axes, got ${showShape(a)} and ${showShape(b)}`,
      );
    return [...a.slice(0, -1), b[b.length - 1]!];
  },
  forward(_node, inputs, out) {
    const shapes = batchedNodeShapes(inputs, out);
    const [perA, perB, perZ] = [sizeOf(shapes.inputs[0]!), sizeOf(shapes.inputs[1]!), sizeOf(shapes.output)];
    const [a, b] = [inputs[0]!.data, inputs[1]!.data];
    const sums = new Float64Array(out.data.length);
    for (let n = 0; n * perZ < sums.length; n++)
      forEachTerm(shapes, (ia, ib, iz) => {
        sums[n * perZ + iz] = sums[n * perZ + iz]! + a[n * perA + ia]! * b[n * perB + ib]!;
      });
    out.data.set(sums);
  },
};

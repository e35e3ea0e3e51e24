/**
 * Layer normalisation (ONNX LayerNormalization, PyTorch `nn.LayerNorm`; also its decomposed
 * ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add form, fused at import): over the per-sample
 * axes from `axis` on, for each row r of D elements,
 *   z_k = (x_k − μ_r)/σ_r·γ_k + β_k,  μ_r the row's mean, σ_r = √(var_r + ε) (biased variance).
 *
 * LRP category `explicit`: the normaliser σ held constant (Ali et al. 2022; AttnLRP's identity
 * rule on 1/σ and on ·γ), so x ↦ z is the linear map W_kj = (δ_kj − 1/D)·γ_k/σ_r plus the bias
 * β, and the ε rule of the node's rule applies to it:
 *   d_jk = x_j·(δ_kj − 1/D)·γ_k/σ_r / stab(z_k)   for j, k in the same row, a token on each edge.
 * With β = 0 and ε → 0 it conserves relevance: Σ_j x_j W_kj = z_k.
 * Training differentiates σ too: with x̂ = (x − μ)/σ and ĝ = γ·∂z,
 *   ∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/σ,  ∂γ = Σ ∂z·x̂,  ∂β = Σ ∂z.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { sizeOf } from '../../core/tensor.js';
import type { Node } from '../graph.js';
import { stabilize } from '../lrp/stabilizer.js';
import { describeNode, expectAttributes, expectInputCount, expectParamShape } from './checks.js';
import type { OpDefinition } from './op-definition.js';

/** (rows, D) of a per-sample shape. */
function rowsOf(node: Node<'layer_norm'>, shape: readonly number[]): [number, number] {
  return [sizeOf(shape.slice(0, node.attributes.axis)), sizeOf(shape.slice(node.attributes.axis))];
}

/** Each row's mean and σ, for the whole batch. */
function statistics(
  node: Node<'layer_norm'>,
  x: ArrayLike<number>,
  d: number,
): { mean: Float64Array; sigma: Float64Array } {
  const rows = x.length / d;
  const mean = new Float64Array(rows);
  const sigma = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let i = 0; i < d; i++) sum += x[r * d + i]!;
    const mu = sum / d;
    let squares = 0;
    for (let i = 0; i < d; i++) squares += (x[r * d + i]! - mu) ** 2;
    mean[r] = mu;
    sigma[r] = Math.sqrt(squares / d + node.attributes.epsilon);
  }
  return { mean, sigma };
}

export const layerNorm: OpDefinition<'layer_norm'> = {
  op: 'layer_norm',
  connectivity: 'dense',
  lrp: 'explicit',
  edges(node, shapes, emit) {
    const [rows, d] = rowsOf(node, shapes.inputs[0]!);
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) emit(r * d + j, r * d + k, 1);
  },
  relevanceEdges(node, { shapes, inputs, output, stabilizer }, n, emit) {
    const shape = shapes.inputs[0]!;
    const [rows, d] = rowsOf(node, shape);
    const per = rows * d;
    const x = inputs[0]!.data.subarray(n * per, (n + 1) * per);
    const z = output.data;
    const { sigma } = statistics(node, x, d);
    const gamma = node.params.scale.data;
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < d; k++) {
        const stab = stabilize(z[n * per + r * d + k]!, stabilizer.epsilon, stabilizer.variant);
        const factor = stab === 0 ? 0 : gamma[k]! / (sigma[r]! * stab);
        for (let j = 0; j < d; j++)
          emit(r * d + j, r * d + k, x[r * d + j]! * ((j === k ? 1 : 0) - 1 / d) * factor);
      }
  },
  backward({ node, inputs, gradOutput, gradInputs, gradParams }) {
    const x = inputs[0]!.data;
    const d = rowsOf(node, inputs[0]!.shape.slice(1))[1];
    const { mean, sigma } = statistics(node, x, d);
    const gamma = node.params.scale.data;
    const gx = gradInputs[0];
    for (let r = 0; r < mean.length; r++) {
      let meanG = 0;
      let meanGX = 0;
      for (let i = 0; i < d; i++) {
        const at = r * d + i;
        const xhat = (x[at]! - mean[r]!) / sigma[r]!;
        const g = gradOutput[at]! * gamma[i]!;
        meanG += g / d;
        meanGX += (g * xhat) / d;
        if (gradParams.scale) gradParams.scale[i] = gradParams.scale[i]! + gradOutput[at]! * xhat;
        if (gradParams.bias) gradParams.bias[i] = gradParams.bias[i]! + gradOutput[at]!;
      }
      if (gx)
        for (let i = 0; i < d; i++) {
          const at = r * d + i;
          const xhat = (x[at]! - mean[r]!) / sigma[r]!;
          gx[at] = gx[at]! + (gradOutput[at]! * gamma[i]! - meanG - xhat * meanGX) / sigma[r]!;
        }
    }
  },
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    expectAttributes(node);
    const input = inputs[0]!;
    const { axis, epsilon } = node.attributes;
    if (axis < 0 || axis >= input.length)
      throw new InvalidArgumentError(
        describeNode(node),
        `axis ${axis} is not a per-sample axis of [${input.join(', ')}]`,
      );
    if (!(epsilon >= 0))
      throw new InvalidArgumentError(describeNode(node), `epsilon must be ≥ 0, got ${epsilon}`);
    const normalized = input.slice(axis);
    expectParamShape(node, 'scale', node.params?.scale, normalized);
    expectParamShape(node, 'bias', node.params?.bias, normalized);
    return [...input];
  },
  forward(node, inputs, out) {
    const x = inputs[0]!.data;
    const d = rowsOf(node, inputs[0]!.shape.slice(1))[1];
    const { mean, sigma } = statistics(node, x, d);
    const { scale, bias } = node.params;
    for (let r = 0; r < mean.length; r++)
      for (let i = 0; i < d; i++)
        out.data[r * d + i] = ((x[r * d + i]! - mean[r]!) / sigma[r]!) * scale.data[i]! + bias.data[i]!;
  },
};

/**
 * The transformer operators: layer_norm (the normaliser held constant), softmax inside the network
 * (AttnLRP's Taylor decomposition at the input), matmul of two activations (AttnLRP's ε + uniform
 * rule), with the positional embedding (shift), the 1/√d scale, the class-token gather. A one-head
 * block on 3 tokens exported by PyTorch at opsets 13 (LayerNorm and GELU decomposed, fused at
 * import) and 17: forward against torch's logits; the rules worked by hand on its attention;
 * relevance conservation of the product; kernels equal the generic evaluator in ℝ, 𝔹, ℕ,
 * Viterbi and tropical; gradients against central differences.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../../src/core/tensor.js';
import { forward } from '../../../src/nn/forward.js';
import type { Model } from '../../../src/nn/graph.js';
import { lrp } from '../../../src/nn/lrp/index.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { expectPerSample, readFloat32 } from '../onnx/fixture-support.js';
import { buildModel, floatAttr, floatTensor, intAttr, node } from '../onnx/onnx-builder.js';
import { expectGradientsMatch, randomCase } from '../train/finite-differences.js';
import { expectKernelsMatchGeneric } from './semiring-checks.js';

const OPS_FIXTURES = join(import.meta.dirname, '../../fixtures/ops');
const x = tensor([2, 3, 4], Float64Array.from(readFloat32(join(OPS_FIXTURES, 'attention.input.bin'))));
const logits = readFloat32(join(OPS_FIXTURES, 'attention.logits.bin'));
const options = { composite: 'epsilon' as const, dtype: 'float64' as const };
/** zennit's stabiliser with the base map's ε = 1e-6. */
const stab = (z: number) => z + 1e-6 * (z >= 0 ? 1 : -1);
const close = (actual: number, expected: number, scale: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-10 * Math.max(1, scale));

function nodeOf(model: Model, op: string, nth = 0) {
  return model.nodes.filter((n) => n.op === op)[nth]!;
}

describe('a one-head transformer block from PyTorch', () => {
  for (const opset of [13, 17]) {
    const model = importOnnx(join(OPS_FIXTURES, `attention_op${opset}.onnx`));

    it(`opset ${opset}: imports LayerNorm, attention and GELU as one node each; forward equals PyTorch`, () => {
      expect(model.nodes.map((n) => n.op)).toEqual([
        'shift',
        'layer_norm',
        'dense',
        'dense',
        'transpose',
        'matmul',
        'scale',
        'softmax',
        'dense',
        'matmul',
        'add',
        'layer_norm',
        'dense',
        'gelu',
        'dense',
        'add',
        'gather',
        'dense',
      ]);
      expectPerSample(
        forward(model, tensor([2, 3, 4], Float32Array.from(x.data))).output,
        logits,
        [2, 2],
        1e-5,
      );
    });

    it(`opset ${opset}: softmax and A·V relevance equal the hand-computed AttnLRP rules on 3 tokens`, () => {
      const acts = forward(model, x);
      const soft = nodeOf(model, 'softmax');
      const av = nodeOf(model, 'matmul', 1);
      const [a, v] = acts.inputsOf(av).map((t) => t.data);
      const z = acts.outputOf(av).data;
      const rZ = lrp(model, x, { ...options, layer: av.layer }).data;
      const rA = lrp(model, x, { ...options, layer: soft.layer }).data;
      const rV = lrp(model, x, { ...options, layer: nodeOf(model, 'dense', 2).layer }).data;
      const scaleNode = model.nodes.find((n) => n.output === soft.inputs[0])!;
      const rScores = lrp(model, x, { ...options, layer: scaleNode.layer }).data;
      const scores = acts.inputsOf(soft)[0]!.data;
      const s = acts.outputOf(soft).data;
      for (let n = 0; n < 2; n++) {
        let total = 0;
        let spread = 0;
        for (let i = 0; i < 3; i++)
          for (let t = 0; t < 3; t++) {
            // R(a_it) = Σ_j a_it·v_tj·R_ij / stab(2·z_ij).
            let expected = 0;
            for (let j = 0; j < 4; j++)
              expected +=
                (a![n * 9 + i * 3 + t]! * v![n * 12 + t * 4 + j]! * rZ[n * 12 + i * 4 + j]!) /
                stab(2 * z[n * 12 + i * 4 + j]!);
            close(rA[n * 9 + i * 3 + t]!, expected, Math.abs(expected));
          }
        for (let i = 0; i < 12; i++) total += rZ[n * 12 + i]!;
        for (let i = 0; i < 9; i++) spread += rA[n * 9 + i]!;
        for (let i = 0; i < 12; i++) spread += rV[n * 12 + i]!;
        // The product's rule conserves relevance up to its ε.
        expect(Math.abs(spread - total)).toBeLessThanOrEqual(1e-4 * Math.abs(total));
        // Softmax: R(x_i) = x_i·(R_i − s_i·Σ_j R_j) per row of the 3×3 attention.
        for (let row = 0; row < 3; row++) {
          let sum = 0;
          for (let j = 0; j < 3; j++) sum += rA[n * 9 + row * 3 + j]!;
          for (let i = 0; i < 3; i++) {
            const at = n * 9 + row * 3 + i;
            close(rScores[at]!, scores[at]! * (rA[at]! - s[at]! * sum), Math.abs(sum));
          }
        }
      }
    });

    it(`opset ${opset}: every kernel equals the generic evaluator`, () => {
      expectKernelsMatchGeneric(model, x, [undefined, 'ln1']);
    });
  }

  it('trains: gradients through layer_norm, softmax and matmul match central differences', () => {
    const report = expectGradientsMatch(
      randomCase(importOnnx(join(OPS_FIXTURES, 'attention_op17.onnx')), 2, 4),
    );
    expect(report.checked).toBeGreaterThan(100);
  });
});

describe('layer_norm holds its normaliser constant', () => {
  it('R(x_j) = Σ_k x_j·(δ_kj − 1/D)·γ_k/σ / stab(z_k)·R_k, and conserves relevance without β', () => {
    for (const beta of [
      [0.3, -0.2, 0.1, 0],
      [0, 0, 0, 0],
    ]) {
      const gamma = [1.2, -0.7, 0.9, 1.5];
      const model = importOnnx(
        buildModel({
          opset: 17,
          input: ['N', 4],
          nodes: [
            node(
              'LayerNormalization',
              ['x', 'g', 'b'],
              ['h'],
              [intAttr('axis', -1), floatAttr('epsilon', 1e-5)],
              '/ln/LayerNormalization',
            ),
            node('Gemm', ['h', 'w'], ['y'], [intAttr('transB', 1)], '/fc/Gemm'),
          ],
          initializers: [
            floatTensor('g', [4], gamma),
            floatTensor('b', [4], beta),
            floatTensor('w', [2, 4], [0.5, -1, 0.25, 0.8, -0.3, 0.6, 1.1, -0.4]),
          ],
        }),
      );
      const input = tensor([1, 4], Float64Array.from([0.7, -1.3, 2.1, 0.4]));
      const h = forward(model, input).outputOf(model.nodes[0]!).data;
      const rH = lrp(model, input, { ...options, layer: 'ln' }).data;
      const rX = lrp(model, input, options).data;
      const data = input.data;
      const mean = data.reduce((p, v) => p + v, 0) / 4;
      const sigma = Math.sqrt(data.reduce((p, v) => p + (v - mean) ** 2, 0) / 4 + Math.fround(1e-5));
      for (let j = 0; j < 4; j++) {
        let expected = 0;
        for (let k = 0; k < 4; k++)
          expected +=
            ((data[j]! * ((j === k ? 1 : 0) - 0.25) * Math.fround(gamma[k]!)) / sigma / stab(h[k]!)) * rH[k]!;
        close(rX[j]!, expected, Math.abs(expected));
      }
      const sum = (r: ArrayLike<number>) => Array.from(r).reduce((p, v) => p + v, 0);
      if (beta.every((b) => b === 0))
        expect(Math.abs(sum(rX) - sum(rH))).toBeLessThanOrEqual(1e-5 * Math.abs(sum(rH)));
      else expect(Math.abs(sum(rX) - sum(rH))).toBeGreaterThan(1e-4);
    }
  });
});

describe('a text classifier: token embedding, attention, mean head', () => {
  const ids = tensor([2, 5], readFloat32(join(OPS_FIXTURES, 'text.input.bin')));
  const textLogits = readFloat32(join(OPS_FIXTURES, 'text.logits.bin'));
  for (const opset of [13, 17]) {
    const model = importOnnx(join(OPS_FIXTURES, `text_op${opset}.onnx`));

    it(`opset ${opset}: int64 ids through embedding and ReduceMean; forward equals PyTorch`, () => {
      expect(model.nodes[0]!.op).toBe('embedding');
      expect(model.nodes.at(-2)!.op).toBe('reduce_mean');
      expectPerSample(forward(model, ids).output, textLogits, [2, 2], 1e-5);
    });

    it(`opset ${opset}: a token's relevance is the sum over its embedding vector; kernels equal generic`, () => {
      const f64 = tensor([2, 5], Float64Array.from(ids.data));
      const atEmbedding = lrp(model, f64, { ...options, layer: 'embed' }).data;
      const atTokens = lrp(model, f64, options).data;
      for (let t = 0; t < 10; t++) {
        let sum = 0;
        for (let d = 0; d < 4; d++) sum += atEmbedding[t * 4 + d]!;
        close(atTokens[t]!, sum, Math.abs(sum));
      }
      expectKernelsMatchGeneric(model, f64, [undefined, 'embed']);
    });
  }

  it('refuses ids that are not tokens of the vocabulary, naming the node', () => {
    const model = importOnnx(join(OPS_FIXTURES, 'text_op17.onnx'));
    expect(() => forward(model, tensor([1, 5], Float32Array.from([1, 2, 11, 0, 0])))).toThrow(
      /token id 11 is not an integer in \[0, 11\)/,
    );
  });
});

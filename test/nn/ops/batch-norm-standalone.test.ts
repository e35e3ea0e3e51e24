/**
 * A BatchNorm that cannot be merged (after a concatenation, as in DenseNet) is a per-channel
 * linear layer z = a·s + t: under the ε rule (its default) R_a,k = a_k·s_c/stab(z_k)·R_z,k, hand
 * computed here; its edges carry tokens; kernels equal the generic evaluator in ℝ, 𝔹, ℕ, Viterbi
 * and tropical; without shift (μ = β = 0) it conserves relevance as ε → 0; a composite's entry
 * for it overrides the default.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import { tensor } from '../../../src/core/tensor.js';
import { forward } from '../../../src/nn/forward.js';
import { isBatchNorm, layerMap } from '../../../src/nn/lrp/composite.js';
import { lrp } from '../../../src/nn/lrp/index.js';
import { epsilon } from '../../../src/nn/lrp/rules/epsilon.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { buildModel, floatTensor, intAttr, node, ramp } from '../onnx/onnx-builder.js';
import { expectKernelsMatchGeneric } from './semiring-checks.js';

/** x [N, 2, 2, 2] → conv a, conv b → Concat → BatchNorm → Relu → GlobalAveragePool → Gemm(4 → 3). */
function denseBlock(shifted: boolean) {
  const bn = (name: string, values: number[]) => floatTensor(name, [4], values);
  return importOnnx(
    buildModel({
      input: ['N', 2, 2, 2],
      nodes: [
        node('Conv', ['x', 'wa', 'ba'], ['a'], [], '/a/Conv'),
        node('Conv', ['x', 'wb', 'bb'], ['b'], [], '/b/Conv'),
        node('Concat', ['a', 'b'], ['c'], [intAttr('axis', 1)], '/Concat'),
        node('BatchNormalization', ['c', 'g', 'be', 'mu', 'var'], ['n'], [], '/bn/BatchNormalization'),
        node('Relu', ['n'], ['r'], [], '/relu/Relu'),
        node('GlobalAveragePool', ['r'], ['p'], [], '/pool/GlobalAveragePool'),
        node('Flatten', ['p'], ['f'], [], '/Flatten'),
        node('Gemm', ['f', 'w', 'bias'], ['y'], [intAttr('transB', 1)], '/fc/Gemm'),
      ],
      initializers: [
        floatTensor('wa', [2, 2, 1, 1], [0.7, -0.3, 0.2, 0.9]),
        floatTensor('ba', [2], shifted ? [0.1, -0.1] : [0, 0]),
        floatTensor('wb', [2, 2, 1, 1], [-0.4, 0.8, 0.6, 0.5]),
        floatTensor('bb', [2], shifted ? [0.05, 0] : [0, 0]),
        bn('g', [1.5, -0.5, 0.8, 2]),
        bn('be', shifted ? [0.2, -0.1, 0.3, 0] : [0, 0, 0, 0]),
        bn('mu', shifted ? [0.1, 0.2, -0.3, 0] : [0, 0, 0, 0]),
        bn('var', [0.5, 1.2, 2, 0.9]),
        floatTensor('w', [3, 4], ramp(12, 0.15, -0.8)),
        floatTensor('bias', [3], shifted ? [0.1, 0, -0.1] : [0, 0, 0]),
      ],
    }),
  );
}

const x = tensor([2, 2, 2, 2], Float64Array.from(ramp(16, 0.37, -2.5)));

describe('standalone batch_norm', () => {
  it('stays unmerged after a concatenation and computes (a − μ)/√(σ² + ε)·γ + β', () => {
    const model = denseBlock(true);
    const bn = model.nodes.find((n) => n.op === 'batch_norm');
    expect(bn?.layer).toBe('bn');
    const acts = forward(model, x);
    const a = acts.inputsOf(bn!)[0]!.data;
    const z = acts.outputOf(bn!).data;
    const { scale, bias, mean, variance } = bn!.params;
    for (let i = 0; i < a.length; i++) {
      const c = Math.floor(i / 4) % 4;
      const s = scale.data[c]! / Math.sqrt(variance.data[c]! + 1e-5);
      expect(z[i]).toBeCloseTo((a[i]! - mean.data[c]!) * s + bias.data[c]!, 12);
    }
  });

  it('passes relevance unchanged by default, as zennit’s Pass, in every built-in composite', () => {
    const model = denseBlock(true);
    for (const composite of ['epsilon', 'epsilon_plus_flat', 'epsilon_gamma_box'] as const) {
      const options = { composite, dtype: 'float64' as const };
      const above = lrp(model, x, { ...options, layer: 'bn' }).data;
      const below = lrp(model, x, { ...options, layer: 'Concat' }).data;
      expect(Array.from(below), composite).toEqual(Array.from(above));
      expect(above.some((v) => v !== 0)).toBe(true);
    }
  });

  it('takes the ε rule from a composite entry: R_a = a·s/stab(z)·R_z, hand computed', () => {
    const model = denseBlock(true);
    const bn = model.nodes.find((n) => n.op === 'batch_norm')!;
    const acts = forward(model, x);
    const a = acts.inputsOf(bn)[0]!.data;
    const z = acts.outputOf(bn).data;
    const composite = layerMap({
      name: 'eps-everywhere',
      rules: [[(n) => ['dense', 'conv', 'batch_norm'].includes(n.op), epsilon()]],
    });
    const options = { composite, dtype: 'float64' as const };
    const above = lrp(model, x, { ...options, layer: 'bn' }).data;
    const below = lrp(model, x, { ...options, layer: 'Concat' }).data;
    const { scale, variance } = bn.params;
    let moved = 0;
    for (let i = 0; i < a.length; i++) {
      const c = Math.floor(i / 4) % 4;
      const s = scale.data[c]! / Math.sqrt(variance.data[c]! + 1e-5);
      // zennit's stabiliser: z + ε·sign(z), sign(0) = 1; the ε composite's ε is 1e-6.
      const stab = z[i]! + 1e-6 * (z[i]! >= 0 ? 1 : -1);
      const expected = ((a[i]! * s) / stab) * above[i]!;
      expect(Math.abs(below[i]! - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
      moved += Math.abs(below[i]! - above[i]!);
    }
    // With a shift the layer is not the identity on relevance.
    expect(moved).toBeGreaterThan(1e-3);
  });

  it('conserves relevance without shift as ε → 0', () => {
    const model = denseBlock(false);
    const composite = layerMap({
      name: 'tiny-eps',
      rules: [[(n) => ['dense', 'conv', 'batch_norm'].includes(n.op), epsilon({ epsilon: 1e-12 })]],
    });
    const options = { composite, dtype: 'float64' as const };
    const above = lrp(model, x, { ...options, layer: 'bn' }).data;
    const below = lrp(model, x, { ...options, layer: 'Concat' }).data;
    for (let n = 0; n < 2; n++) {
      let sa = 0;
      let sb = 0;
      for (let i = 0; i < 16; i++) {
        sa += above[n * 16 + i]!;
        sb += below[n * 16 + i]!;
      }
      expect(Math.abs(sa - sb)).toBeLessThanOrEqual(1e-9 * Math.abs(sa));
    }
  });

  it('a composite entry for BatchNorm overrides the default', () => {
    const model = denseBlock(true);
    const base = layerMap({
      name: 'eps',
      rules: [[(n) => n.op === 'dense' || n.op === 'conv' || n.op === 'batch_norm', epsilon()]],
    });
    const big = layerMap({
      name: 'eps-bn',
      rules: [
        [isBatchNorm, epsilon({ epsilon: 10 })],
        [(n) => n.op === 'dense' || n.op === 'conv', epsilon()],
      ],
    });
    const one = lrp(model, x, { composite: base, dtype: 'float64', layer: 'Concat' }).data;
    const two = lrp(model, x, { composite: big, dtype: 'float64', layer: 'Concat' }).data;
    expect(Array.from(one)).not.toEqual(Array.from(two));
  });

  it('carries a token on each of its edges, and every kernel equals the generic evaluator', () => {
    const model = denseBlock(true);
    const circuit = compile(model);
    const edges = circuit.graph
      .edges()
      .filter((e) => circuit.graph.getEdgeAttribute(e, 'op') === 'batch_norm');
    expect(edges).toHaveLength(1);
    expect(circuit.graph.getEdgeAttribute(edges[0]!, 'tokens')).toBe(true);
    expect(circuit.graph.getEdgeAttribute(edges[0]!, 'family')).toBe('diagonal');
    expectKernelsMatchGeneric(model, x, [undefined, 'bn']);
  });
});

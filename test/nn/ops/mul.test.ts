/**
 * Products and constants: `mul` of two activations (a squeeze-excitation gate) under AttnLRP's
 * uniform rule, R_a = R_b = ½R with the broadcast side summing its copies; `scale` and `shift` by
 * constants pass relevance unchanged. torchvision's SqueezeExcitation exported at opsets 13 and 17
 * against torch's logits; the rule checked by hand on the gate; kernels equal the generic
 * evaluator in ℝ, 𝔹, ℕ, Viterbi and tropical; gradients against central differences.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../../src/core/tensor.js';
import { forward } from '../../../src/nn/forward.js';
import type { AnyNode } from '../../../src/nn/graph.js';
import { lrp } from '../../../src/nn/lrp/index.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { expectPerSample, readFloat32 } from '../onnx/fixture-support.js';
import { applyOp } from '../support.js';
import { expectGradientsMatch, randomCase } from '../train/finite-differences.js';
import { expectKernelsMatchGeneric } from './semiring-checks.js';

const OPS_FIXTURES = join(import.meta.dirname, '../../fixtures/ops');

describe('mul of two activations', () => {
  it('broadcasts [C, H, W] · [C, 1, 1]', () => {
    const node = {
      op: 'mul',
      name: 'm',
      layer: 'm',
      inputs: ['a', 'b'],
      output: 'z',
      attributes: {},
      params: {},
    } as AnyNode;
    const a = tensor([1, 2, 1, 2], Float32Array.from([1, 2, 3, 4]));
    const b = tensor([1, 2, 1, 1], Float32Array.from([10, -1]));
    expect(Array.from(applyOp(node, [a, b]).data)).toEqual([10, 20, -3, -4]);
  });

  const x = tensor([2, 3, 5, 5], readFloat32(join(OPS_FIXTURES, 'gating.input.bin')));
  const logits = readFloat32(join(OPS_FIXTURES, 'gating.logits.bin'));
  for (const opset of [13, 17]) {
    const model = importOnnx(join(OPS_FIXTURES, `gating_op${opset}.onnx`));

    it(`opset ${opset}: squeeze-excitation imports as mul, scale, shift; forward equals PyTorch`, () => {
      const ops = model.nodes.map((n) => n.op);
      for (const op of ['mul', 'scale', 'shift', 'sigmoid', 'silu']) expect(ops).toContain(op);
      expectPerSample(forward(model, x).output, logits, [2, 4], 1e-5);
    });

    it(`opset ${opset}: the gate receives half of the product's relevance, summed over H·W`, () => {
      const mul = model.nodes.find((n) => n.op === 'mul')!;
      // torchvision writes scale * input: the gate is the first factor.
      const gate = model.nodes.find((n) => n.output === mul.inputs[0])!;
      expect(gate.op).toBe('sigmoid');
      const options = { composite: 'epsilon' as const, dtype: 'float64' as const };
      const above = lrp(model, x, { ...options, layer: mul.layer }).data;
      const atGate = lrp(model, x, { ...options, layer: gate.layer }).data;
      // R_gate[n, c] = ½ Σ_{h,w} R_mul[n, c, h, w] (the gate's only reader is the product).
      for (let n = 0; n < 2; n++)
        for (let c = 0; c < 6; c++) {
          let sum = 0;
          for (let i = 0; i < 25; i++) sum += above[(n * 6 + c) * 25 + i]!;
          expect(Math.abs(atGate[n * 6 + c]! - sum / 2)).toBeLessThanOrEqual(
            1e-12 * Math.max(1, Math.abs(sum)),
          );
        }
      // scale and shift pass relevance unchanged.
      for (const op of ['scale', 'shift']) {
        const node = model.nodes.find((n) => n.op === op)!;
        const producer = model.nodes.find((n) => n.output === node.inputs[0])!;
        expect(lrp(model, x, { ...options, layer: node.layer }).data).toEqual(
          lrp(model, x, { ...options, layer: producer.layer }).data,
        );
      }
      expectKernelsMatchGeneric(model, x, [undefined, 'se']);
    });
  }

  it('trains: gradients through mul, scale and shift match central differences', () => {
    const report = expectGradientsMatch(randomCase(importOnnx(join(OPS_FIXTURES, 'gating_op17.onnx')), 2, 3));
    expect(report.checked).toBeGreaterThan(50);
  });
});

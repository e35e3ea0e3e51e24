/**
 * LeakyReLU, the worked example of adding an operator (DESIGN.md, "Adding an ONNX operator"):
 * imported from ONNX, run forward, differentiated for training, and explained in every semiring
 * with relevance passing through it unchanged (zennit's Pass rule).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import { forward } from '../../../src/nn/forward.js';
import { layerNames } from '../../../src/nn/layers.js';
import { lrp } from '../../../src/nn/lrp/index.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { buildModel, floatAttr, floatTensor, intAttr, node, ramp } from '../onnx/onnx-builder.js';
import { expectGradientsMatch, randomCase } from '../train/finite-differences.js';

/** x [N, 4] → Gemm(4→5) → LeakyRelu(α) → Gemm(5→3). */
function leakyNet(alpha?: number) {
  const w1 = ramp(20, 0.07, -0.6);
  const w2 = ramp(15, -0.05, 0.4);
  return importOnnx(
    buildModel({
      nodes: [
        node('Gemm', ['x', 'w1', 'b1'], ['h'], [intAttr('transB', 1)], '/fc1/Gemm'),
        node(
          'LeakyRelu',
          ['h'],
          ['a'],
          alpha === undefined ? [] : [floatAttr('alpha', alpha)],
          '/act/LeakyRelu',
        ),
        node('Gemm', ['a', 'w2', 'b2'], ['y'], [intAttr('transB', 1)], '/fc2/Gemm'),
      ],
      initializers: [
        floatTensor('w1', [5, 4], w1),
        floatTensor('b1', [5], [0.1, -0.2, 0, 0.05, -0.1]),
        floatTensor('w2', [3, 5], w2),
        floatTensor('b2', [3], [0, 0.1, -0.1]),
      ],
    }),
  );
}

const x = { shape: [2, 4], data: Float32Array.from([1, -2, 0.5, 3, -1, 0.25, 2, -0.5]) };

describe('leaky_relu', () => {
  it('imports LeakyRelu with its alpha (0.01 by default) and computes x or α·x', () => {
    for (const alpha of [undefined, 0.2]) {
      const model = leakyNet(alpha);
      const act = model.nodes.find((n) => n.op === 'leaky_relu')!;
      // ONNX stores attributes as float32; the default is ONNX's 0.01.
      const expected = alpha === undefined ? 0.01 : Math.fround(alpha);
      expect(act.attributes).toEqual({ alpha: expected });
      const activations = forward(model, x);
      const h = activations.inputsOf(act)[0]!.data;
      const a = activations.outputOf(act).data;
      expect(h.some((v) => v < 0) && h.some((v) => v > 0)).toBe(true);
      h.forEach((v, i) => {
        expect(a[i]).toBeCloseTo(v >= 0 ? v : expected * v, 6);
      });
    }
  });

  it('passes relevance unchanged, in lrp() and as constant circuit edges', () => {
    const model = leakyNet(0.2);
    const [, act] = layerNames(model);
    const below = lrp(model, x, { composite: 'epsilon', layer: 'fc1' });
    const above = lrp(model, x, { composite: 'epsilon', layer: act! });
    expect(below.data).toEqual(above.data);
    const circuit = compile(model);
    const edge = circuit.graph.edges().find((e) => circuit.graph.getEdgeAttribute(e, 'op') === 'leaky_relu')!;
    expect(circuit.graph.getEdgeAttribute(edge, 'tokens')).toBe(false);
    const trace = circuit.trace(x);
    for (const semiring of ['boolean', 'counting', 'viterbi', 'tropical'])
      expect(trace.relevance({ semiring, layer: 'fc1' }).values).toEqual(
        trace.relevance({ semiring, layer: act! }).values,
      );
  });

  it('trains: its gradient matches central finite differences', () => {
    const report = expectGradientsMatch(randomCase(leakyNet(0.2), 3, 7));
    expect(report.checked).toBeGreaterThan(30);
  });
});

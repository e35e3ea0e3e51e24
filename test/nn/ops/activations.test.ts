/**
 * The activations (clip, elu, selu, gelu, gelu_tanh, sigmoid, tanh, softplus, hard_sigmoid,
 * hard_swish, silu): forward against PyTorch in float64, derivatives against central differences,
 * a PyTorch export through every activation at opsets 13 and 17 (GELU, HardSwish and SiLU as
 * subgraphs, fused into one node each), forward against PyTorch's logits, relevance passed
 * unchanged in lrp() and in ℝ, 𝔹, ℕ, Viterbi and tropical, kernels equal to the generic evaluator,
 * and the training gradient against central differences.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { tensor } from '../../../src/core/tensor.js';
import { forward } from '../../../src/nn/forward.js';
import type { ActivationOp, AnyNode } from '../../../src/nn/graph.js';
import { lrp } from '../../../src/nn/lrp/index.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { ACTIVATIONS, erf } from '../../../src/nn/ops/activation-functions.js';
import { expectPerSample, readFloat32, readJson } from '../onnx/fixture-support.js';
import { buildModel, floatTensor, intAttr, node, ramp, stringAttr } from '../onnx/onnx-builder.js';
import { applyOp } from '../support.js';
import { expectGradientsMatch, randomCase } from '../train/finite-differences.js';
import { expectKernelsMatchGeneric, KERNEL_SEMIRINGS } from './semiring-checks.js';

const OPS_FIXTURES = join(import.meta.dirname, '../../fixtures/ops');

interface TorchActivations {
  readonly points: number[];
  readonly elu_alpha: number;
  readonly values: Record<ActivationOp, number[]>;
}
const reference = readJson<TorchActivations>(join(OPS_FIXTURES, 'activations.json'));

/** The attributes PyTorch's modules in the fixture use. */
const ATTRIBUTES: { [A in ActivationOp]: object } = {
  clip: { min: 0, max: 6 },
  elu: { alpha: reference.elu_alpha },
  // PyTorch's exact constants (ONNX's defaults are their float32 roundings).
  selu: { alpha: 1.6732632423543772, gamma: 1.0507009873554805 },
  gelu: {},
  gelu_tanh: {},
  sigmoid: {},
  tanh: {},
  softplus: {},
  hard_sigmoid: { alpha: 1 / 6, beta: 0.5 },
  hard_swish: {},
  silu: {},
};

const activationNode = (op: ActivationOp, attributes: object): AnyNode =>
  ({ op, name: op, layer: op, inputs: ['x'], output: 'y', attributes, params: {} }) as AnyNode;

describe('activation functions', () => {
  it('erf matches known values to 1e-15', () => {
    // erf(0.5), erf(1), erf(2), erf(3.5) to 17 digits (DLMF, Table 7.3.1 / Wolfram).
    const known: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3.5, 0.9999992569016276],
    ];
    for (const [x, v] of known) {
      expect(Math.abs(erf(x) - v)).toBeLessThan(1e-15);
      expect(erf(-x)).toBe(-erf(x));
    }
    expect(erf(0)).toBe(0);
    expect(erf(7)).toBe(1);
  });

  for (const op of Object.keys(ATTRIBUTES) as ActivationOp[])
    it(`${op}: forward equals PyTorch in float64, and its derivative central differences`, () => {
      const x = tensor([1, reference.points.length], Float64Array.from(reference.points));
      const y = applyOp(activationNode(op, ATTRIBUTES[op]), [x]);
      reference.values[op].forEach((v, i) => {
        expect(Math.abs(y.data[i]! - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
      });
      const fn = ACTIVATIONS[op] as {
        f: (a: number, at: object) => number;
        df: (a: number, at: object) => number;
      };
      const h = 1e-6;
      for (const a of [-5.1, -2.5, -0.7, -0.05, 0.2, 1.3, 2.9, 4.4]) {
        const numeric = (fn.f(a + h, ATTRIBUTES[op]) - fn.f(a - h, ATTRIBUTES[op])) / (2 * h);
        expect(Math.abs(fn.df(a, ATTRIBUTES[op]) - numeric)).toBeLessThan(1e-7);
      }
    });

  it('rejects attributes that do not define a function', () => {
    const x = tensor([1, 2], Float32Array.from([0, 1]));
    expect(() => applyOp(activationNode('clip', { min: 2, max: 1 }), [x])).toThrow(/min must not exceed max/);
    expect(() => applyOp(activationNode('elu', { alpha: Number.NaN }), [x])).toThrow(InvalidArgumentError);
  });
});

describe('activations from a PyTorch export', () => {
  const input = readFloat32(join(OPS_FIXTURES, 'activations.input.bin'));
  const logits = readFloat32(join(OPS_FIXTURES, 'activations.logits.bin'));
  const x = tensor([3, 4], input);
  const order = Object.keys(ATTRIBUTES) as ActivationOp[];

  for (const opset of [13, 17]) {
    const model = importOnnx(join(OPS_FIXTURES, `activations_op${opset}.onnx`));

    it(`opset ${opset}: every activation is one node (subgraphs fused), forward equals PyTorch`, () => {
      expect(model.nodes.filter((n) => n.op !== 'dense').map((n) => n.op)).toEqual(order);
      // Each is its own module's layer: the Sequential index 1, 3, 5, ….
      expect(model.nodes.filter((n) => n.op !== 'dense').map((n) => n.layer)).toEqual(
        order.map((_, i) => String(2 * i + 1)),
      );
      expectPerSample(forward(model, x).output, logits, [3, 3], 1e-5);
    });

    it(`opset ${opset}: relevance passes through every activation unchanged, in every semiring`, () => {
      const trace = compile(model).trace(x, 'float64');
      order.forEach((_, i) => {
        const below = String(2 * i);
        const above = String(2 * i + 1);
        expect(lrp(model, x, { composite: 'epsilon', layer: below }).data).toEqual(
          lrp(model, x, { composite: 'epsilon', layer: above }).data,
        );
        for (const semiring of KERNEL_SEMIRINGS)
          expect(trace.relevance({ semiring, layer: below }).values).toEqual(
            trace.relevance({ semiring, layer: above }).values,
          );
      });
      const circuit = compile(model);
      for (const edge of circuit.graph.edges())
        if (order.includes(circuit.graph.getEdgeAttribute(edge, 'op') as ActivationOp))
          expect(circuit.graph.getEdgeAttribute(edge, 'tokens')).toBe(false);
      expectKernelsMatchGeneric(model, x, [undefined, '2']);
    });
  }

  it('trains: the gradient through every activation matches central differences', () => {
    const model = importOnnx(join(OPS_FIXTURES, 'activations_op17.onnx'));
    const report = expectGradientsMatch(randomCase(model, 2, 11));
    expect(report.checked).toBeGreaterThan(100);
  });
});

describe('HardSwish written as x·Clip(x + 3, 0, 6)/6', () => {
  const scalar = (name: string, v: number) => floatTensor(name, [], [v]);
  const graph = (divideLast: boolean) =>
    buildModel({
      input: ['N', 4],
      nodes: [
        node('Add', ['x', 'three'], ['s'], [], '/act/Add'),
        node('Clip', ['s', 'zero', 'six'], ['c'], [], '/act/Clip'),
        ...(divideLast
          ? [node('Mul', ['x', 'c'], ['m'], [], '/act/Mul'), node('Div', ['m', 'six'], ['h'], [], '/act/Div')]
          : [
              node('Div', ['c', 'six'], ['d'], [], '/act/Div'),
              node('Mul', ['d', 'x'], ['h'], [], '/act/Mul'),
            ]),
        node('Gemm', ['h', 'w'], ['y'], [intAttr('transB', 1)], '/fc/Gemm'),
      ],
      initializers: [
        scalar('three', 3),
        scalar('zero', 0),
        scalar('six', 6),
        floatTensor('w', [2, 4], ramp(8, 0.2, -0.7)),
      ],
    });
  for (const divideLast of [true, false])
    it(`fuses into one hard_swish (${divideLast ? 'Div last' : 'Mul last'})`, () => {
      const model = importOnnx(graph(divideLast));
      expect(model.nodes.map((n) => n.op)).toEqual(['hard_swish', 'dense']);
      expect(model.nodes[0]!.layer).toBe('act');
      const input = tensor([1, 4], Float32Array.from([-4, -1.5, 0.5, 3.5]));
      const h = forward(model, input).outputOf(model.nodes[0]!).data;
      input.data.forEach((v, i) => {
        expect(h[i]).toBeCloseTo((v * Math.min(Math.max(v + 3, 0), 6)) / 6, 6);
      });
    });
});

describe('ONNX Gelu (opset 20) and Clip without bounds', () => {
  it('imports Gelu with approximate none and tanh, and refuses another approximation', () => {
    const gelu = (approximate?: string) =>
      importOnnx(
        buildModel({
          opset: 20,
          input: ['N', 3],
          nodes: [
            node(
              'Gelu',
              ['x'],
              ['y'],
              approximate === undefined ? [] : [stringAttr('approximate', approximate)],
              '/act/Gelu',
            ),
          ],
        }),
      );
    expect(gelu().nodes.map((n) => n.op)).toEqual(['gelu']);
    expect(gelu('tanh').nodes.map((n) => n.op)).toEqual(['gelu_tanh']);
    expect(() => gelu('erf')).toThrow(/approximate = "erf"/);
  });

  it('reads an absent Clip bound as float32 max', () => {
    const model = importOnnx(
      buildModel({
        opset: 13,
        input: ['N', 3],
        nodes: [node('Clip', ['x', 'lo'], ['y'])],
        initializers: [floatTensor('lo', [], [0])],
      }),
    );
    expect(model.nodes[0]!.attributes).toEqual({ min: 0, max: 3.4028234663852886e38 });
    const y = forward(model, tensor([1, 3], Float32Array.from([-1, 2, 1e30]))).output.data;
    expect(Array.from(y)).toEqual([0, 2, Math.fround(1e30)]);
  });
});

import { describe, expect, it } from 'vitest';
import { UnsupportedError, UnsupportedOpError } from '../../../src/core/errors.js';
import { forward } from '../../../src/nn/forward.js';
import type { Model, Node } from '../../../src/nn/graph.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { buildModel, floatAttr, floatTensor, intAttr, node } from './onnx-builder.js';

const A = [
  [1, 2],
  [3, 4],
  [5, 6],
]; // [in = 3, out = 2]
const x = { shape: [2, 3], data: Float32Array.of(1, 0, -1, 0.5, 2, 3) };

/** x·A + b, row by row, the reference for a Linear layer with weight Aᵀ. */
function reference(scale: number, bias: readonly number[]): number[] {
  const out: number[] = [];
  for (let n = 0; n < 2; n++)
    for (let k = 0; k < 2; k++) {
      let z = bias[k]!;
      for (let j = 0; j < 3; j++) z += scale * x.data[n * 3 + j]! * A[j]![k]!;
      out.push(z);
    }
  return out;
}

const denseOf = (model: Model) => model.nodes.filter((n): n is Node<'dense'> => n.op === 'dense');
const outputOf = (model: Model) => Array.from(forward(model, x).output.data);

describe('importOnnx: Gemm', () => {
  it('folds alpha into the weight and beta into the bias, transposing B when transB = 0', () => {
    const model = importOnnx(
      buildModel({
        input: ['N', 3],
        nodes: [
          node('Gemm', ['x', 'B', 'C'], ['y'], [floatAttr('alpha', 2), floatAttr('beta', 0.5)], '/fc/Gemm'),
        ],
        initializers: [floatTensor('B', [3, 2], A.flat()), floatTensor('C', [2], [1, -1])],
      }),
    );
    const [dense] = denseOf(model);
    expect(dense?.params.weight.shape).toEqual([2, 3]);
    expect(Array.from(dense!.params.weight.data)).toEqual([2, 6, 10, 4, 8, 12]);
    expect(Array.from(dense!.params.bias.data)).toEqual([0.5, -0.5]);
    expect(dense?.layer).toBe('fc');
    expect(outputOf(model)).toEqual(reference(2, [0.5, -0.5]).map(Math.fround));
  });

  it('takes B as [out, in] with transB = 1, and C as [1, out], a scalar, or absent', () => {
    const B = floatTensor('B', [2, 3], [1, 3, 5, 2, 4, 6]);
    const cases: [ReturnType<typeof floatTensor> | undefined, number[]][] = [
      [floatTensor('C', [1, 2], [3, 4]), [3, 4]],
      [floatTensor('C', [], [7]), [7, 7]],
      [undefined, [0, 0]],
    ];
    for (const [C, bias] of cases) {
      const model = importOnnx(
        buildModel({
          input: ['N', 3],
          nodes: [node('Gemm', C ? ['x', 'B', 'C'] : ['x', 'B'], ['y'], [intAttr('transB', 1)])],
          initializers: C ? [B, C] : [B],
        }),
      );
      expect(Array.from(denseOf(model)[0]!.params.bias.data)).toEqual(bias);
      expect(outputOf(model)).toEqual(reference(1, bias).map(Math.fround));
    }
  });

  it('refuses transA = 1 on the activation with an UnsupportedError that says what to export', () => {
    const bytes = buildModel({
      input: ['N', 3],
      nodes: [node('Gemm', ['x', 'B'], ['y'], [intAttr('transA', 1)])],
      initializers: [floatTensor('B', [3, 2], A.flat())],
    });
    expect(() => importOnnx(bytes)).toThrow(UnsupportedError);
    expect(() => importOnnx(bytes)).toThrow(/transA = 1.*torch\.nn\.Linear/);
  });
});

describe('importOnnx: MatMul and Add', () => {
  const W = floatTensor('W', [3, 2], A.flat());
  const b = floatTensor('b', [2], [0.25, -2]);

  it('makes one dense node of MatMul + Add, whichever side of the Add the bias is on', () => {
    for (const inputs of [
      ['p', 'b'],
      ['b', 'p'],
    ]) {
      const model = importOnnx(
        buildModel({
          input: ['N', 3],
          nodes: [
            node('MatMul', ['x', 'W'], ['p'], [], '/fc/MatMul'),
            node('Add', inputs, ['y'], [], '/fc/Add'),
          ],
          initializers: [W, b],
        }),
      );
      expect(model.nodes.map((n) => [n.op, n.layer, n.output])).toEqual([['dense', 'fc', 'y']]);
      expect(Array.from(denseOf(model)[0]!.params.bias.data)).toEqual([0.25, -2]);
      expect(outputOf(model)).toEqual(reference(1, [0.25, -2]).map(Math.fround));
    }
  });

  it('gives a MatMul alone a zero bias and the weight Bᵀ', () => {
    const model = importOnnx(
      buildModel({ input: ['N', 3], nodes: [node('MatMul', ['x', 'W'], ['y'])], initializers: [W] }),
    );
    expect(Array.from(denseOf(model)[0]!.params.weight.data)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(outputOf(model)).toEqual(reference(1, [0, 0]).map(Math.fround));
  });

  it('applies a MatMul over the last axis of a rank-3 input, as nn.Linear does', () => {
    const model = importOnnx(
      buildModel({
        input: ['N', 2, 3],
        nodes: [node('MatMul', ['x', 'W'], ['p']), node('Add', ['p', 'b'], ['y'])],
        initializers: [W, b],
      }),
    );
    expect(model.shapes.get(model.output)).toEqual([2, 2]);
  });

  it('does not merge the Add when the product is also read elsewhere, and refuses it', () => {
    const bytes = buildModel({
      input: ['N', 3],
      nodes: [
        node('MatMul', ['x', 'W'], ['p']),
        node('Add', ['p', 'b'], ['q']),
        node('Add', ['p', 'q'], ['y'], [], '/sum'),
      ],
      initializers: [W, b],
    });
    // The first Add is then an activation plus a constant, a shift.
    expect(importOnnx(bytes).nodes.map((n) => n.op)).toEqual(['dense', 'shift', 'add']);
  });

  it('adds two activations as a residual sum', () => {
    const model = importOnnx(
      buildModel({ input: ['N', 3], nodes: [node('Relu', ['x'], ['r']), node('Add', ['r', 'x'], ['y'])] }),
    );
    expect(model.nodes.map((n) => n.op)).toEqual(['relu', 'add']);
    expect(outputOf(model)).toEqual([2, 0, -1, 1, 4, 6]);
  });

  it('takes Mul of two activations as mul, and refuses Sub and Div of two activations', () => {
    const product = buildModel({ input: ['N', 3], nodes: [node('Mul', ['x', 'x'], ['y'])] });
    expect(importOnnx(product).nodes.map((n) => n.op)).toEqual(['mul']);
    for (const op of ['Sub', 'Div']) {
      const bytes = buildModel({ input: ['N', 3], nodes: [node(op, ['x', 'x'], ['y'])] });
      expect(() => importOnnx(bytes)).toThrow(UnsupportedOpError);
      expect(() => importOnnx(bytes)).toThrow(new RegExp(`op ${op} .*with an activation as the`));
    }
  });
});

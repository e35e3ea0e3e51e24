/**
 * The shape operators on activations: transpose, slice, gather, expand and tile (one source map
 * each), and reduce_mean over any per-sample axes. Forward against hand-written references; a
 * PyTorch module through Transpose, Split, Slice, Unsqueeze, Expand, Gather, Tile, ReduceMean,
 * Flatten and Concat at opsets 13 and 17 against torch's logits; relevance routed (summed over
 * copies) and averaged as specified, kernels equal to the generic evaluator in ℝ, 𝔹, ℕ, Viterbi
 * and tropical; gradients against central differences.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { sizeOf, tensor } from '../../../src/core/tensor.js';
import { forward } from '../../../src/nn/forward.js';
import type { AnyNode, Model } from '../../../src/nn/graph.js';
import { lrp } from '../../../src/nn/lrp/index.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { expectPerSample, readFloat32 } from '../onnx/fixture-support.js';
import { applyOp, randomTensor, rngOf } from '../support.js';
import { expectGradientsMatch, randomCase } from '../train/finite-differences.js';
import { expectKernelsMatchGeneric } from './semiring-checks.js';

const OPS_FIXTURES = join(import.meta.dirname, '../../fixtures/ops');

const opNode = (op: string, attributes: object): AnyNode =>
  ({ op, name: op, layer: op, inputs: ['x'], output: 'y', attributes, params: {} }) as AnyNode;

/** Element at multi-index m of a C-order array of shape `shape`. */
const at = (data: ArrayLike<number>, shape: readonly number[], m: readonly number[]): number =>
  data[m.reduce((f, v, a) => f * shape[a]! + v, 0)]!;

/** Every multi-index of a shape, in C order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const m = shape.map(() => 0);
  for (let k = 0; k < sizeOf(shape); k++) {
    yield [...m];
    for (let a = shape.length - 1; a >= 0; a--) {
      m[a]!++;
      if (m[a]! < shape[a]!) break;
      m[a] = 0;
    }
  }
}

describe('rearranging operators, forward', () => {
  it('transpose moves axis perm[i] to i, for random ranks and permutations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 1e6 }),
        (shape, seed) => {
          const perm = shape.map((_, a) => a).sort((a, b) => ((a * 7 + seed) % 5) - ((b * 7 + seed) % 5));
          const x = randomTensor(rngOf(seed), [2, ...shape]);
          const y = applyOp(opNode('transpose', { perm }), [x]);
          const out = perm.map((p) => shape[p]!);
          expect(y.shape).toEqual([2, ...out]);
          for (const m of indices([2, ...out])) {
            const src = [m[0]!, ...shape.map(() => 0)];
            perm.forEach((p, a) => {
              src[p + 1] = m[a + 1]!;
            });
            expect(at(y.data, [2, ...out], m)).toBe(at(x.data, [2, ...shape], src));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('slice, gather, expand and tile select the elements they name', () => {
    const x = tensor(
      [1, 3, 4],
      Float32Array.from({ length: 12 }, (_, i) => i),
    );
    const sliced = applyOp(opNode('slice', { starts: [2, 3], ends: [-1, 0], steps: [-2, -2] }), [x]);
    // Rows 2, 0 and columns 3, 1.
    expect(Array.from(sliced.data)).toEqual([11, 9, 3, 1]);
    const gathered = applyOp(opNode('gather', { axis: 1, indices: [3, 0, 3], indicesShape: [3] }), [x]);
    expect(Array.from(gathered.data)).toEqual([3, 0, 3, 7, 4, 7, 11, 8, 11]);
    const token = applyOp(opNode('gather', { axis: 0, indices: [1], indicesShape: [] }), [x]);
    expect(token.shape).toEqual([1, 4]);
    expect(Array.from(token.data)).toEqual([4, 5, 6, 7]);
    const row = tensor([1, 1, 2], Float32Array.from([5, 6]));
    const expanded = applyOp(opNode('expand', { shape: [3, 2] }), [row]);
    expect(Array.from(expanded.data)).toEqual([5, 6, 5, 6, 5, 6]);
    const tiled = applyOp(opNode('tile', { repeats: [2, 2] }), [row]);
    expect(Array.from(tiled.data)).toEqual([5, 6, 5, 6, 5, 6, 5, 6]);
    const mean = applyOp(opNode('reduce_mean', { axes: [0], keepdims: false }), [x]);
    expect(Array.from(mean.data)).toEqual([4, 5, 6, 7]);
    const kept = applyOp(opNode('reduce_mean', { axes: [1], keepdims: true }), [x]);
    expect(kept.shape).toEqual([1, 3, 1]);
    expect(Array.from(kept.data)).toEqual([1.5, 5.5, 9.5]);
  });

  it('rejects attributes that do not fit the input, naming the node', () => {
    const x = tensor([1, 3, 4], new Float32Array(12));
    expect(() => applyOp(opNode('transpose', { perm: [0, 0] }), [x])).toThrow(InvalidArgumentError);
    expect(() => applyOp(opNode('slice', { starts: [0, 0], ends: [5, 4], steps: [1, 1] }), [x])).toThrow(
      /axis 0 of size 3/,
    );
    expect(() => applyOp(opNode('gather', { axis: 1, indices: [4], indicesShape: [1] }), [x])).toThrow(
      /indices must be/,
    );
    expect(() => applyOp(opNode('expand', { shape: [2, 4] }), [x])).toThrow(/broadcasts to/);
    expect(() => applyOp(opNode('reduce_mean', { axes: [1, 0], keepdims: true }), [x])).toThrow(/increasing/);
  });
});

describe('shape operators from a PyTorch export', () => {
  const x = tensor([2, 3, 4], readFloat32(join(OPS_FIXTURES, 'shapes.input.bin')));
  const logits = readFloat32(join(OPS_FIXTURES, 'shapes.logits.bin'));
  const models: [number, Model][] = [13, 17].map((o) => [
    o,
    importOnnx(join(OPS_FIXTURES, `shapes_op${o}.onnx`)),
  ]);

  for (const [opset, model] of models) {
    it(`opset ${opset}: imports every shape op on activations, forward equals PyTorch`, () => {
      const ops = new Set(model.nodes.map((n) => n.op));
      for (const op of ['transpose', 'slice', 'gather', 'expand', 'tile', 'reduce_mean', 'concat'])
        expect(ops.has(op as never)).toBe(true);
      expectPerSample(forward(model, x).output, logits, [2, 3], 1e-5);
    });

    it(`opset ${opset}: routing sums relevance over copies, reduce_mean averages with tokens, kernels equal generic`, () => {
      const options = { composite: 'epsilon' as const, dtype: 'float64' as const };
      for (const node of model.nodes.filter((n) => ['transpose', 'tile', 'expand'].includes(n.op))) {
        const above = lrp(model, x, { ...options, layer: node.layer }).data;
        const producer = model.nodes.find((n) => n.output === node.inputs[0])!;
        const below = lrp(model, x, { ...options, layer: producer.layer }).data;
        // One consumer each here: what reaches the input is all the output had.
        const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
        expect(Math.abs(sum(above) - sum(below))).toBeLessThanOrEqual(
          1e-12 * Math.max(1, Math.abs(sum(above))),
        );
      }
      const circuit = compile(model);
      for (const edge of circuit.graph.edges()) {
        const op = circuit.graph.getEdgeAttribute(edge, 'op');
        if (op === 'reduce_mean') expect(circuit.graph.getEdgeAttribute(edge, 'tokens')).toBe(true);
        if (['transpose', 'slice', 'gather', 'expand', 'tile'].includes(op))
          expect(circuit.graph.getEdgeAttribute(edge, 'tokens')).toBe(false);
      }
      expectKernelsMatchGeneric(model, x, [undefined, 'fc1']);
    });
  }

  it('trains: gradients through every shape op match central differences', () => {
    const report = expectGradientsMatch(randomCase(models[1]![1], 2, 5));
    expect(report.checked).toBeGreaterThan(50);
  });
});

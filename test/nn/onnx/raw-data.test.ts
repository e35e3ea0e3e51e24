import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOnnx } from '../../../src/nn/onnx/decode.js';
import { initializersOf } from '../../../src/nn/onnx/graph-io.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { buildModel, floatTensor, node } from './onnx-builder.js';

/** A Gemm model whose weight and bias are raw float32 data, their offsets moved by the name lengths. */
function gemmModel(inputs: number, outputs: number, weightName: string, biasName: string, values: number[]) {
  return buildModel({
    input: ['N', inputs],
    nodes: [
      node('Gemm', ['x', weightName, biasName], ['y'], [{ name: 'transB', type: 2, i: 1 }], weightName),
    ],
    initializers: [
      floatTensor(weightName, [outputs, inputs], values.slice(0, outputs * inputs), true),
      floatTensor(biasName, [outputs], values.slice(outputs * inputs), true),
    ],
  });
}

const arbGemm = fc.record({
  inputs: fc.integer({ min: 1, max: 12 }),
  outputs: fc.integer({ min: 1, max: 12 }),
  weightName: fc.stringMatching(/^w[a-z]{0,6}$/),
  biasName: fc.stringMatching(/^b[a-z]{0,6}$/),
  seed: fc.integer(),
});

function valuesOf(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.fround(Math.sin(seed + 7 * i) * 3));
}

describe('initializer raw data in bytes the importer owns', () => {
  it('is moved onto aligned offsets and read as views, with the same values as a copying decode', () => {
    fc.assert(
      fc.property(arbGemm, ({ inputs, outputs, weightName, biasName, seed }) => {
        const values = valuesOf(outputs * inputs + outputs, seed);
        const bytes = gemmModel(inputs, outputs, weightName, biasName, values);
        const plain = decodeOnnx(bytes.slice()).graph;
        const copied = initializersOf(plain);
        const aligned = new Map(plain.initializer!.map((t) => [t.name, t.rawData!.byteOffset % 4 === 0]));
        const owned = bytes.slice();
        const viewed = initializersOf(decodeOnnx(owned, { ownsBytes: true }).graph, true);
        for (const [name, constant] of copied) {
          const view = viewed.get(name)!;
          expect(view.dims).toEqual(constant.dims);
          expect(Array.from(view.data)).toEqual(Array.from(constant.data));
          const data = view.data as Float32Array;
          // 128 bytes and more move in place; shorter data is viewed where it was aligned already.
          expect(data.buffer === owned.buffer).toBe(data.byteLength >= 128 || aligned.get(name)!);
          if (data.buffer === owned.buffer) expect(data.byteOffset % 4).toBe(0);
        }
      }),
      { seed: 0x0a11, numRuns: 60 },
    );
  });

  it('gives a model whose parameters are views of the bytes, computing what the copying import computes', () => {
    const values = valuesOf(40 * 9 + 9, 3);
    const bytes = gemmModel(40, 9, 'wab', 'bc', values);
    const fromCopy = importOnnx(bytes);
    const owned = bytes.slice();
    const decoded = decodeOnnx(owned, { ownsBytes: true });
    const weights = initializersOf(decoded.graph, true).get('wab')!.data as Float32Array;
    expect(weights.buffer).toBe(owned.buffer);
    expect(weights.byteOffset % 4).toBe(0);
    const dense = fromCopy.nodes.find((n) => n.op === 'dense')!;
    expect(Array.from(weights)).toEqual(Array.from(dense.params.weight.data));
  });

  it('leaves bytes the caller passed in unchanged, and shares no memory with them', () => {
    const bytes = gemmModel(40, 9, 'wa', 'b', valuesOf(40 * 9 + 9, 5));
    const before = bytes.slice();
    const model = importOnnx(bytes);
    expect(bytes).toEqual(before);
    for (const n of model.nodes)
      for (const p of Object.values(n.params) as { data: Float32Array }[])
        expect(p.data.buffer).not.toBe(bytes.buffer);
  });
});

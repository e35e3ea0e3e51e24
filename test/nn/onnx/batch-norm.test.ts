import { describe, expect, it } from 'vitest';
import { UnsupportedOpError } from '../../../src/core/errors.js';
import { forward } from '../../../src/nn/forward.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { EXPORTS, expectPerSample, readFloat32, readJson, ZENNIT } from './fixture-support.js';
import { buildModel, floatAttr, floatTensor, intAttr, node, ramp } from './onnx-builder.js';

interface Sample {
  readonly shape: number[];
  readonly file: string;
}

const zennit = readJson<{ models: Record<string, { input: Sample }> }>(`${ZENNIT}manifest.json`);
const exports = readJson<{ models: { name: string; file: string; input: Sample; op_types: string[] }[] }>(
  `${EXPORTS}manifest.json`,
);

const cases = [
  {
    name: 'zennit resnet',
    path: `${ZENNIT}resnet/model.onnx`,
    input: zennit.models.resnet!.input,
    dir: `${ZENNIT}resnet/`,
  },
  ...exports.models
    .filter((m) => m.op_types.includes('BatchNormalization'))
    .map((m) => ({ name: m.name, path: `${EXPORTS}${m.file}`, input: m.input, dir: EXPORTS })),
];

describe('importOnnx with foldBatchNorm', () => {
  it('runs on at least one model of each kind (BatchNorm after Conv and after Gemm)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
  });

  for (const c of cases)
    it(`gives the same logits folded and unfolded on ${c.name}`, () => {
      const x = { shape: c.input.shape, data: readFloat32(`${c.dir}${c.input.file}`) };
      const folded = importOnnx(c.path);
      const unfolded = importOnnx(c.path, { foldBatchNorm: false });
      expect(folded.nodes.length).toBeLessThan(unfolded.nodes.length);
      const reference = forward(unfolded, x, { dtype: 'float64' }).output;
      expectPerSample(forward(folded, x).output, Float32Array.from(reference.data), reference.shape, 1e-5);
    });
});

describe('importOnnx: BatchNormalization', () => {
  const conv = [floatTensor('w', [2, 1, 1, 1], [2, -1]), floatTensor('b', [2], [0.5, 0])];
  const stats = [
    floatTensor('scale', [2], [1.5, 0.5]),
    floatTensor('B', [2], [0.1, -0.2]),
    floatTensor('mean', [2], [0.3, 0.4]),
    floatTensor('var', [2], [4, 0.25]),
  ];
  const bnModel = (attributes: Parameters<typeof node>[3], opset = 13) =>
    buildModel({
      opset,
      input: ['N', 1, 2, 2],
      nodes: [
        node('Conv', ['x', 'w', 'b'], ['c'], [], '/conv/Conv'),
        node(
          'BatchNormalization',
          ['c', 'scale', 'B', 'mean', 'var'],
          ['y'],
          attributes,
          '/bn/BatchNormalization',
        ),
      ],
      initializers: [...conv, ...stats],
    });

  it('computes (x − mean)/√(var + epsilon)·scale + B with the node’s epsilon, folded or not', () => {
    const x = { shape: [1, 1, 2, 2], data: Float32Array.from(ramp(4, 1)) };
    const bytes = bnModel([floatAttr('epsilon', 0)]);
    const expected = [0, 1, 2, 3].flatMap((v) => [((2 * v + 0.5 - 0.3) / 2) * 1.5 + 0.1]);
    expected.push(...[0, 1, 2, 3].map((v) => ((-v - 0.4) / 0.5) * 0.5 - 0.2));
    for (const foldBatchNorm of [true, false]) {
      const y = forward(importOnnx(bytes, { foldBatchNorm }), x).output;
      expectPerSample(y, Float32Array.from(expected), [1, 2, 2, 2], 1e-6);
    }
    expect(importOnnx(bytes).nodes.map((n) => [n.op, n.layer])).toEqual([['conv', 'conv']]);
  });

  it('accepts spatial = 1 and training_mode = 0, and refuses spatial = 0', () => {
    expect(importOnnx(bnModel([intAttr('spatial', 1)], 9)).nodes).toHaveLength(1);
    expect(importOnnx(bnModel([intAttr('training_mode', 0)], 15)).nodes).toHaveLength(1);
    expect(() => importOnnx(bnModel([intAttr('spatial', 0)], 9))).toThrow(UnsupportedOpError);
  });

  it('keeps a BatchNorm that reads the model input as a node of its own', () => {
    const bytes = buildModel({
      input: ['N', 2],
      nodes: [node('BatchNormalization', ['x', 'scale', 'B', 'mean', 'var'], ['y'])],
      initializers: stats,
    });
    expect(importOnnx(bytes).nodes.map((n) => n.op)).toEqual(['batch_norm']);
  });
});

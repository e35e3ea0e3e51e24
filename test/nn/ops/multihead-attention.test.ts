/**
 * PyTorch's `nn.MultiheadAttention` and `nn.TransformerEncoder` (batch first), whose exports move
 * the batch axis: (seq, batch, d), then batch·heads merged in a Reshape, and back. The importer
 * follows where the batch is (src/nn/onnx/batch-layout.ts) and writes per-sample ops. At opsets
 * 13 and 17: forward against torch's logits, kernels equal to the generic evaluator in ℝ, 𝔹, ℕ,
 * Viterbi and tropical; on a bias-free variant with ε → 0 the relevance is conserved by every
 * step but the softmax, whose gain or loss is exactly Σ_j R_j·(x_j − Σ_i s_i x_i) per row
 * (AttnLRP's rule is not conservative).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../../src/core/tensor.js';
import { forward } from '../../../src/nn/forward.js';
import type { Model } from '../../../src/nn/graph.js';
import { isLinear, layerMap, lrp } from '../../../src/nn/lrp/index.js';
import { epsilon } from '../../../src/nn/lrp/rules/epsilon.js';
import { createModel } from '../../../src/nn/model.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { expectPerSample, readFloat32 } from '../onnx/fixture-support.js';
import { buildModel, floatTensor, intsAttr, node } from '../onnx/onnx-builder.js';
import { expectKernelsMatchGeneric } from './semiring-checks.js';

const OPS_FIXTURES = join(import.meta.dirname, '../../fixtures/ops');
const fixture = (name: string, shape: number[]) => ({
  x: tensor(shape, Float64Array.from(readFloat32(join(OPS_FIXTURES, `${name}.input.bin`)))),
  logits: readFloat32(join(OPS_FIXTURES, `${name}.logits.bin`)),
});
const sum = (r: ArrayLike<number>) => Array.from(r).reduce((p, v) => p + v, 0);

/** The model with every node its own layer, so that relevance can be read at every node. */
const nodeByNode = (model: Model): Model =>
  createModel({
    input: model.input,
    inputShape: model.shapes.get(model.input)!,
    output: model.output,
    nodes: model.nodes.map((n) => ({ ...n, layer: n.name })),
  });

/**
 * On a bias-free fixture with ε → 0 (dense, matmul, layer_norm, add and mean): Σ R(x) equals
 * Σ R(logits) plus what the softmax rule adds, Σ_j R_j·(x_j − Σ_i s_i x_i) over every row of
 * every softmax node; each row's Σ_i R(x_i) is checked against that sum on its own.
 */
function expectConservedButSoftmax(name: string, softmaxNodes: number): void {
  const { x: input, logits: reference } = fixture(name, [2, 3, 8]);
  const model = nodeByNode(importOnnx(join(OPS_FIXTURES, `${name}_op17.onnx`)));
  expectPerSample(
    forward(model, tensor([2, 3, 8], Float32Array.from(input.data))).output,
    reference,
    [2, 2],
    1e-4,
  );
  // ε → 0 on every rule with a stabiliser (the base map's matmul, layer_norm and norm rules included).
  const tiny = epsilon({ epsilon: 1e-12 });
  const composite = layerMap({
    name: 'epsilon_to_zero',
    rules: [
      [isLinear, tiny],
      [(node) => ['matmul', 'layer_norm', 'add', 'reduce_mean'].includes(node.op), tiny],
    ],
  });
  const options = { composite, dtype: 'float64' as const };
  const acts = forward(model, input, { dtype: 'float64' });
  const softmaxes = model.nodes.filter((n) => n.op === 'softmax');
  expect(softmaxes).toHaveLength(softmaxNodes);
  const gain = [0, 0];
  for (const soft of softmaxes) {
    const scoresNode = model.nodes.find((n) => n.output === soft.inputs[0])!;
    const scores = acts.outputOf(scoresNode).data;
    const s = acts.outputOf(soft).data;
    const rWeights = lrp(model, input, { ...options, layer: soft.name }).data;
    const rScores = lrp(model, input, { ...options, layer: scoresNode.name }).data;
    const width = model.shapes.get(soft.output)!.at(-1)!;
    const perSample = s.length / 2;
    for (let base = 0; base < s.length; base += width) {
      let rSum = 0;
      let mean = 0;
      let rowScores = 0;
      for (let j = 0; j < width; j++) {
        rSum += rWeights[base + j]!;
        mean += s[base + j]! * scores[base + j]!;
        rowScores += rScores[base + j]!;
      }
      let rowGain = 0;
      for (let j = 0; j < width; j++) rowGain += rWeights[base + j]! * (scores[base + j]! - mean);
      expect(Math.abs(rowScores - rowGain)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(rSum)));
      gain[Math.floor(base / perSample)]! += rowGain - rSum;
    }
  }
  const rInput = lrp(model, input, options).data;
  const rOutput = lrp(model, input, { ...options, layer: model.nodes.at(-1)!.name }).data;
  for (let n = 0; n < 2; n++) {
    const total = sum(rOutput.subarray(n * 2, n * 2 + 2));
    expect(Math.abs(total)).toBeGreaterThan(1e-3);
    expect(Math.abs(sum(rInput.subarray(n * 24, n * 24 + 24)) - (total + gain[n]!))).toBeLessThanOrEqual(
      1e-6 * Math.abs(total),
    );
    // The softmax does change the total: the check is not conservation in disguise.
    expect(Math.abs(gain[n]!)).toBeGreaterThan(1e-6 * Math.abs(total));
  }
}

const ATTENTION_OPS = [
  'dense',
  'slice',
  'slice',
  'slice',
  'reshape',
  'transpose',
  'reshape',
  'reshape',
  'transpose',
  'scale',
  'transpose',
  'matmul',
  'softmax',
  'matmul',
  'transpose',
  'reshape',
  'dense',
];

describe('nn.MultiheadAttention (batch first): the export moves the batch, the model keeps it first', () => {
  const { x, logits } = fixture('mha', [3, 3, 8]);
  for (const opset of [13, 17]) {
    const model = importOnnx(join(OPS_FIXTURES, `mha_op${opset}.onnx`));

    it(`opset ${opset}: per-sample ops, per head; forward equals PyTorch for a batch of 3 and of 1`, () => {
      expect(model.nodes.map((n) => n.op)).toEqual([...ATTENTION_OPS, 'gather', 'dense']);
      // The heads are an axis of one sample: Q as [seq, heads, head_dim], the scores [heads, seq, seq].
      expect(model.shapes.get(model.nodes.find((n) => n.op === 'softmax')!.output)).toEqual([2, 3, 3]);
      expectPerSample(
        forward(model, tensor([3, 3, 8], Float32Array.from(x.data))).output,
        logits,
        [3, 2],
        1e-4,
      );
      const one = forward(model, tensor([1, 3, 8], Float32Array.from(x.data.subarray(24, 48)))).output;
      expectPerSample(one, logits.subarray(2, 4), [1, 2], 1e-4);
    });

    it(`opset ${opset}: every kernel equals the generic evaluator`, () => {
      expectKernelsMatchGeneric(model, x, [undefined, 'attn']);
    });
  }

  it('bias-free, ε → 0: relevance is conserved but at the softmax, which adds Σ_j R_j·(x_j − Σ_i s_i x_i)', () => {
    expectConservedButSoftmax('mha_nobias', 1);
  });

  it('a causal attn_mask (−1e9, a constant on the scores [batch·heads, seq, seq]): forward, no relevance to masked scores', () => {
    const { x: input, logits: reference } = fixture('mha_causal', [2, 3, 8]);
    const model = nodeByNode(importOnnx(join(OPS_FIXTURES, 'mha_causal_op17.onnx')));
    expectPerSample(
      forward(model, tensor([2, 3, 8], Float32Array.from(input.data))).output,
      reference,
      [2, 2],
      1e-4,
    );
    const soft = model.nodes.find((n) => n.op === 'softmax')!;
    const scoresNode = model.nodes.find((n) => n.output === soft.inputs[0])!;
    expect(scoresNode.op).toBe('shift');
    const rScores = lrp(model, input, {
      composite: 'epsilon',
      dtype: 'float64',
      layer: scoresNode.name,
    }).data;
    const rAll = lrp(model, input, { composite: 'epsilon', dtype: 'float64', layer: soft.name }).data;
    // [2 samples, 2 heads, 3 queries, 3 keys]: key k > query q is masked.
    let open = 0;
    for (let b = 0; b < 4; b++)
      for (let q = 0; q < 3; q++)
        for (let k = 0; k < 3; k++) {
          const at = b * 9 + q * 3 + k;
          if (k > q) {
            expect(rAll[at]).toBe(0);
          } else open += Math.abs(rAll[at]!);
        }
    expect(open).toBeGreaterThan(1e-6);
    expect(rScores.every(Number.isFinite)).toBe(true);
    expectKernelsMatchGeneric(model, input);
  });

  it('refuses a mask of −∞ at import, saying what to write instead', () => {
    const bytes = buildModel({
      opset: 17,
      input: ['N', 2, 2],
      nodes: [node('Add', ['x', 'mask'], ['y'])],
      initializers: [floatTensor('mask', [2, 2], [0, Number.NEGATIVE_INFINITY, 0, 0])],
    });
    expect(() => importOnnx(bytes)).toThrow(/holding ±∞ or NaN .*large finite negative value/);
  });
});

describe('nn.TransformerEncoder of two nn.TransformerEncoderLayer (batch first)', () => {
  const { x, logits } = fixture('encoder', [3, 3, 8]);
  const ops = (opset: number) =>
    importOnnx(join(OPS_FIXTURES, `encoder_op${opset}.onnx`)).nodes.map((n) => n.op);

  it("opset 13's decomposed LayerNorms fuse with their γ and β, shared through Identity nodes", () => {
    expect(ops(13)).toEqual(ops(17));
  });

  for (const opset of [13, 17]) {
    const model = importOnnx(join(OPS_FIXTURES, `encoder_op${opset}.onnx`));

    it(`opset ${opset}: imports both layers; forward equals PyTorch`, () => {
      expect(model.nodes.filter((n) => n.op === 'softmax')).toHaveLength(2);
      expect(model.nodes.filter((n) => n.op === 'layer_norm')).toHaveLength(4);
      expectPerSample(
        forward(model, tensor([3, 3, 8], Float32Array.from(x.data))).output,
        logits,
        [3, 2],
        1e-4,
      );
    });

    it(`opset ${opset}: every kernel equals the generic evaluator`, () => {
      expectKernelsMatchGeneric(model, x);
    });
  }

  it('bias-free, ε → 0: relevance is conserved through both layers (residuals, LayerNorm, MLP) but at the softmaxes', () => {
    expectConservedButSoftmax('encoder_nobias', 2);
  });
});

describe("PyTorch's default sequence-first layout (seq, batch, d)", () => {
  // The ONNX input is (3 tokens, batch 2, width 8); the imported model takes it batch first.
  const batchFirst = (name: string) => {
    const seqFirst = readFloat32(join(OPS_FIXTURES, `${name}.input.bin`));
    const out = new Float64Array(seqFirst.length);
    for (let s = 0; s < 3; s++)
      for (let n = 0; n < 2; n++)
        for (let d = 0; d < 8; d++) out[n * 24 + s * 8 + d] = seqFirst[s * 16 + n * 8 + d]!;
    return tensor([2, 3, 8], out);
  };
  for (const [name, head] of [
    ['mha_seq', 'gather'],
    ['encoder_seq', 'reduce_mean'],
  ] as const)
    for (const opset of [13, 17]) {
      const model = importOnnx(join(OPS_FIXTURES, `${name}_op${opset}.onnx`));
      const x = batchFirst(name);

      it(`${name}, opset ${opset}: the model input is [N, seq, d]; forward equals PyTorch; kernels equal generic`, () => {
        expect(model.shapes.get(model.input)).toEqual([3, 8]);
        expect(model.nodes.at(-2)!.op).toBe(head);
        const logits = readFloat32(join(OPS_FIXTURES, `${name}.logits.bin`));
        expectPerSample(
          forward(model, tensor([2, 3, 8], Float32Array.from(x.data))).output,
          logits,
          [2, 2],
          1e-4,
        );
        expectKernelsMatchGeneric(model, x);
      });
    }

  it('refuses an output that keeps the batch off the first axis, and ops that cannot follow it', () => {
    const seqFirst = (nodes: Parameters<typeof buildModel>[0]['nodes']) =>
      buildModel({ opset: 17, input: [3, 'N', 4], nodes });
    expect(() => importOnnx(seqFirst([node('Relu', ['x'], ['y'])]))).toThrow(
      /graph output "y" \[3, batch, 4\] holds the batch on axis 1/,
    );
    const back = importOnnx(
      seqFirst([node('Relu', ['x'], ['r']), node('Transpose', ['r'], ['y'], [intsAttr('perm', [1, 0, 2])])]),
    );
    // The transpose back to batch first is no node: the model was batch first all along.
    expect(back.nodes.map((n) => n.op)).toEqual(['relu']);
    expect(() => importOnnx(seqFirst([node('Flatten', ['x'], ['y'])]))).toThrow(
      /on an activation \[3, batch, 4\] whose batch axis the exporter moved to axis 1/,
    );
  });
});

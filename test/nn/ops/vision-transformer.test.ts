/**
 * torchvision's VisionTransformer (image 32, patch 8, 2 layers, 2 heads, width 32): patch
 * convolution, a class token expanded to the batch and concatenated before the patches (Concat of
 * a constant and an activation: pad + shift, the constant part receives no relevance),
 * MultiheadAttention (the export moves the batch axis), and the class-token head. At opsets 13
 * and 17: forward against torch's logits, kernels equal to the generic evaluator in ℝ, 𝔹, ℕ,
 * Viterbi and tropical, and the class token's rule checked on the relevance.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../../src/core/tensor.js';
import { forward } from '../../../src/nn/forward.js';
import { lrp } from '../../../src/nn/lrp/index.js';
import { createModel } from '../../../src/nn/model.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { expectPerSample, readFloat32 } from '../onnx/fixture-support.js';
import { expectKernelsMatchGeneric } from './semiring-checks.js';

const OPS_FIXTURES = join(import.meta.dirname, '../../fixtures/ops');
const x = tensor([2, 3, 32, 32], Float64Array.from(readFloat32(join(OPS_FIXTURES, 'vit.input.bin'))));
const logits = readFloat32(join(OPS_FIXTURES, 'vit.logits.bin'));

describe("torchvision's VisionTransformer", () => {
  const ops = (opset: number) => importOnnx(join(OPS_FIXTURES, `vit_op${opset}.onnx`)).nodes.map((n) => n.op);

  for (const opset of [13, 17]) {
    const model = importOnnx(join(OPS_FIXTURES, `vit_op${opset}.onnx`));

    it(`opset ${opset}: patches, class token, two encoder layers, class-token head; forward equals PyTorch`, () => {
      expect(model.nodes.slice(0, 5).map((n) => n.op)).toEqual([
        'conv',
        'reshape',
        'transpose',
        'pad',
        'shift',
      ]);
      expect(model.nodes.filter((n) => n.op === 'softmax')).toHaveLength(2);
      expect(model.nodes.slice(-2).map((n) => n.op)).toEqual(['gather', 'dense']);
      expectPerSample(
        forward(model, tensor([2, 3, 32, 32], Float32Array.from(x.data))).output,
        logits,
        [2, 10],
        1e-4,
      );
    });

    it(`opset ${opset}: every kernel equals the generic evaluator`, () => {
      expectKernelsMatchGeneric(model, x, [undefined, 'Concat_2']);
    });
  }

  it('opset 13 imports the same nodes as 17 (LayerNorm fused though its γ and β are shared Identity outputs)', () => {
    expect(ops(13)).toEqual(ops(17));
  });

  it('the class token receives no relevance; the patches get theirs unchanged', () => {
    const base = importOnnx(join(OPS_FIXTURES, 'vit_op17.onnx'));
    const model = createModel({
      input: base.input,
      inputShape: base.shapes.get(base.input)!,
      output: base.output,
      nodes: base.nodes.map((n) => ({ ...n, layer: n.name })),
    });
    const options = { composite: 'epsilon' as const, dtype: 'float64' as const };
    const concat = model.nodes.find((n) => n.name === '/Concat_2')!;
    const atTokens = lrp(model, x, { ...options, layer: concat.name }).data;
    const atPatches = lrp(model, x, { ...options, layer: '/Transpose' }).data;
    const [tokens, width] = model.shapes.get(concat.output)! as [number, number];
    expect([tokens, width]).toEqual([17, 32]);
    let classToken = 0;
    for (let n = 0; n < 2; n++) {
      for (let d = 0; d < width; d++) classToken += Math.abs(atTokens[n * tokens * width + d]!);
      for (let t = 1; t < tokens; t++)
        for (let d = 0; d < width; d++)
          expect(atPatches[n * (tokens - 1) * width + (t - 1) * width + d]).toBe(
            atTokens[n * tokens * width + t * width + d],
          );
    }
    // The class token does hold relevance, which stops there.
    expect(classToken).toBeGreaterThan(1e-6);
  });
});

/**
 * Modern networks exported by torch (scripts/export-modern-models.py): torchvision's
 * mobilenet_v2, mobilenet_v3_small, efficientnet_b0, resnet50, densenet121, regnet_y_400mf and
 * convnext_tiny at reduced widths, a small VisionTransformer and a TransformerEncoder text
 * classifier, at opsets 13 and 17. Each is imported, run forward against torch's float64 logits,
 * and explained in the K-LRP set with the default composites and annotations (DESIGN.md §1b),
 * checked by the homomorphisms between them; the bias-free variants conserve relevance under
 * LRP-0; the CNNs zennit has a reference for agree with it.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import { forward } from '../../../src/nn/forward.js';
import type { Model } from '../../../src/nn/graph.js';
import {
  importModern,
  lrp0Manifest,
  lrp0Relevance,
  modernInput,
  modernLogits,
  modernManifest,
  zennitManifest,
  zennitRelevance,
} from './modern-fixtures.js';

/** Every (fixture, opset) and what the importer says about it, computed once. */
const FILES = modernManifest.models.flatMap((entry) =>
  Object.entries(entry.opsets).map(([opset, file]) => ({
    entry,
    opset: Number(opset),
    file: file.file,
    imported: importModern(file.file),
  })),
);

const supported = FILES.filter((f) => 'model' in f.imported) as ((typeof FILES)[number] & {
  imported: { model: Model };
})[];

/** max|a − b| over max|b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

const numbers = (values: readonly unknown[]): number[] => values.map((v) => Number(v));

describe('the modern-network fixtures', () => {
  it('are all imported (the refusals name the missing operator, node and scope)', () => {
    const refused = FILES.filter((f) => 'refused' in f.imported).map(
      (f) => `${f.file}: ${(f.imported as { refused: string }).refused.split('; supported ops')[0]}`,
    );
    expect(refused).toEqual([]);
  });

  it('cover every model of the list at opsets 13 and 17, with a bias-free variant of each', () => {
    const models = new Set(modernManifest.models.map((e) => e.model));
    expect([...models].sort()).toEqual(
      [
        'convnext_tiny',
        'densenet121',
        'efficientnet_b0',
        'mobilenet_v2',
        'mobilenet_v3_small',
        'regnet_y_400mf',
        'resnet50',
        'text_transformer',
        'vit',
      ].sort(),
    );
    for (const model of models) {
      const plain = modernManifest.models.find((e) => e.name === model)!;
      expect(Object.keys(plain.opsets).sort(), model).toEqual(['13', '17']);
      expect(modernManifest.models.some((e) => e.name === `${model}_nobias` && e.bias_free)).toBe(true);
    }
  });
});

for (const { entry, opset, file, imported } of supported)
  describe(`the modern network ${entry.name} (opset ${opset}, ${file})`, () => {
    const model = imported.model;
    const x = modernInput(entry);
    const expected = modernLogits(entry);

    it('computes torch’s float64 logits to 1e-4 of the largest |logit|', () => {
      const logits = forward(model, x).output;
      expect(logits.shape).toEqual(entry.logits.shape);
      expect(relativeError(logits.data, expected)).toBeLessThanOrEqual(1e-4);
    });

    // AttnLRP's softmax rule (Deep Taylor at x, with the bias) does not conserve relevance; the
    // transformers' bias-free variants are explained but their sums are not the logit. What the
    // softmax keeps back is pinned exactly by the worked example (attention-worked-example.test.ts).
    const conserving = !('Softmax' in entry.opsets[String(opset)]!.op_types);
    // In the squeeze-and-excitation networks a sigmoid gate whose pre-activation is near 0 gets
    // relevance by its output (≈ ½) and LRP-0 divides it by that pre-activation: relevance inside
    // grows to 10³–10⁶ times the logit and its sum cannot be kept in float32 (torch's own float32
    // sum of efficientnet_b0 is 7.8 times the logit, its float64 one exact). There the test is
    // against torch's float64 LRP-0 with the same rules, which conserves (lrp0/manifest.json).
    const gated = lrp0Manifest.models[entry.name];
    if (entry.bias_free && gated !== undefined) {
      it('agrees with torch’s float64 LRP-0 (Pass, uniform product) to 1e-4 of max|R|, or torch’s own float32 error where larger', () => {
        expect(Math.abs(gated.sum_over_logit - 1)).toBeLessThan(1e-6);
        const r = compile(model)
          .trace(x)
          .relevance({ composite: 'epsilon', epsilon: 0, outputRelevance: 'logit', target: gated.target });
        const tolerance = Math.max(1e-4, gated.float32_relative_error);
        expect(relativeError(numbers(r.values), lrp0Relevance(gated))).toBeLessThanOrEqual(tolerance);
      });
      return;
    }
    if (entry.bias_free && conserving) {
      it('conserves relevance under LRP-0: the input’s relevance sums to the target logit (1e-4 relative)', () => {
        const trace = compile(model).trace(x);
        const r = trace.relevance({ composite: 'epsilon', epsilon: 0, outputRelevance: 'logit' });
        const total = numbers(r.values).reduce((a, b) => a + b, 0);
        const logit = forward(model, x).output.data[entry.target]!;
        expect(Math.abs(logit)).toBeGreaterThan(1e-3);
        expect(Math.abs(total - logit)).toBeLessThanOrEqual(1e-4 * Math.abs(logit));
      });
      return;
    }

    describe('explained in ℝ, 𝔹, ℕ, Viterbi and tropical with the default composites and annotations', () => {
      const trace = compile(model).trace(x);
      const size = x.data.length;
      const of = (semiring: string) => trace.relevance<unknown>({ semiring });

      it('ℝ: finite, the input’s shape, not all zero, for the fixture’s target', () => {
        const r = of('real');
        expect(r.shape).toEqual(x.shape);
        const v = numbers(r.values);
        expect(v).toHaveLength(size);
        expect(v.every(Number.isFinite)).toBe(true);
        expect(v.some((value) => value !== 0)).toBe(true);
      });

      it('𝔹 holds exactly where ℕ counts a relevant path (the homomorphism ℕ → 𝔹)', () => {
        const b = of('boolean');
        const n = numbers(of('counting').values);
        expect(b.shape).toEqual(x.shape);
        expect(n.every((c) => Number.isFinite(c) && c >= 0)).toBe(true);
        expect(b.values.map((v) => v === true)).toEqual(n.map((c) => c > 0));
        expect(b.values.some((v) => v === true)).toBe(true);
      });

      it('Viterbi lies in [0, 1] and equals exp(−tropical) (Θ_trop = −log Θ_vit)', () => {
        const v = numbers(of('viterbi').values);
        const t = numbers(of('tropical').values);
        expect(v).toHaveLength(size);
        expect(t).toHaveLength(size);
        // Up to float64 rounding: the kernels' layer forms reach 1 + 7e-16 and −4e-15.
        const ulps = 1e-12;
        expect(v.every((p) => p >= 0 && p <= 1 + ulps)).toBe(true);
        expect(t.every((c) => !Number.isNaN(c) && c >= -ulps)).toBe(true);
        expect(v.some((p) => p > 0)).toBe(true);
        for (let i = 0; i < size; i++) expect(Math.abs(v[i]! - Math.exp(-t[i]!))).toBeLessThanOrEqual(1e-9);
      });
    });

    const reference = zennitManifest.models[entry.name];
    if (reference !== undefined)
      it(`agrees with zennit’s EpsilonPlusFlat (1e-4 of max|R|, or zennit’s own float32 error where larger)`, () => {
        expect(reference.target).toBe(entry.target);
        // The importer leaves unmerged exactly the BatchNorms zennit's canonizers could not merge.
        expect(model.nodes.filter((n) => n.op === 'batch_norm')).toHaveLength(
          reference.unmerged_batchnorms_pass,
        );
        // provlrp's epsilon_plus_flat is zennit's layer map, an unmerged BatchNorm's Pass included.
        const r = compile(model).trace(x).relevance({ composite: 'epsilon_plus_flat' });
        const tolerance = Math.max(1e-4, reference.zennit_float32_relative_error);
        expect(relativeError(numbers(r.values), zennitRelevance(reference))).toBeLessThanOrEqual(tolerance);
      });
  });

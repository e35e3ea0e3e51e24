import { describe, expect, it } from 'vitest';
import { compile, isIdentityPool } from '../../src/circuits/index.js';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import type { Model } from '../../src/nn/graph.js';
import { importOnnx } from '../../src/nn/onnx/index.js';
import { mlp, vgg16 } from '../../src/nn/zoo/index.js';
import { readFloat32, readJson } from '../nn/onnx/fixture-support.js';

/** The slim torchvision export of `scripts/export-vgg16.py --width-divisor 8 --num-classes 100`. */
const SLIM = new URL('../fixtures/vgg16-slim/', import.meta.url).pathname;
const manifest = readJson<{ input: { file: string; shape: number[] } }>(`${SLIM}vgg16-slim.manifest.json`);

const node = (model: Model, layer: string) => model.nodes.find((n) => n.layer === layer)!;

/**
 * Runs the report's tables on a VGG-16 and checks what the identity pool promises: relevance at
 * the avgpool's output equals relevance at its input (features.30's output), in 𝔹 and ℕ.
 */
function checkTables(model: Model, x: { shape: number[]; data: Float32Array }): void {
  const trace = compile(model).trace(x);
  for (const [semiring, annotate] of [
    ['boolean', 'report_boolean'],
    ['counting', 'report_counting'],
  ] as const) {
    const atInput = trace.relevance({ semiring, annotate });
    expect(atInput.shape).toEqual(x.shape);
    const below = trace.relevance({ semiring, annotate, layer: 'features.30' });
    const above = trace.relevance({ semiring, annotate, layer: 'avgpool' });
    expect(above.data).toEqual(below.data);
    expect(Array.from(above.data!).some((v) => v > 0)).toBe(true);
  }
}

const randomImage = (batch: number, seed: number) => ({
  shape: [batch, 3, 224, 224],
  data: new Rng(seed).uniformArray(batch * 3 * 224 * 224),
});

describe('report_boolean and report_counting on VGG-16', () => {
  for (const widthDivisor of [64, 32])
    it(`run on vgg16({ widthDivisor: ${widthDivisor} }), its avgpool passing relevance through`, () => {
      checkTables(vgg16({ widthDivisor, numClasses: 10, seed: 1 }), randomImage(1, widthDivisor));
    });

  it('run on an exported torchvision VGG-16 (ONNX, width divisor 8), its avgpool passing relevance through', () => {
    const imported = importOnnx(`${SLIM}vgg16-slim.onnx`);
    const data = readFloat32(`${SLIM}${manifest.input.file}`);
    const [, c, h, w] = manifest.input.shape as [number, number, number, number];
    checkTables(imported, { shape: [1, c, h, w], data: data.subarray(0, c * h * w) });
  });

  it('still refuse a layer they do not list that is not the identity', () => {
    const model = mlp({ widths: [4, 2] });
    const trace = compile(model).trace({ shape: [1, 1, 28, 28], data: new Float32Array(784).fill(0.5) });
    expect(() => trace.relevance({ semiring: 'boolean', annotate: 'report_boolean' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => trace.relevance({ semiring: 'boolean', annotate: 'report_boolean' })).toThrow(
      /VGG-16 layers/,
    );
  });
});

describe('isIdentityPool', () => {
  it("recognises VGG-16's 1×1 avgpool, and not its max-pools or convolutions", () => {
    const model = vgg16({ widthDivisor: 64 });
    expect(isIdentityPool(model, node(model, 'avgpool'))).toBe(true);
    expect(isIdentityPool(model, node(model, 'features.4'))).toBe(false);
    expect(isIdentityPool(model, node(model, 'features.0'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError, ShapeError } from '../../../src/core/errors.js';
import type { ParamValues } from '../../../src/nn/builder/index.js';
import { forward, predict } from '../../../src/nn/forward.js';
import type { Model } from '../../../src/nn/graph.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { namedParameters, VGG16_CONFIGURATION, vgg16 } from '../../../src/nn/zoo/index.js';
import { expectPerSample, readFloat32, readJson } from '../onnx/fixture-support.js';

/** The slim VGG-16 written by `scripts/export-vgg16.py --width-divisor 8 --num-classes 100`. */
const SLIM = new URL('../../fixtures/vgg16-slim/', import.meta.url).pathname;

interface Manifest {
  width_divisor: number;
  num_classes: number;
  input: { file: string; shape: number[] };
  logits: { file: string; shape: number[] };
  parameters: Record<string, number[]>;
  onnx_nodes: [string, string][];
}

const manifest = readJson<Manifest>(`${SLIM}vgg16-slim.manifest.json`);
const imported = importOnnx(`${SLIM}vgg16-slim.onnx`);
const input = { shape: manifest.input.shape, data: readFloat32(`${SLIM}${manifest.input.file}`) };
const reference = readFloat32(`${SLIM}${manifest.logits.file}`);
const slim = (options: Parameters<typeof vgg16>[0] = {}) =>
  vgg16({ widthDivisor: manifest.width_divisor, numClasses: manifest.num_classes, ...options });

/** torchvision's layer names, as the importer gives them for an export at 224 × 224. */
const TORCHVISION_LAYERS = [
  ...Array.from({ length: 31 }, (_, i) => `features.${i}`),
  'avgpool',
  'Flatten',
  ...['0', '1', '3', '4', '6'].map((i) => `classifier.${i}`),
];

const layersAndOps = (model: Model) => model.nodes.map((n) => [n.layer, n.op]);

describe('the slim VGG-16 exported from torchvision', () => {
  it('imports with torchvision layer names and matches the reference logits to 1e-5 per sample', () => {
    expect(manifest.width_divisor).toBe(8);
    expect(imported.nodes.map((n) => n.layer)).toEqual(TORCHVISION_LAYERS);
    expect(new Set(manifest.onnx_nodes.map(([, op]) => op))).toEqual(
      new Set(['Conv', 'Relu', 'MaxPool', 'AveragePool', 'Flatten', 'Gemm']),
    );
    const parameters = [...namedParameters(imported)].map(([name, t]) => [name, t.shape]);
    expect(parameters).toEqual(Object.entries(manifest.parameters));
    expectPerSample(predict(imported, input), reference, manifest.logits.shape, 1e-5);
  });

  it('is what vgg16() builds, layer names and operators included', () => {
    expect(layersAndOps(slim())).toEqual(layersAndOps(imported));
    for (const [built, read] of slim().nodes.map((n, i) => [n, imported.nodes[i]!]))
      expect(built!.attributes, built!.layer).toEqual(read!.attributes);
    const shapes = (m: Model) => m.nodes.map((n) => m.shapes.get(n.output));
    expect(shapes(slim())).toEqual(shapes(imported));
  });

  it('gives the same logits when vgg16() takes the imported parameters, from a model or by name', () => {
    const expected = predict(imported, input);
    const fromModel = slim({ weights: imported });
    expect(predict(fromModel, input)).toEqual(expected);
    const byName = Object.fromEntries(
      [...namedParameters(imported)].map(([name, t]) => [name, Array.from(t.data)]),
    );
    expect(predict(slim({ weights: byName }), input)).toEqual(expected);
    expectPerSample(predict(fromModel, input), reference, manifest.logits.shape, 1e-5);
  });
});

describe('vgg16()', () => {
  it("takes torchvision's parameter shapes at full width: 138,357,544 parameters", () => {
    // torchvision's vgg16(): (feature index, out, in) of each conv, then the classifier's Linears.
    const convs = [
      [0, 64, 3],
      [2, 64, 64],
      [5, 128, 64],
      [7, 128, 128],
      [10, 256, 128],
      [12, 256, 256],
      [14, 256, 256],
      [17, 512, 256],
      [19, 512, 512],
      [21, 512, 512],
      [24, 512, 512],
      [26, 512, 512],
      [28, 512, 512],
    ];
    const linears = [
      [0, 4096, 25088],
      [3, 4096, 4096],
      [6, 1000, 4096],
    ];
    const full = new Map<string, number[]>();
    for (const [i, o, c] of convs) {
      full.set(`features.${i}.weight`, [o!, c!, 3, 3]);
      full.set(`features.${i}.bias`, [o!]);
    }
    for (const [i, o, n] of linears) {
      full.set(`classifier.${i}.weight`, [o!, n!]);
      full.set(`classifier.${i}.bias`, [o!]);
    }
    // The slim export has the same names, each tensor of the same rank.
    expect([...full].map(([name, shape]) => [name, shape.length])).toEqual(
      Object.entries(manifest.parameters).map(([name, shape]) => [name, shape.length]),
    );
    expect(full.get('features.0.weight')).toEqual([64, 3, 3, 3]);
    expect(full.get('classifier.0.weight')).toEqual([4096, 25088]);
    expect(full.get('classifier.6.weight')).toEqual([1000, 4096]);
    const count = [...full.values()].reduce((sum, shape) => sum + shape.reduce((p, d) => p * d, 1), 0);
    expect(count).toBe(138_357_544);
    // Zero-filled weights of those shapes are accepted (any other shape is a ShapeError).
    const zeros = new Map(
      [...full].map(([name, shape]) => [
        name,
        { shape, data: new Float32Array(shape.reduce((p, d) => p * d, 1)) },
      ]),
    );
    const model = vgg16({ weights: zeros });
    expect([...namedParameters(model)].map(([name, t]) => [name, t.shape])).toEqual([...full]);
    expect(model.shapes.get('Flatten')).toEqual([25088]);
    expect(model.shapes.get(model.output)).toEqual([1000]);
  });

  it('divides every width by the divisor and keeps the layer structure', () => {
    for (const d of [4, 16, 64]) {
      const model = vgg16({ widthDivisor: d, numClasses: 7 });
      expect(layersAndOps(model)).toEqual(layersAndOps(imported));
      const convs = model.nodes.filter((n) => n.op === 'conv').map((n) => n.params.weight.shape[0]);
      expect(convs).toEqual(VGG16_CONFIGURATION.filter((v) => v !== 'M').map((v) => (v as number) / d));
      const dense = model.nodes.filter((n) => n.op === 'dense').map((n) => n.params.weight.shape);
      expect(dense).toEqual([
        [4096 / d, (512 / d) * 49],
        [4096 / d, 4096 / d],
        [7, 4096 / d],
      ]);
    }
  });

  it("draws torchvision's initialisation from its seed: Kaiming-normal fan-out convs, N(0, 0.01²) dense, zero biases", () => {
    const model = vgg16({ widthDivisor: 8, seed: 3 });
    const params = namedParameters(model);
    const std = (data: Float32Array) => Math.sqrt(data.reduce((s, v) => s + v * v, 0) / data.length);
    const conv = params.get('features.28.weight')!; // 64 × 64 × 3 × 3 = 36,864 draws
    expect(std(conv.data) / Math.sqrt(2 / (64 * 9))).toBeCloseTo(1, 1);
    expect(std(params.get('classifier.0.weight')!.data) / 0.01).toBeCloseTo(1, 1);
    for (const [name, t] of params)
      if (name.endsWith('.bias')) expect(t.data.every((v) => v === 0)).toBe(true);
    expect(namedParameters(vgg16({ widthDivisor: 8, seed: 3 })).get('features.0.weight')).toEqual(
      params.get('features.0.weight'),
    );
    expect(namedParameters(vgg16({ widthDivisor: 8, seed: 4 })).get('features.0.weight')).not.toEqual(
      params.get('features.0.weight'),
    );
  });

  it("keeps the classifier's Dropout modules as identity nodes when asked", () => {
    const model = slim({ weights: imported, dropout: true });
    expect(model.nodes.filter((n) => n.op === 'dropout').map((n) => n.layer)).toEqual([
      'classifier.2',
      'classifier.5',
    ]);
    expect(model.nodes.slice(-7).map((n) => n.layer)).toEqual(
      Array.from({ length: 7 }, (_, i) => `classifier.${i}`),
    );
    const one = { shape: [1, ...manifest.input.shape.slice(1)], data: input.data.subarray(0, 3 * 224 * 224) };
    expect(forward(model, one).output).toEqual(predict(imported, one));
  });

  it('refuses bad options and weights with typed errors', () => {
    expect(() => vgg16({ widthDivisor: 3 })).toThrow(InvalidArgumentError);
    expect(() => vgg16({ widthDivisor: 128 })).toThrow(/must divide 64/);
    expect(() => vgg16({ numClasses: 0 })).toThrow(/numClasses must be a positive integer/);
    const named = new Map<string, ParamValues>(namedParameters(imported));
    named.delete('features.12.bias');
    expect(() => slim({ weights: named })).toThrow(NotFoundError);
    expect(() => slim({ weights: named })).toThrow(/features\.12\.bias/);
    named.set('features.12.bias', { shape: [31], data: new Float32Array(31) });
    expect(() => slim({ weights: named })).toThrow(ShapeError);
    named.set('features.12.bias', { shape: [32], data: new Float32Array(32) });
    named.set('features.12.wieght', new Float32Array(3));
    expect(() => slim({ weights: named })).toThrow(
      /no parameter of the model is called "features\.12\.wieght"/,
    );
    const withNaN = new Float32Array(100).fill(Number.NaN);
    expect(() =>
      slim({ weights: { ...Object.fromEntries(namedParameters(imported)), 'classifier.6.bias': withNaN } }),
    ).toThrow(/classifier\.6\.bias.*element 0 is NaN; parameters must be finite/);
  });
});

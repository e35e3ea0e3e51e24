import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forward } from '../../../src/nn/forward.js';
import { layerNames, layerOutput } from '../../../src/nn/layers.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { expectPerSample, readFloat32, readJson, ZENNIT } from './fixture-support.js';

interface Entry {
  readonly input: { file: string; shape: number[] };
  readonly logits: { file: string; shape: number[] };
  readonly relevances: Record<string, { layers: { module: string; shape: number[] }[] }>;
}

const manifest = readJson<{ models: Record<string, Entry> }>(`${ZENNIT}manifest.json`);

for (const name of ['mlp', 'cnn', 'resnet'] as const)
  describe(`importOnnx on the zennit fixture "${name}"`, () => {
    const entry = manifest.models[name]!;
    const model = importOnnx(`${ZENNIT}${name}/model.onnx`);
    const x = { shape: entry.input.shape, data: readFloat32(`${ZENNIT}${name}/${entry.input.file}`) };

    it('computes the reference logits to 1e-5 of each sample’s largest logit', () => {
      const logits = readFloat32(`${ZENNIT}${name}/${entry.logits.file}`);
      expectPerSample(forward(model, x).output, logits, entry.logits.shape, 1e-5);
    });

    it('has a layer for every module the fixture records relevance at, with that module’s output shape', () => {
      const layers = entry.relevances.epsilon!.layers;
      expect(layers.length).toBeGreaterThan(0);
      for (const layer of layers)
        expect(model.shapes.get(layerOutput(model, layer.module)), layer.module).toEqual(
          layer.shape.slice(1),
        );
    });

    it('names its top-level layers exactly as the fixture’s layer files', () => {
      const files = readdirSync(`${ZENNIT}${name}/layers/epsilon`).map((f) => f.replace(/\.bin$/, ''));
      const topLevel = new Set(layerNames(model).map((layer) => layer.split('.')[0]!));
      expect([...topLevel].sort()).toEqual(files.sort());
    });
  });

describe('importOnnx layer names on the zennit resnet', () => {
  it('gives the residual block’s submodules dotted paths and the block its own name', () => {
    const model = importOnnx(`${ZENNIT}resnet/model.onnx`, { foldBatchNorm: false });
    expect(layerNames(model)).toEqual([
      'conv0',
      'relu0',
      'block.conv',
      'block.bn',
      'block.relu',
      'block',
      'pool',
      'flatten',
      'fc',
    ]);
    expect(model.nodes.find((n) => n.layer === 'block')?.op).toBe('add');
  });

  it('merges the BatchNorm into block.conv when folding (the default)', () => {
    const model = importOnnx(`${ZENNIT}resnet/model.onnx`);
    expect(model.nodes.map((n) => n.op)).not.toContain('batch_norm');
    expect(layerNames(model)).not.toContain('block.bn');
  });
});

describe('importOnnx on the zennit cnn', () => {
  it('folds the Constant pads away and puts Pad and AveragePool in one layer "5"', () => {
    const model = importOnnx(`${ZENNIT}cnn/model.onnx`);
    expect(model.nodes.filter((n) => n.layer === '5').map((n) => n.op)).toEqual(['pad', 'avg_pool']);
    expect(model.nodes).toHaveLength(11);
  });
});

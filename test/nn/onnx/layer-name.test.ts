import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layerName } from '../../../src/nn/onnx/layer-name.js';

describe('layerName', () => {
  it('joins the scope components of a PyTorch node name with dots', () => {
    expect(layerName('/block/conv/Conv', 'Conv', 2)).toBe('block.conv');
    expect(layerName('/features/block/bn1/BatchNormalization', 'BatchNormalization', 4)).toBe(
      'features.block.bn1',
    );
  });

  it('lets a component that repeats the path so far replace it', () => {
    expect(layerName('/features/features.0/Conv', 'Conv', 0)).toBe('features.0');
    expect(layerName('/layer1/layer1.0/conv1/Conv', 'Conv', 3)).toBe('layer1.0.conv1');
    expect(layerName('/layer1/layer1.0/layer1.0.downsample/Conv', 'Conv', 3)).toBe('layer1.0.downsample');
  });

  it('does not treat a mere prefix without a dot as a repetition', () => {
    expect(layerName('/layer/layer1/Conv', 'Conv', 0)).toBe('layer.layer1');
    expect(layerName('/features/features_0/Conv', 'Conv', 0)).toBe('features.features_0');
  });

  it('gives every node of one module scope the same layer', () => {
    expect(layerName('/5/Pad', 'Pad', 6)).toBe('5');
    expect(layerName('/5/AveragePool', 'AveragePool', 7)).toBe('5');
    expect(layerName('/5/Constant', 'Constant', 5)).toBe('5');
  });

  it('names a node without a scope by its own name, without the leading slash', () => {
    expect(layerName('/Flatten', 'Flatten', 3)).toBe('Flatten');
    expect(layerName('/Reshape_2', 'Reshape', 3)).toBe('Reshape_2');
    expect(layerName('Conv_0', 'Conv', 0)).toBe('Conv_0');
    expect(layerName('fc1', 'Gemm', 4)).toBe('fc1');
  });

  it('names a node without a name by <op>_<index>', () => {
    expect(layerName('', 'Relu', 7)).toBe('Relu_7');
    expect(layerName('/', 'Relu', 1)).toBe('Relu_1');
  });

  it('ignores empty components from doubled slashes', () => {
    expect(layerName('//block//conv/Conv', 'Conv', 0)).toBe('block.conv');
  });

  it('never returns an empty name and never one with a slash', () => {
    const component = fc.stringMatching(/^[a-z0-9_.]{0,6}$/);
    fc.assert(
      fc.property(fc.array(component, { maxLength: 5 }), fc.boolean(), fc.nat(50), (parts, lead, index) => {
        const name = `${lead ? '/' : ''}${parts.join('/')}`;
        const layer = layerName(name, 'Op', index);
        expect(layer.length).toBeGreaterThan(0);
        expect(layer).not.toContain('/');
      }),
      { seed: 0x1a7e4, numRuns: 300 },
    );
  });
});

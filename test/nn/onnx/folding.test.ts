import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/core/errors.js';
import { forward } from '../../../src/nn/forward.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import {
  buildModel,
  constantNode,
  floatAttr,
  floatTensor,
  intAttr,
  intsAttr,
  intTensor,
  node,
  ramp,
  tensorAttr,
} from './onnx-builder.js';

const ops = (bytes: Uint8Array) => importOnnx(bytes).nodes.map((n) => n.op);

/** `x.view(x.size(0), x.size(1), -1)` as PyTorch exports it, at an opset. */
function viewChain(opset: number) {
  const unsqueeze = (input: string, output: string) =>
    opset < 13
      ? node('Unsqueeze', [input], [output], [intsAttr('axes', [0])], `/${output}`)
      : node('Unsqueeze', [input, 'axes0'], [output], [], `/${output}`);
  return buildModel({
    opset,
    input: ['batch', 3, 2, 2],
    nodes: [
      node('Shape', ['x'], ['s']),
      constantNode('i0', intTensor('', [], [0])),
      constantNode('i1', intTensor('', [], [1])),
      node('Gather', ['s', 'i0'], ['n'], [], '/g0'),
      node('Gather', ['s', 'i1'], ['c'], [], '/g1'),
      unsqueeze('n', 'n1'),
      unsqueeze('c', 'c1'),
      constantNode('rest', intTensor('', [1], [-1])),
      node('Concat', ['n1', 'c1', 'rest'], ['target'], [intAttr('axis', 0)]),
      node('Reshape', ['x', 'target'], ['y'], [], '/Reshape'),
    ],
    initializers: opset < 13 ? [] : [intTensor('axes0', [1], [0])],
  });
}

describe('importOnnx: shape computations', () => {
  it('folds Shape → Gather → Unsqueeze → Concat → Reshape into one reshape, at opsets 11 and 13', () => {
    for (const opset of [11, 13]) {
      const model = importOnnx(viewChain(opset));
      expect(model.nodes.map((n) => [n.op, n.layer])).toEqual([['reshape', 'Reshape']]);
      expect(model.nodes[0]!.op === 'reshape' && model.nodes[0]!.attributes.shape).toEqual([3, 4]);
    }
  });

  it('keeps the batch symbolic, so the folded model runs any batch size', () => {
    const model = importOnnx(viewChain(13));
    for (const batch of [1, 5]) {
      const x = { shape: [batch, 3, 2, 2], data: Float32Array.from(ramp(batch * 12, 1)) };
      expect(forward(model, x).output.shape).toEqual([batch, 3, 4]);
    }
  });

  it('folds Slice, Transpose, ConstantOfShape, Cast and arithmetic on constants', () => {
    // the pad list PyTorch 1.13 computes for F.pad(x, (1, 2)): [0, 0, 0, 0, 0, 0, 1, 2] per ONNX
    const bytes = buildModel({
      opset: 13,
      input: ['N', 1, 2, 2],
      nodes: [
        constantNode('torchPads', intTensor('', [2], [1, 2])),
        constantNode('len', intTensor('', [1], [6])),
        node('ConstantOfShape', ['len'], ['zeros'], [tensorAttr('value', intTensor('', [1], [0]))]),
        node('Concat', ['torchPads', 'zeros'], ['flat'], [intAttr('axis', 0)]),
        constantNode('pairs', intTensor('', [2], [-1, 2])),
        node('Reshape', ['flat', 'pairs'], ['table']),
        constantNode('start', intTensor('', [1], [-1])),
        constantNode('end', intTensor('', [1], [-(2 ** 53)])),
        constantNode('axis', intTensor('', [1], [0])),
        constantNode('step', intTensor('', [1], [-1])),
        node('Slice', ['table', 'start', 'end', 'axis', 'step'], ['reversed']),
        node('Transpose', ['reversed'], ['t'], [intsAttr('perm', [1, 0])]),
        constantNode('minus1', intTensor('', [1], [-1])),
        node('Reshape', ['t', 'minus1'], ['list']),
        node('Cast', ['list'], ['pads'], [intAttr('to', 7)]),
        node('Pad', ['x', 'pads'], ['y'], [], '/pad/Pad'),
      ],
    });
    const model = importOnnx(bytes);
    expect(model.nodes.map((n) => n.op === 'pad' && n.attributes)).toEqual([
      { pads: [0, 0, 1, 0, 0, 2], value: 0 },
    ]);
    expect(model.shapes.get(model.output)).toEqual([1, 2, 5]);
  });

  it('folds Mul of a gathered size by a constant and Shape with start and end (opset 15)', () => {
    const bytes = buildModel({
      opset: 15,
      input: ['N', 2, 3, 4],
      nodes: [
        node('Shape', ['x'], ['hw'], [intAttr('start', 2)]),
        node('Shape', ['x'], ['n'], [intAttr('end', 1)]),
        constantNode('i0', intTensor('', [1], [0])),
        constantNode('i1', intTensor('', [1], [1])),
        node('Gather', ['hw', 'i0'], ['h']),
        node('Gather', ['hw', 'i1'], ['w']),
        node('Mul', ['h', 'w'], ['hw1']),
        constantNode('two', intTensor('', [1], [2])),
        node('Concat', ['n', 'two', 'hw1'], ['target'], [intAttr('axis', 0)]),
        node('Reshape', ['x', 'target'], ['y']),
      ],
    });
    const model = importOnnx(bytes);
    expect(model.shapes.get(model.output)).toEqual([2, 12]);
  });

  it('refuses shape arithmetic that would need the batch size as a number', () => {
    const bytes = buildModel({
      input: ['N', 4],
      nodes: [
        node('Shape', ['x'], ['s']),
        constantNode('two', intTensor('', [2], [2, 2])),
        node('Add', ['s', 'two'], ['bad']),
        node('Reshape', ['x', 'bad'], ['y']),
      ],
    });
    expect(() => importOnnx(bytes)).toThrow(UnsupportedError);
    expect(() => importOnnx(bytes)).toThrow(/batch \+ 2|Add 2 depends on the batch size/);
  });

  it('keeps batch·k symbolic: a Reshape merging the batch with an axis is followed, and refused where it is read', () => {
    const reshapedBy = (rest: number, then: 'Flatten' | 'Reshape') =>
      buildModel({
        input: ['N', 4],
        nodes: [
          node('Shape', ['x'], ['s']),
          constantNode('i0', intTensor('', [1], [0])),
          node('Gather', ['s', 'i0'], ['n']),
          constantNode('two', intTensor('', [1], [2])),
          node('Mul', ['n', 'two'], ['n2']),
          constantNode('rest', intTensor('', [1], [rest])),
          node('Concat', ['n2', 'rest'], ['target'], [intAttr('axis', 0)]),
          node('Reshape', ['x', 'target'], ['merged']),
          ...(then === 'Flatten'
            ? [node('Flatten', ['merged'], ['y'])]
            : [node('Shape', ['x'], ['back']), node('Reshape', ['merged', 'back'], ['y'])]),
        ],
      });
    // [N, 4] → [N·2, 2]: batch·2 holds the batch and half a sample.
    expect(() => importOnnx(reshapedBy(2, 'Flatten'))).toThrow(/batch axis the exporter moved/);
    // [N, 4] → [N·2, 8] does not hold the elements.
    expect(() => importOnnx(reshapedBy(8, 'Reshape'))).toThrow(/does not hold the 4 elements/);
    const model = importOnnx(reshapedBy(2, 'Reshape'));
    expect(model.shapes.get(model.output)).toEqual([4]);
  });
});

describe('importOnnx: reshapes', () => {
  const reshapeTo = (target: number[], input: (number | string)[] = ['N', 2, 3]) =>
    importOnnx(
      buildModel({
        input,
        nodes: [node('Reshape', ['x', 't'], ['y'])],
        initializers: [intTensor('t', [target.length], target)],
      }),
    );

  it('accepts a first element of 0 (copy), -1 with the rest explicit, or the fixed batch size', () => {
    expect(reshapeTo([0, -1]).shapes.get('y')).toEqual([6]);
    expect(reshapeTo([-1, 3, 2]).shapes.get('y')).toEqual([3, 2]);
    expect(reshapeTo([0, 0, 3]).shapes.get('y')).toEqual([2, 3]);
    expect(reshapeTo([1, 6], [1, 2, 3]).shapes.get('y')).toEqual([6]);
  });

  it('refuses targets that do not keep the batch axis first', () => {
    expect(() => reshapeTo([-1])).toThrow(UnsupportedError);
    expect(() => reshapeTo([2, -1])).toThrow(/does not keep the batch axis first/);
    expect(() => reshapeTo([-1, -1])).toThrow(UnsupportedError);
  });

  it('turns Flatten(axis 1), Squeeze and Unsqueeze of activations into reshapes', () => {
    expect(ops(buildModel({ input: ['N', 2, 3], nodes: [node('Flatten', ['x'], ['y'])] }))).toEqual([
      'flatten',
    ]);
    const squeezed = importOnnx(
      buildModel({
        input: ['N', 4, 1, 1],
        nodes: [node('Squeeze', ['x', 'a'], ['s']), node('Unsqueeze', ['s', 'b'], ['y'])],
        initializers: [intTensor('a', [2], [-1, 2]), intTensor('b', [1], [1])],
      }),
    );
    expect(squeezed.nodes.map((n) => n.op)).toEqual(['reshape', 'reshape']);
    expect(squeezed.shapes.get('s')).toEqual([4]);
    expect(squeezed.shapes.get('y')).toEqual([1, 4]);
  });

  it('refuses Flatten on another axis and Unsqueeze on the batch axis', () => {
    expect(() =>
      ops(buildModel({ input: ['N', 2, 3], nodes: [node('Flatten', ['x'], ['y'], [intAttr('axis', 2)])] })),
    ).toThrow(/op Flatten .*axis 2/);
    const bytes = buildModel({
      input: ['N', 4],
      nodes: [node('Unsqueeze', ['x', 'a'], ['y'])],
      initializers: [intTensor('a', [1], [0])],
    });
    expect(() => importOnnx(bytes)).toThrow(/batch axis/);
  });
});

describe('importOnnx: pass-through and padding ops', () => {
  it('translates Identity, Cast to float32, Relu and Dropout (opset 12 inputs, eval mode) node by node', () => {
    const bytes = buildModel({
      opset: 13,
      input: ['N', 3],
      nodes: [
        node('Identity', ['x'], ['a']),
        node('Cast', ['a'], ['b'], [intAttr('to', 1)]),
        node('Relu', ['b'], ['c']),
        node('Dropout', ['c', 'ratio', 'training'], ['y', 'mask']),
      ],
      initializers: [
        floatTensor('ratio', [], [0.5]),
        { name: 'training', dims: [], dataType: 9, int32Data: [0] },
      ],
    });
    expect(ops(bytes)).toEqual(['identity', 'identity', 'relu', 'dropout']);
  });

  it('reads Pad’s pads and value from attributes before opset 11', () => {
    const bytes = buildModel({
      opset: 10,
      input: ['N', 1, 2, 2],
      nodes: [
        node('Pad', ['x'], ['y'], [intsAttr('pads', [0, 0, 1, 0, 0, 0, 0, 2]), floatAttr('value', 0.5)]),
      ],
    });
    const model = importOnnx(bytes);
    expect(model.nodes[0]!.attributes).toEqual({ pads: [0, 1, 0, 0, 0, 2], value: 0.5 });
  });

  it('reads Pad’s axes input from opset 18 on, negative axes included', () => {
    const bytes = buildModel({
      opset: 18,
      input: ['N', 1, 2, 2],
      nodes: [node('Pad', ['x', 'p', 'v', 'a'], ['y'])],
      initializers: [intTensor('p', [2], [1, 3]), floatTensor('v', [], [-1]), intTensor('a', [1], [-1])],
    });
    expect(importOnnx(bytes).nodes[0]!.attributes).toEqual({ pads: [0, 0, 1, 0, 0, 3], value: -1 });
  });

  it('drops nodes the output does not depend on', () => {
    const bytes = buildModel({
      input: ['N', 3],
      nodes: [
        node('Relu', ['x'], ['unused'], [], '/side/Relu'),
        node('Relu', ['x'], ['y'], [], '/main/Relu'),
      ],
    });
    expect(importOnnx(bytes).nodes.map((n) => n.layer)).toEqual(['main']);
  });

  it('names unnamed nodes <op>_<index> and keeps node names unique', () => {
    const bytes = buildModel({
      input: ['N', 3],
      nodes: [
        node('Relu', ['x'], ['a'], [], ''),
        node('Relu', ['a'], ['b'], [], 'r'),
        node('Relu', ['b'], ['y'], [], 'r'),
      ],
    });
    const model = importOnnx(bytes);
    expect(model.nodes.map((n) => [n.name, n.layer])).toEqual([
      ['Relu_0', 'Relu_0'],
      ['r', 'r'],
      ['r_2', 'r'],
    ]);
  });
});

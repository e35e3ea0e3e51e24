import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FormatError,
  InvalidArgumentError,
  NotFoundError,
  ShapeError,
  UnsupportedError,
  UnsupportedOpError,
} from '../../../src/core/errors.js';
import { importOnnx, SUPPORTED_ONNX_OPS } from '../../../src/nn/onnx/index.js';
import { onnx } from '../../../src/nn/onnx/proto.js';
import { ZENNIT } from './fixture-support.js';
import {
  buildModel,
  floatAttr,
  floatTensor,
  intAttr,
  intsAttr,
  intTensor,
  node,
  stringAttr,
} from './onnx-builder.js';

const dense = (opset = 13) => ({
  opset,
  input: ['N', 3] as (number | string)[],
  nodes: [node('Gemm', ['x', 'w'], ['y'], [intAttr('transB', 1)])],
  initializers: [floatTensor('w', [2, 3], [1, 2, 3, 4, 5, 6])],
});

const thrown = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('importOnnx: unsupported ops', () => {
  it('names the op, the node and the opset, and lists the supported ops', () => {
    const bytes = buildModel({
      opset: 20,
      input: ['N', 3],
      nodes: [node('Erf', ['x'], ['y'], [], '/act/Erf')],
    });
    const error = thrown(() => importOnnx(bytes));
    expect(error).toBeInstanceOf(UnsupportedOpError);
    expect(error).toMatchObject({ op: 'Erf', node: '/act/Erf', opset: 20 });
    expect(error.message).toMatch(
      /op Erf \(node "\/act\/Erf", opset 20\) is not supported; supported ops: .*Conv/,
    );
    expect((error as UnsupportedOpError).supported).toEqual(SUPPORTED_ONNX_OPS);
  });

  it('names the domain of an op outside the default domain', () => {
    const gelu = { ...node('Gelu', ['x'], ['y']), domain: 'com.microsoft' };
    expect(() => importOnnx(buildModel({ input: ['N', 3], nodes: [gelu] }))).toThrow(
      /op com\.microsoft\.Gelu/,
    );
  });

  it('refuses Pad in reflect mode', () => {
    const bytes = buildModel({
      input: ['N', 1, 4, 4],
      nodes: [node('Pad', ['x', 'p'], ['y'], [stringAttr('mode', 'reflect')])],
      initializers: [intTensor('p', [8], [0, 0, 1, 1, 0, 0, 1, 1])],
    });
    expect(() => importOnnx(bytes)).toThrow(UnsupportedError);
    expect(() => importOnnx(bytes)).toThrow(/mode "reflect" is not supported, only "constant"/);
  });

  it('refuses padding the batch axis, concatenating along it, and a softmax before the end', () => {
    const padBatch = buildModel({
      input: ['N', 4],
      nodes: [node('Pad', ['x', 'p'], ['y'])],
      initializers: [intTensor('p', [4], [1, 0, 0, 0])],
    });
    expect(() => importOnnx(padBatch)).toThrow(/op Pad .*pads on the batch axis/);
    const concat = buildModel({
      input: ['N', 4],
      nodes: [node('Concat', ['x', 'x'], ['y'], [intAttr('axis', 0)])],
    });
    expect(() => importOnnx(concat)).toThrow(/op Concat .*batch axis/);
    const softmax = buildModel({
      input: ['N', 4],
      nodes: [node('Softmax', ['x'], ['s']), node('Relu', ['s'], ['y'])],
    });
    expect(() => importOnnx(softmax)).toThrow(UnsupportedOpError);
    expect(() => importOnnx(softmax)).toThrow(/op Softmax .*except as the last node/);
  });

  it('refuses training-mode BatchNormalization and Dropout, and a MaxPool whose Indices are read', () => {
    const stats = ['s', 'b', 'm', 'v'].map((name) => floatTensor(name, [2], [1, 1]));
    const bn = buildModel({
      opset: 15,
      input: ['N', 2, 2, 2],
      nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'], [intAttr('training_mode', 1)])],
      initializers: stats,
    });
    expect(() => importOnnx(bn)).toThrow(/op BatchNormalization .*training mode/);
    const dropout = buildModel({
      opset: 13,
      input: ['N', 2],
      nodes: [node('Dropout', ['x', '', 't'], ['y'])],
      initializers: [{ name: 't', dims: [], dataType: 9, int32Data: [1] }],
    });
    expect(() => importOnnx(dropout)).toThrow(/op Dropout .*training mode/);
    const indices = buildModel({
      input: ['N', 1, 4, 4],
      nodes: [
        node('MaxPool', ['x'], ['p', 'i'], [intsAttr('kernel_shape', [2, 2])]),
        node('Identity', ['i'], ['y']),
      ],
    });
    expect(() => importOnnx(indices)).toThrow(/op MaxPool .*Indices output in use/);
  });
});

describe('importOnnx: opsets', () => {
  it('translates opsets 9 to 21 and refuses 8 and 22 naming the supported range', () => {
    for (const opset of [9, 21]) expect(importOnnx(buildModel(dense(opset))).nodes).toHaveLength(1);
    for (const opset of [8, 22]) {
      const run = () => importOnnx(buildModel(dense(opset)));
      expect(run).toThrow(UnsupportedError);
      expect(run).toThrow(new RegExp(`opset ${opset} is not supported; supported opsets are 9 to 21`));
    }
  });

  it('refuses a model that imports no opset of the default domain', () => {
    const proto = onnx.ModelProto.decode(buildModel(dense()));
    proto.opsetImport = [{ domain: 'com.example', version: 1 }];
    expect(() => importOnnx(onnx.ModelProto.encode(proto).finish())).toThrow(FormatError);
  });
});

describe('importOnnx: corrupt and unusable files', () => {
  it('refuses bytes that are not an ONNX model, or one without a graph, as FormatError', () => {
    expect(() => importOnnx(new Uint8Array(0))).toThrow(FormatError);
    expect(() => importOnnx(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(FormatError);
    const noGraph = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
    }).finish();
    expect(() => importOnnx(noGraph)).toThrow(/no graph/);
  });

  it('refuses a truncated fixture file as FormatError', () => {
    const bytes = readFileSync(`${ZENNIT}cnn/model.onnx`);
    for (const keep of [10, 1000, bytes.length - 7])
      expect(() => importOnnx(bytes.subarray(0, keep)), `${keep} bytes`).toThrow(FormatError);
  });

  it('refuses tensor data shorter than its dims, and non-finite weights', () => {
    const short = { ...dense(), initializers: [floatTensor('w', [2, 3], [1, 2, 3, 4, 5])] };
    expect(() => importOnnx(buildModel(short))).toThrow(FormatError);
    expect(() => importOnnx(buildModel(short))).toThrow(/initializer "w": holds 5 FLOAT elements/);
    const nan = { ...dense(), initializers: [floatTensor('w', [2, 3], [1, 2, Number.NaN, 4, 5, 6])] };
    expect(() => importOnnx(buildModel(nan))).toThrow(/weight element 2 is NaN/);
  });

  it('refuses a graph that reads a tensor before defining it, or whose attribute has the wrong type', () => {
    const unsorted = { input: ['N', 3], nodes: [node('Relu', ['a'], ['y']), node('Relu', ['x'], ['a'])] };
    expect(() => importOnnx(buildModel(unsorted))).toThrow(/topologically sorted/);
    const typed = { ...dense(), nodes: [node('Gemm', ['x', 'w'], ['y'], [floatAttr('transB', 1)])] };
    expect(() => importOnnx(buildModel(typed))).toThrow(FormatError);
  });

  it('refuses shapes that do not fit with a ShapeError', () => {
    const wide = { ...dense(), input: ['N', 4] };
    expect(() => importOnnx(buildModel(wide))).toThrow(ShapeError);
  });

  it('refuses inputs other than one float32 batch with fixed per-sample sizes', () => {
    expect(() => importOnnx(buildModel({ ...dense(), input: ['N', 'features'] }))).toThrow(
      /no fixed size on axis 1/,
    );
    const proto = onnx.ModelProto.decode(buildModel(dense()));
    proto.graph?.input?.push({ name: 'extra', type: { tensorType: { elemType: 1 } } });
    expect(() => importOnnx(onnx.ModelProto.encode(proto).finish())).toThrow(/2 inputs/);
  });

  it('reports a missing file as NotFoundError and a wrong source as InvalidArgumentError', () => {
    expect(() => importOnnx('/nonexistent/model.onnx')).toThrow(NotFoundError);
    expect(() => importOnnx(42 as unknown as string)).toThrow(InvalidArgumentError);
  });
});

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
import { forward } from '../../../src/nn/forward.js';
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
      /op Erf \(node "\/act\/Erf", from module scope \/act, opset 20\) is not supported; nearest supported: Gelu .*; supported ops: .*Conv/,
    );
    expect((error as UnsupportedOpError).supported).toEqual(SUPPORTED_ONNX_OPS);
  });

  it('names the module scope and the nearest supported alternative', () => {
    const bytes = buildModel({
      input: ['N', 3, 4],
      nodes: [node('LSTM', ['x', 'w', 'r'], ['y'], [], '/lstm/LSTM')],
    });
    const error = thrown(() => importOnnx(bytes));
    expect(error).toMatchObject({ op: 'LSTM', node: '/lstm/LSTM', scope: '/lstm' });
    expect(error.message).toMatch(
      /op LSTM \(node "\/lstm\/LSTM", from module scope \/lstm, opset 13\) is not supported; nearest supported: none for recurrences; unroll .*MatMul, Softmax and LayerNormalization/,
    );
    // Named before the computation of its initial state (zeros of the batch's size) fails.
    const withState = buildModel({
      input: ['N', 3, 4],
      nodes: [
        node('Shape', ['x'], ['shape'], [], '/lstm/Shape'),
        node('ConstantOfShape', ['shape'], ['h0'], [], '/lstm/ConstantOfShape'),
        node('LSTM', ['x', 'w', 'r', '', '', 'h0'], ['y'], [], '/lstm/LSTM'),
      ],
    });
    expect(() => importOnnx(withState)).toThrow(/op LSTM \(node "\/lstm\/LSTM", from module scope \/lstm/);
    // A supported op used in a form provlrp cannot translate names its scope too.
    const sub = buildModel({
      input: ['N', 3],
      nodes: [node('Sub', ['x', 'x'], ['y'], [], '/block/norm/Sub')],
    });
    expect(() => importOnnx(sub)).toThrow(/node "\/block\/norm\/Sub", from module scope \/block\/norm/);
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
    // A softmax before the end is an attention-style softmax; a LogSoftmax is refused there.
    const softmax = buildModel({
      input: ['N', 4],
      nodes: [node('Softmax', ['x'], ['s']), node('Relu', ['s'], ['y'])],
    });
    expect(importOnnx(softmax).nodes.map((n) => n.op)).toEqual(['softmax', 'relu']);
    const logSoftmax = buildModel({
      input: ['N', 4],
      nodes: [node('LogSoftmax', ['x'], ['s']), node('Relu', ['s'], ['y'])],
    });
    expect(() => importOnnx(logSoftmax)).toThrow(UnsupportedOpError);
    expect(() => importOnnx(logSoftmax)).toThrow(/op LogSoftmax .*except as the last node/);
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
  it('translates opsets 7 to 22 and refuses 6 and 23 naming the supported range', () => {
    for (const opset of [7, 9, 21, 22]) expect(importOnnx(buildModel(dense(opset))).nodes).toHaveLength(1);
    for (const opset of [6, 23]) {
      const run = () => importOnnx(buildModel(dense(opset)));
      expect(run).toThrow(UnsupportedError);
      expect(run).toThrow(new RegExp(`opset ${opset} is not supported; supported opsets are 7 to 22`));
    }
  });

  it('reads Clip, Slice, Unsqueeze, Squeeze, Split and ReduceMean in their opset-7 and opset-22 forms alike', () => {
    const ints = (name: string, values: number[]) => intTensor(name, [values.length], values);
    const graph = (opset: number) => {
      const old = opset < 10;
      return buildModel({
        opset,
        input: ['N', 2, 4],
        nodes: [
          old
            ? node('Clip', ['x'], ['c'], [floatAttr('min', -1), floatAttr('max', 1)])
            : node('Clip', ['x', 'lo', 'hi'], ['c']),
          old
            ? node(
                'Slice',
                ['c'],
                ['s'],
                [intsAttr('starts', [1]), intsAttr('ends', [4]), intsAttr('axes', [2])],
              )
            : node('Slice', ['c', 'st', 'en', 'ax'], ['s']),
          old
            ? node('Unsqueeze', ['s'], ['u'], [intsAttr('axes', [1])])
            : node('Unsqueeze', ['s', 'one'], ['u']),
          old ? node('Squeeze', ['u'], ['q'], [intsAttr('axes', [1])]) : node('Squeeze', ['u', 'one'], ['q']),
          old
            ? node('Split', ['q'], ['a', 'b'], [intAttr('axis', 1), intsAttr('split', [1, 1])])
            : node('Split', ['q', 'parts'], ['a', 'b'], [intAttr('axis', 1)]),
          node('Mul', ['a', 'b'], ['m']),
          old
            ? node('ReduceMean', ['m'], ['y'], [intsAttr('axes', [2]), intAttr('keepdims', 0)])
            : node('ReduceMean', ['m', 'two'], ['y'], [intAttr('keepdims', 0)]),
        ],
        initializers: old
          ? []
          : [
              floatTensor('lo', [], [-1]),
              floatTensor('hi', [], [1]),
              ints('st', [1]),
              ints('en', [4]),
              ints('ax', [2]),
              ints('one', [1]),
              ints('parts', [1, 1]),
              ints('two', [2]),
            ],
      });
    };
    const x = { shape: [1, 2, 4], data: Float32Array.from([0.5, -2, 3, 0.25, 2, 0.5, -0.5, 4]) };
    // Clip to [-1, 1], keep columns 1..3, multiply the two rows, mean over the columns.
    const expected = [(-1 * 0.5 + 1 * -0.5 + 0.25 * 1) / 3];
    for (const opset of [7, 22]) {
      const model = importOnnx(graph(opset));
      expect(model.nodes.map((n) => n.op)).toEqual([
        'clip',
        'slice',
        'reshape',
        'reshape',
        'slice',
        'slice',
        'mul',
        'reduce_mean',
      ]);
      const y = forward(model, x).output.data;
      expect(y[0]).toBeCloseTo(expected[0]!, 6);
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

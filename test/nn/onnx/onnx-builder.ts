/**
 * Hand-built ONNX models for the importer's tests, encoded with onnx-proto's own encoder: nodes,
 * attributes, tensors and a one-input, one-output graph around them.
 */
import type { AttributeProto, NodeProto, TensorProto } from '../../../src/nn/onnx/proto.js';
import { onnx } from '../../../src/nn/onnx/proto.js';

/** ONNX data type codes used in the tests. */
export const FLOAT = 1;
export const INT64 = 7;

export const intAttr = (name: string, i: number): AttributeProto => ({ name, type: 2, i });
export const intsAttr = (name: string, ints: readonly number[]): AttributeProto => ({
  name,
  type: 7,
  ints: [...ints],
});
export const floatAttr = (name: string, f: number): AttributeProto => ({ name, type: 1, f });
export const stringAttr = (name: string, s: string): AttributeProto => ({
  name,
  type: 3,
  s: new TextEncoder().encode(s),
});
export const tensorAttr = (name: string, t: TensorProto): AttributeProto => ({ name, type: 4, t });

/** A float32 tensor stored in `float_data`, or in `raw_data` with `raw`. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
  raw = false,
): TensorProto {
  if (!raw) return { name, dims: [...dims], dataType: FLOAT, floatData: [...values] };
  return {
    name,
    dims: [...dims],
    dataType: FLOAT,
    rawData: new Uint8Array(Float32Array.from(values).buffer),
  };
}

/** An int64 tensor stored in `int64_data`. */
export const intTensor = (name: string, dims: readonly number[], values: readonly number[]): TensorProto => ({
  name,
  dims: [...dims],
  dataType: INT64,
  int64Data: [...values],
});

/** A node; its name defaults to `/<op>`. */
export const node = (
  opType: string,
  input: readonly string[],
  output: readonly string[],
  attribute: readonly AttributeProto[] = [],
  name = `/${opType}`,
): NodeProto => ({ opType, input: [...input], output: [...output], attribute: [...attribute], name });

/** A `Constant` node holding `t`. */
export const constantNode = (output: string, t: TensorProto, name = `/${output}`): NodeProto =>
  node('Constant', [], [output], [tensorAttr('value', t)], name);

/** What a hand-built model is made of. */
export interface GraphSpec {
  readonly opset?: number;
  /** The input's dims; a string is a symbolic dimension (a dynamic batch). */
  readonly input?: readonly (number | string)[];
  readonly inputName?: string;
  readonly output?: string;
  readonly nodes: readonly NodeProto[];
  readonly initializers?: readonly TensorProto[];
}

/** The bytes of an ONNX model of one graph (input `x` by default, output `y`). */
export function buildModel(spec: GraphSpec): Uint8Array {
  const dims = (spec.input ?? ['N', 4]).map((d) =>
    typeof d === 'string' ? { dimParam: d } : { dimValue: d },
  );
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'provlrp-tests',
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: 'g',
      node: [...spec.nodes],
      initializer: [...(spec.initializers ?? [])],
      input: [
        { name: spec.inputName ?? 'x', type: { tensorType: { elemType: FLOAT, shape: { dim: dims } } } },
      ],
      output: [{ name: spec.output ?? 'y', type: { tensorType: { elemType: FLOAT } } }],
    },
  }).finish();
}

/** Counts 0, 1, 2, … as a float array of a shape's size, scaled. */
export function ramp(count: number, scale = 0.1, offset = 0): number[] {
  return Array.from({ length: count }, (_, i) => offset + scale * i);
}

/**
 * Typed access to an ONNX node's attributes, by ONNX's attribute names and with ONNX's defaults
 * given at the call site (`attrs.int('group', 1)`), as tinygrad's onnx.py reads them.
 *
 * An attribute whose stored type does not match the one the operator defines is a corrupt file
 * (`FormatError`). Reference: onnx.proto, `message AttributeProto`.
 */
import { FormatError } from '../../core/errors.js';
import { type AttributeProto, type NodeProto, type TensorProto, toInt } from './proto.js';

/** ONNX `AttributeProto.AttributeType` codes. */
const FLOAT = 1;
const INT = 2;
const STRING = 3;
const TENSOR = 4;
const FLOATS = 6;
const INTS = 7;

const TYPE_NAMES: Record<number, string> = {
  [FLOAT]: 'a float',
  [INT]: 'an int',
  [STRING]: 'a string',
  [TENSOR]: 'a tensor',
  [FLOATS]: 'a list of floats',
  [INTS]: 'a list of ints',
};

/** A node's attributes, read by name. */
export interface Attributes {
  /** Whether the node sets the attribute. */
  has(name: string): boolean;
  /** The names the node sets. */
  names(): string[];
  int(name: string, fallback: number): number;
  ints(name: string, fallback: readonly number[]): number[];
  /** `undefined` when absent: for attributes without a default (kernel_shape, axes). */
  intsOrUndefined(name: string): number[] | undefined;
  float(name: string, fallback: number): number;
  /** `undefined` when absent. */
  floatsOrUndefined(name: string): number[] | undefined;
  string(name: string, fallback: string): string;
  tensor(name: string): TensorProto | undefined;
}

/** The attributes of `node`; `where` names the node in errors. */
export function attributesOf(node: NodeProto, where: string): Attributes {
  const byName = new Map<string, AttributeProto>();
  for (const a of node.attribute ?? []) byName.set(a.name ?? '', a);

  const typed = (name: string, type: number): AttributeProto | undefined => {
    const a = byName.get(name);
    if (a === undefined) return undefined;
    // Old exporters may leave `type` unset; then the populated field decides.
    if ((a.type ?? 0) !== 0 && a.type !== type)
      throw new FormatError(
        'onnx',
        `${where}: attribute ${name} should be ${TYPE_NAMES[type]} but has type code ${a.type}`,
      );
    return a;
  };
  const ints = (name: string): number[] | undefined => {
    const a = typed(name, INTS);
    if (a === undefined) return undefined;
    const values = (a.ints ?? []).map(toInt);
    if (!values.every(Number.isFinite))
      throw new FormatError('onnx', `${where}: attribute ${name} holds a value that is not an integer`);
    return values;
  };

  return {
    has: (name) => byName.has(name),
    names: () => [...byName.keys()],
    int: (name, fallback) => {
      const a = typed(name, INT);
      return a === undefined ? fallback : toInt(a.i);
    },
    ints: (name, fallback) => ints(name) ?? [...fallback],
    intsOrUndefined: ints,
    float: (name, fallback) => {
      const a = typed(name, FLOAT);
      return a === undefined ? fallback : (a.f ?? 0);
    },
    floatsOrUndefined: (name) => {
      const a = typed(name, FLOATS);
      return a === undefined ? undefined : [...(a.floats ?? [])];
    },
    string: (name, fallback) => {
      const a = typed(name, STRING);
      return a === undefined ? fallback : new TextDecoder().decode(a.s ?? new Uint8Array(0));
    },
    tensor: (name) => {
      const a = typed(name, TENSOR);
      if (a !== undefined && (a.t === null || a.t === undefined))
        throw new FormatError('onnx', `${where}: attribute ${name} holds no tensor`);
      return a?.t ?? undefined;
    },
  };
}

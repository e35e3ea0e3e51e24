/**
 * The kind of every operator attribute, as a table the compiler keeps complete: `OpAttributes`
 * (graph.ts) gives the types, this gives them at run time, so that a model read from bytes (the
 * native format) is checked as strictly as the ONNX importer's typed attributes: `ceilMode: 1`
 * is not a boolean, `group: 1.5` is not an integer, a missing or unknown attribute is an error.
 */
import type { OpAttributes, OpName } from './graph.js';

/** What an attribute holds. */
export type AttributeKind = 'boolean' | 'integer' | 'number' | 'integers' | 'numbers';

/** The kind of each attribute of each operator. */
export const ATTRIBUTE_KINDS = {
  dense: {},
  conv: { strides: 'integers', pads: 'integers', dilations: 'integers', group: 'integer' },
  max_pool: {
    kernel: 'integers',
    strides: 'integers',
    pads: 'integers',
    dilations: 'integers',
    ceilMode: 'boolean',
  },
  avg_pool: {
    kernel: 'integers',
    strides: 'integers',
    pads: 'integers',
    dilations: 'integers',
    ceilMode: 'boolean',
    countIncludePad: 'boolean',
  },
  global_avg_pool: {},
  adaptive_avg_pool: { outputSize: 'integers' },
  relu: {},
  leaky_relu: { alpha: 'number' },
  clip: { min: 'number', max: 'number' },
  elu: { alpha: 'number' },
  selu: { alpha: 'number', gamma: 'number' },
  gelu: {},
  gelu_tanh: {},
  sigmoid: {},
  tanh: {},
  softplus: {},
  hard_sigmoid: { alpha: 'number', beta: 'number' },
  hard_swish: {},
  silu: {},
  transpose: { perm: 'integers' },
  slice: { starts: 'integers', ends: 'integers', steps: 'integers' },
  gather: { axis: 'integer', indices: 'integers', indicesShape: 'integers' },
  expand: { shape: 'integers' },
  tile: { repeats: 'integers' },
  reduce_mean: { axes: 'integers', keepdims: 'boolean' },
  mul: {},
  scale: {},
  shift: {},
  matmul: {},
  softmax: { axis: 'integer' },
  layer_norm: { axis: 'integer', epsilon: 'number' },
  embedding: {},
  flatten: {},
  reshape: { shape: 'integers' },
  batch_norm: { epsilon: 'number' },
  add: {},
  concat: { axis: 'integer' },
  pad: { pads: 'integers', value: 'number' },
  identity: {},
  dropout: {},
} as const satisfies { [O in OpName]: Record<keyof OpAttributes[O], AttributeKind> };

/** Whether `value` is of `kind` (numbers finite, integers safe). */
export function hasKind(value: unknown, kind: AttributeKind): boolean {
  const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
  switch (kind) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return isNumber(value);
    case 'integers':
      return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v));
    case 'numbers':
      return Array.isArray(value) && value.every(isNumber);
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

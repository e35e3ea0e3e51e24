/**
 * provlrp's native model format: a model as one MessagePack document (msgpackr with `moreTypes`,
 * so parameters travel as Float32Array and come back bit for bit).
 *
 * Layout (version 1): `{ format: 'provlrp-model', version: 1, input, inputShape, output,
 * strippedOutput?, nodes: [{ op, name, layer, inputs, output, attributes, params }] }`, with
 * `params` a map from parameter name to `{ shape, data: Float32Array }`.
 *
 * Loading trusts nothing: every field is checked before a model is built from it, only own
 * properties are read (a `__proto__` key in a hostile file is just an unknown key), and the model
 * is rebuilt with `createModel`, which checks shapes. Malformed bytes give a `FormatError`.
 */
import { Packr } from 'msgpackr';
import { FormatError, ProvlrpError } from '../core/errors.js';
import { readFileBytes, writeFileAtomic } from '../core/file-io.js';
import { firstNonFinite } from '../core/finite.js';
import { sizeOf, type Tensor } from '../core/tensor.js';
import { ATTRIBUTE_KINDS, type AttributeKind, hasKind } from './attribute-kinds.js';
import type { AnyNode, Model, OpName, StrippedOutput } from './graph.js';
import { createModel, type ModelSpec } from './model.js';
import { OPS } from './ops/index.js';

/** The format's name, stored in every file. */
export const NATIVE_FORMAT = 'provlrp-model';
/** The version written by this code; the versions it reads. */
export const NATIVE_FORMAT_VERSION = 1;

const packr = new Packr({ moreTypes: true, useRecords: false });

/** A model as bytes of the native format. */
export function encodeModel(model: Model): Uint8Array {
  const nodes = model.nodes.map((node) => ({
    op: node.op,
    name: node.name,
    layer: node.layer,
    inputs: [...node.inputs],
    output: node.output,
    attributes: node.attributes,
    params: Object.fromEntries(
      Object.entries(node.params as Record<string, Tensor<Float32Array>>).map(([key, t]) => [
        key,
        { shape: [...t.shape], data: t.data },
      ]),
    ),
  }));
  const document = {
    format: NATIVE_FORMAT,
    version: NATIVE_FORMAT_VERSION,
    input: model.input,
    inputShape: [...model.shapes.get(model.input)!],
    output: model.output,
    ...(model.strippedOutput ? { strippedOutput: model.strippedOutput } : {}),
    nodes,
  };
  return packr.pack(document);
}

/** A model from bytes of the native format; a `FormatError` for anything malformed. */
export function decodeModel(bytes: Uint8Array): Model {
  let document: unknown;
  try {
    document = packr.unpack(bytes);
  } catch (error) {
    throw new FormatError('provlrp model', `not a valid MessagePack document (${describe(error)})`);
  }
  const doc = record(document, 'the document');
  if (field(doc, 'format') !== NATIVE_FORMAT)
    throw new FormatError(
      'provlrp model',
      `not a provlrp model file (format field is not "${NATIVE_FORMAT}")`,
    );
  const version = field(doc, 'version');
  if (version !== NATIVE_FORMAT_VERSION)
    throw new FormatError(
      'provlrp model',
      `version ${String(version)} is not supported; this provlrp reads version ${NATIVE_FORMAT_VERSION}`,
    );
  const stripped = field(doc, 'strippedOutput');
  if (stripped !== undefined && stripped !== 'softmax' && stripped !== 'log_softmax')
    throw new FormatError('provlrp model', 'strippedOutput must be "softmax" or "log_softmax"');
  const rawNodes = field(doc, 'nodes');
  if (!Array.isArray(rawNodes)) throw new FormatError('provlrp model', 'nodes must be an array');
  const spec: ModelSpec = {
    input: text(field(doc, 'input'), 'input'),
    inputShape: shape(field(doc, 'inputShape'), 'inputShape'),
    output: text(field(doc, 'output'), 'output'),
    nodes: rawNodes.map((n, i) => decodeNode(n, i)),
    ...(stripped ? { strippedOutput: stripped as StrippedOutput } : {}),
  };
  try {
    return createModel(spec);
  } catch (error) {
    if (error instanceof ProvlrpError)
      throw new FormatError('provlrp model', `inconsistent model: ${error.message}`);
    throw error;
  }
}

/** Writes a model to a file in the native format. */
export function saveModel(model: Model, path: string): void {
  writeFileAtomic(path, encodeModel(model));
}

/** Reads a model from a file in the native format. */
export function loadModel(path: string): Model {
  return decodeModel(readFileBytes(path, 'model file'));
}

function decodeNode(raw: unknown, index: number): AnyNode {
  const where = `node ${index}`;
  const node = record(raw, where);
  const op = text(field(node, 'op'), `${where}.op`);
  if (!Object.hasOwn(OPS, op)) throw new FormatError('provlrp model', `${where} has an unknown op "${op}"`);
  const inputs = field(node, 'inputs');
  if (!Array.isArray(inputs)) throw new FormatError('provlrp model', `${where}.inputs must be an array`);
  const params = record(field(node, 'params'), `${where}.params`);
  return {
    op: op as OpName,
    name: text(field(node, 'name'), `${where}.name`),
    layer: text(field(node, 'layer'), `${where}.layer`),
    inputs: inputs.map((s, i) => text(s, `${where}.inputs[${i}]`)),
    output: text(field(node, 'output'), `${where}.output`),
    attributes: attributes(op as OpName, field(node, 'attributes'), `${where}.attributes`),
    params: Object.fromEntries(
      Object.keys(params).map((key) => [key, parameter(params[key], `${where}.${key}`)]),
    ),
  } as unknown as AnyNode;
}

/** Exactly the operator's attributes, each of its kind (attribute-kinds.ts). */
function attributes(op: OpName, raw: unknown, where: string): Record<string, unknown> {
  const attrs = record(raw, where);
  const kinds: Readonly<Record<string, AttributeKind>> = ATTRIBUTE_KINDS[op];
  for (const key of Object.keys(attrs))
    if (!Object.hasOwn(kinds, key))
      throw new FormatError(
        'provlrp model',
        `${where}.${key} is not an attribute of ${op}; ${op} takes ${Object.keys(kinds).join(', ') || 'none'}`,
      );
  for (const [key, kind] of Object.entries(kinds)) {
    if (!Object.hasOwn(attrs, key))
      throw new FormatError('provlrp model', `${where}.${key} is missing; ${op} needs it (${ARTICLE[kind]})`);
    if (!hasKind(attrs[key], kind))
      throw new FormatError(
        'provlrp model',
        `${where}.${key} is ${JSON.stringify(attrs[key])}, not ${ARTICLE[kind]}; the file is corrupt or hand-edited`,
      );
  }
  return attrs;
}

const ARTICLE: Readonly<Record<AttributeKind, string>> = {
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  number: 'a finite number',
  integers: 'an array of integers',
  numbers: 'an array of finite numbers',
};

function parameter(raw: unknown, where: string): Tensor<Float32Array> {
  const p = record(raw, where);
  const dims = shape(field(p, 'shape'), `${where}.shape`);
  const data = field(p, 'data');
  if (!(data instanceof Float32Array))
    throw new FormatError('provlrp model', `${where}.data must be float32`);
  if (data.length !== sizeOf(dims))
    throw new FormatError(
      'provlrp model',
      `${where} has ${data.length} values for shape [${dims.join(', ')}] (${sizeOf(dims)} expected)`,
    );
  // As the ONNX importer does: a NaN or ±∞ weight makes every activation after it meaningless.
  const bad = firstNonFinite(data);
  if (bad >= 0)
    throw new FormatError(
      'provlrp model',
      `${where} element ${bad} is ${data[bad]}; parameters must be finite (the file is corrupt, or training diverged)`,
    );
  return { shape: dims, data };
}

function record(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || ArrayBuffer.isView(raw))
    throw new FormatError('provlrp model', `${where} must be a map`);
  // Copy own enumerable keys onto a null-prototype object: nothing read later can reach a prototype.
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(raw)) copy[key] = (raw as Record<string, unknown>)[key];
  return copy;
}

function field(r: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(r, key) ? r[key] : undefined;
}

function text(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || raw.length === 0)
    throw new FormatError('provlrp model', `${where} must be a non-empty string`);
  return raw;
}

function shape(raw: unknown, where: string): number[] {
  if (!Array.isArray(raw) || !raw.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new FormatError('provlrp model', `${where} must be an array of non-negative integers`);
  return raw as number[];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Serialisation of circuits and traces (MessagePack, msgpackr with `moreTypes`). A circuit is
 * stored as its model (the graph is derived from it); a trace as its model, its input batch and
 * its dtype — the forward pass is deterministic, so a loaded trace gives identical relevances.
 *
 * Loading trusts nothing: documents are checked field by field on null-prototype copies (a
 * `__proto__` key is just an unknown key), and malformed bytes give a `FormatError`.
 */
import { Packr } from 'msgpackr';
import { FormatError } from '../core/errors.js';
import type { DType } from '../core/tensor.js';
import { sizeOf } from '../core/tensor.js';
import { decodeModel, encodeModel } from '../nn/native-format.js';
import { Circuit } from './circuit.js';
import type { Trace } from './trace.js';

const packr = new Packr({ moreTypes: true, useRecords: false });

const CIRCUIT_FORMAT = 'provlrp-circuit';
const TRACE_FORMAT = 'provlrp-trace';
const VERSION = 1;

/** A circuit as bytes. */
export const encodeCircuit = (circuit: Circuit): Uint8Array =>
  packr.pack({ format: CIRCUIT_FORMAT, version: VERSION, model: encodeModel(circuit.model) });

/** A circuit from bytes. */
export function decodeCircuit(bytes: Uint8Array): Circuit {
  const doc = document(bytes, CIRCUIT_FORMAT);
  return new Circuit(decodeModel(binary(doc.model, 'model')));
}

/** A trace as bytes: its model, batch and dtype. */
export function encodeTrace(trace: Trace): Uint8Array {
  const input = trace.activations.get(trace.model.input);
  return packr.pack({
    format: TRACE_FORMAT,
    version: VERSION,
    model: encodeModel(trace.model),
    dtype: trace.dtype,
    shape: [...input.shape],
    data: input.data,
  });
}

/** A trace from bytes (its forward pass is run again, exactly as before). */
export function decodeTrace(bytes: Uint8Array): Trace {
  const doc = document(bytes, TRACE_FORMAT);
  const model = decodeModel(binary(doc.model, 'model'));
  const dtype = doc.dtype;
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new FormatError('provlrp trace', 'dtype must be float32 or float64');
  const shape = doc.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new FormatError('provlrp trace', 'shape must be an array of non-negative integers');
  const data = doc.data;
  const expected = dtype === 'float64' ? Float64Array : Float32Array;
  if (!(data instanceof expected)) throw new FormatError('provlrp trace', `data must be ${dtype}`);
  if (data.length !== sizeOf(shape as number[]))
    throw new FormatError('provlrp trace', `data has ${data.length} values for shape [${shape.join(', ')}]`);
  try {
    return new Circuit(model).trace({ shape: shape as number[], data }, dtype as DType);
  } catch (error) {
    throw new FormatError(
      'provlrp trace',
      `the batch does not fit the model: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function document(bytes: Uint8Array, format: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (error) {
    throw new FormatError(
      format,
      `not a valid MessagePack document (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || ArrayBuffer.isView(raw))
    throw new FormatError(format, 'the document must be a map');
  const doc: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(raw)) doc[key] = (raw as Record<string, unknown>)[key];
  if (doc.format !== format)
    throw new FormatError(format, `not a ${format} file (format field is ${JSON.stringify(doc.format)})`);
  if (doc.version !== VERSION)
    throw new FormatError(
      format,
      `version ${String(doc.version)} is not supported; this provlrp reads ${VERSION}`,
    );
  return doc;
}

function binary(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new FormatError('provlrp', `${what} must be bytes`);
  return value;
}

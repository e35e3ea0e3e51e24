/**
 * Reading a model file of either kind provlrp understands: ONNX (`.onnx`, from PyTorch, Keras,
 * …) or provlrp's native format (anything else, conventionally `.provlrp`). The extension
 * decides, so that a corrupt file is reported in the terms of the format it claims to be.
 */
import { readFileBytes } from '../core/file-io.js';
import type { Model } from './graph.js';
import { decodeModel } from './native-format.js';
import { importOnnx } from './onnx/index.js';

/** The conventional extension of the native format. */
export const NATIVE_EXTENSION = '.provlrp';

/** A model from a file: ONNX when the name ends in `.onnx`, the native format otherwise. */
export function readModelFile(path: string): Model {
  return decodeModelFile(path, readFileBytes(path, 'model file'));
}

/** A model from the bytes of the file at `path` (read already, to hash them too), by its extension. */
export function decodeModelFile(path: string, bytes: Uint8Array): Model {
  return path.toLowerCase().endsWith('.onnx') ? importOnnx(bytes) : decodeModel(bytes);
}

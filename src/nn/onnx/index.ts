/**
 * ONNX import: `importOnnx(path | bytes)` → `Model` (DESIGN.md §5), the supported ops and opsets,
 * and the layer naming rule for ONNX node names (DESIGN.md §1b).
 */
export { decodeOnnx, type OnnxModel, SUPPORTED_OPSETS } from './decode.js';
export {
  IMPORT_ONNX_DEFAULTS,
  type ImportOnnxOptions,
  importOnnx,
  MAX_ACTIVATION_ELEMENTS,
  onnxToModelSpec,
  readOnnxFile,
} from './import-onnx.js';
export { layerName } from './layer-name.js';
export { SUPPORTED_ONNX_OPS } from './ops/index.js';

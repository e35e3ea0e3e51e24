/**
 * provlrp/nn: the networks provlrp explains: model graph, operators and their adjoints, forward
 * pass, builder, canonizers, ONNX import, the native format, datasets, training, the model zoo,
 * and real-valued LRP (rules, composites, `lrp()`).
 */
export * from './adjoints/index.js';
export * from './builder/index.js';
export * from './canonize/index.js';
export * from './datasets/index.js';
export * from './forward.js';
export * from './graph.js';
export * from './layers.js';
export * from './lrp/index.js';
export * from './model.js';
export * from './model-file.js';
export * from './native-format.js';
export * from './onnx/index.js';
export * from './ops/index.js';
export * from './train/index.js';
export * from './zoo/index.js';

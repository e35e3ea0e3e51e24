/**
 * provlrp/nn: the networks provlrp explains: model graph, operators, forward pass, builder,
 * canonizers and ONNX import.
 */
export * from './builder/index.js';
export * from './canonize/index.js';
export * from './forward.js';
export * from './graph.js';
export * from './layers.js';
export * from './model.js';
export * from './onnx/index.js';
export * from './ops/index.js';

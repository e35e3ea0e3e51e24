/**
 * provlrp/circuits: provenance circuits compiled from models, traces, annotations and the
 * evaluation of K-LRP in any semiring.
 */
export * from './annotations/index.js';
export * from './circuit.js';
export * from './coefficients.js';
export * from './connectivity/connectivity.js';
export * from './generic-evaluator.js';
export * from './kernel-evaluator.js';
export * from './kernels/kernel.js';
export * from './relevance-result.js';
export * from './token-index.js';
export * from './trace.js';

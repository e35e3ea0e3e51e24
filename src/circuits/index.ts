/**
 * provlrp/circuits: provenance circuits compiled from models, traces, annotations and the
 * evaluation of K-LRP in any semiring.
 */

export * from '../nn/connectivity/connectivity.js';
export * from './annotations/index.js';
export * from './circuit.js';
export * from './coefficients.js';
export * from './expand.js';
export * from './export.js';
export * from './generic-evaluator.js';
export * from './kernel-evaluator.js';
export * from './kernels/kernel.js';
export * from './layer-view.js';
export * from './neurons.js';
export * from './progress.js';
export * from './relevance-result.js';
export * from './serialize.js';
export * from './symbolic.js';
export * from './symbolic-size.js';
export * from './token-index.js';
export * from './trace.js';
export * from './witness.js';

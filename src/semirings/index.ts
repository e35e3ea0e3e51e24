/**
 * provlrp/semirings: the algebras relevance is computed in, the registry of their names, and the
 * law checker.
 */
export * from './arbitraries.js';
export * from './boolean.js';
export * from './counting.js';
export * from './counting-exact.js';
export * from './dual.js';
export * from './fuzzy.js';
export * from './laws.js';
export * from './lukasiewicz.js';
export * from './max-plus.js';
export * from './product.js';
export * from './rational.js';
export * from './real.js';
export * from './registry.js';
export * from './security.js';
export * from './semiring.js';
export * from './tolerance.js';
export * from './tropical.js';
export * from './viterbi.js';

/**
 * Real-valued LRP: rules, composites and the reference backward pass `lrp()`.
 */
export * from './composite.js';
export * from './composites.js';
export * from './linear-layer.js';
export * from './linear-relevance.js';
export * from './lrp.js';
export * from './max-pool-average.js';
export * from './modifiers.js';
export * from './rule.js';
export * from './rules/index.js';
export * from './seed.js';
export * from './stabilizer.js';
export * from './steps/index.js';

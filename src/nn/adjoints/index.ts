/**
 * The adjoints (transposes) of the operators that are linear in their input: c = Jᵀs. Relevance
 * propagation computes c = Wᵀ(R/z) with them, and training computes input gradients.
 */
export * from './conv.js';
export * from './dense.js';
export * from './pool.js';
export * from './structural.js';

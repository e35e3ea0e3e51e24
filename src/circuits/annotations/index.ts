/** Annotations Θ: built-in ones, their specs and defaults, and the interface for a user's own. */
export * from './annotation.js';
export * from './formula.js';
export * from './indicator.js';
export * from './numeric.js';
export * from './report.js';
export * from './resolve.js';

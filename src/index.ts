/**
 * provlrp: semiring-generalised Layer-wise Relevance Propagation.
 *
 * The public API, re-exported from each layer of the package (DESIGN.md §2). Subpath exports
 * (`provlrp/semirings`, `provlrp/nn`, `provlrp/circuits`, `provlrp/viz`, …) give the same objects
 * one folder at a time.
 */
export * from './circuits/index.js';
export * from './core/index.js';
export * from './nn/index.js';
export * from './semirings/index.js';
export * from './viz/index.js';

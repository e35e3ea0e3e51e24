/**
 * provlrp/analysis: the report's applications (masks, two-digit MNIST, pruning, occlusion, the
 * relevance-guided attack) and the faithfulness test, each one file returning plain data and a
 * figure, built on the public API of circuits, nn and viz.
 */
export * from './attack.js';
export * from './dataset-pass.js';
export * from './dmnist.js';
export * from './experiment.js';
export * from './faithfulness.js';
export * from './input-flips.js';
export * from './klrp-set.js';
export * from './masks.js';
export * from './occlusion.js';
export * from './progress.js';
export * from './prune.js';
export * from './pruning.js';
export * from './registry.js';
export * from './statistics.js';

/**
 * Training: softmax cross-entropy, SGD with momentum and Adam, seeded mini-batches, and a backward
 * pass for every operator (dense, conv, the poolings, BatchNorm in inference mode, and the
 * structural ones).
 */
export * from './backward.js';
export * from './evaluate.js';
export * from './gradients.js';
export * from './loss.js';
export * from './optimizers.js';
export * from './trainer.js';

/**
 * Training: softmax cross-entropy, SGD with momentum and Adam, seeded mini-batches.
 */
export * from './backward.js';
export * from './evaluate.js';
export * from './gradients.js';
export * from './loss.js';
export * from './optimizers.js';
export * from './trainer.js';

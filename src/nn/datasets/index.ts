/**
 * Data sets: MNIST, read from its IDX files, and the two-digit MNIST built from it.
 */
export * from './mnist.js';
export * from './two-digit-mnist.js';

/**
 * Data sets: MNIST, read from its IDX files.
 */
export * from './mnist.js';

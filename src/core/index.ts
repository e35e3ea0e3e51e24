/**
 * provlrp/core: the ground floor: errors, tensors and file formats.
 */
export * from './base64.js';
export * from './decimal.js';
export * from './display.js';
export * from './errors.js';
export * from './file-io.js';
export * from './finite.js';
export * from './formula.js';
export * from './formula-scan.js';
export * from './idx.js';
export * from './mathjs.js';
export * from './node-builtin.js';
export * from './npy.js';
export * from './rng.js';
export * from './tensor.js';

/**
 * provlrp/core: the ground floor: errors, tensors and file formats.
 */
export * from './errors.js';
export * from './tensor.js';

/**
 * provlrp/core: the ground floor (errors now; tensors, RNG and file formats join it).
 */
export * from './errors.js';

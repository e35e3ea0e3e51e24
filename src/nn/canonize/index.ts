/**
 * Canonizers: model-to-model rewrites that leave the function unchanged and put the model in the
 * form LRP's rules expect (zennit's canonizers).
 */
export * from './batch-norm.js';

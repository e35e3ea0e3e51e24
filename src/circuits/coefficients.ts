/**
 * The coefficients d_jk of every neuron-level edge, for one trace and one composite: the per-edge
 * view of the same rule statistics that `lrp()` uses in factored form, both views kept side by
 * side per LRP category in nn/lrp/steps, so that R_j = Σ_k d_jk R_k with these coefficients is
 * exactly `lrp()`'s relevance (DESIGN.md §1).
 */
export { type NodeCoefficients, nodeCoefficients } from '../nn/lrp/steps/index.js';

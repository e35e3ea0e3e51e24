/**
 * provlrp/analysis: the report's applications (masks, pruning, perturbation), on the public API.
 */
export {};

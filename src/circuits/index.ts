/**
 * provlrp/circuits: provenance circuits compiled from models, traces and their evaluation in any
 * semiring.
 */
export {};

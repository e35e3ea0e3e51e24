/**
 * Every default of the library in one place (DESIGN.md §1b): the composites, the K-LRP threshold,
 * and the limits that keep symbolic work and memoised relevance bounded. Modules read these and
 * never restate the numbers.
 */
export const DEFAULTS = {
  /** Real LRP takes zennit's usual composite; every other semiring ε = 1e-6 everywhere. */
  composite: { real: 'epsilon_plus_flat', semiring: 'epsilon' },
  /** The threshold τ of 𝔹 and ℕ's default annotation, signed d ≥ τ. */
  threshold: 1e-9,
  /** The most monomials (paths) symbolic relevance may have, counted before it is built. */
  symbolicLimit: 1_000_000,
  /** The most edges `expand` may materialise. */
  expandLimit: 200_000,
  /** The bytes of relevance a trace keeps for reuse before it forgets the least recently used. */
  memoBytes: 256 * 2 ** 20,
} as const;

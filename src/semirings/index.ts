/**
 * provlrp/semirings: the algebras relevance is computed in, the registry of their names, the law
 * checker, provenance tokens and polynomials, and the homomorphisms between semirings.
 */
export * from './arbitraries.js';
export * from './bool-polynomial.js';
export * from './boolean.js';
export * from './counting.js';
export * from './counting-exact.js';
export * from './dual.js';
export * from './evaluate.js';
export * from './expand-product.js';
export * from './expansion-limit.js';
export * from './formula-semiring.js';
export * from './fuzzy.js';
export * from './homomorphism.js';
export * from './law-values.js';
export * from './laws.js';
export * from './lineage.js';
export * from './lukasiewicz.js';
export * from './max-plus.js';
export * from './monomial.js';
export * from './monomial-set.js';
export * from './numeric-homomorphisms.js';
export * from './polynomial.js';
export * from './polynomial-mathjs.js';
export * from './posbool.js';
export * from './product.js';
export * from './provenance-arbitraries.js';
export * from './provenance-homomorphisms.js';
export * from './rational.js';
export * from './real.js';
export * from './registry.js';
export * from './security.js';
export * from './semiring.js';
export * from './tokens.js';
export * from './tolerance.js';
export * from './top-k.js';
export * from './tropical.js';
export * from './viterbi.js';
export * from './why.js';

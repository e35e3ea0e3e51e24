/**
 * provlrp/semirings: the algebras relevance is computed in, the registry of their names, the law
 * checker, provenance tokens and polynomials, and the homomorphisms between semirings.
 */
export * from './arbitraries.js';
export * from './evaluate.js';
export * from './expand-product.js';
export * from './expansion-limit.js';
export * from './formula-semiring.js';
export * from './homomorphism.js';
export * from './law-values.js';
export * from './laws.js';
export * from './monomial.js';
export * from './monomial-set.js';
export * from './numeric-homomorphisms.js';
export * from './polynomial-mathjs.js';
export * from './product.js';
export * from './provenance-arbitraries.js';
export * from './provenance-homomorphisms.js';
export * from './registry.js'; // and every registered semiring's module
export * from './semiring.js';
export * from './tokens.js';
export * from './tolerance.js';

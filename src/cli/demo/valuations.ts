/**
 * How the demo turns each edge's coefficient d into a value of each numeric semiring: one
 * valuation of the abstract tokens per semiring. (The library's annotation functions Θ generalise
 * these; the demo spells them out so that the table can be checked by hand.)
 */
import { InvalidArgumentError } from '../../core/errors.js';
import {
  boolean,
  counting,
  countingExact,
  DEFAULT_SECURITY_LEVELS,
  dual,
  dualNumber,
  Fraction,
  fuzzy,
  lukasiewicz,
  maxPlus,
  type NumericSemiringName,
  rational,
  real,
  SEMIRINGS,
  type Semiring,
  type SemiringValue,
  tropical,
  viterbi,
} from '../../semirings/index.js';
import { type DagEdge, EDGES } from './tiny-dag.js';

/** The threshold of the Boolean and counting valuations: d ≥ τ (DESIGN.md 1b's default). */
export const THRESHOLD = 1e-9;

/** Viterbi's normalisation: |d_jk| / max_j' |d_j'k|, per output k of the edge's layer. */
function normalised(e: DagEdge): number {
  let max = 0;
  for (const f of EDGES) if (f.layer === e.layer && f.k === e.k) max = Math.max(max, Math.abs(f.d));
  return max > 0 ? Math.abs(e.d) / max : 0;
}

/** The edge whose coefficient the dual numbers differentiate by. */
export const DIFFERENTIATED = EDGES[0]!;

/** A security level per edge: the hidden → output edges and in2's are the restricted ones. */
function level(e: DagEdge): string {
  const [open, , secret] = DEFAULT_SECURITY_LEVELS;
  if (e.from === 'in2') return secret;
  return e.layer === 1 && e.j === 1 ? DEFAULT_SECURITY_LEVELS[1] : open;
}

/** A semiring and the valuation the demo gives its tokens. */
export interface Valuation<T> {
  readonly semiring: Semiring<T>;
  readonly theta: (e: DagEdge) => T;
  /** How the valuation reads, for the table's legend. */
  readonly rule: string;
}

const valuation = <T>(semiring: Semiring<T>, rule: string, theta: (e: DagEdge) => T): Valuation<T> => ({
  semiring,
  theta,
  rule,
});

/** One valuation per registered numeric semiring, keyed by registry name (provenance semirings have none). */
export const VALUATIONS = {
  real: valuation(real, 'd', (e) => e.d),
  rational: valuation(rational, 'd, exactly', (e) => new Fraction(e.d)),
  boolean: valuation(boolean, `d ≥ ${THRESHOLD}`, (e) => e.d >= THRESHOLD),
  counting: valuation(counting, `[d ≥ ${THRESHOLD}]`, (e) => (e.d >= THRESHOLD ? 1 : 0)),
  counting_exact: valuation(countingExact, `[d ≥ ${THRESHOLD}]`, (e) => (e.d >= THRESHOLD ? 1n : 0n)),
  viterbi: valuation(viterbi, "|d| / max_j' |d_j'k|", normalised),
  tropical: valuation(tropical, '−log viterbi', (e) => -Math.log(normalised(e))),
  max_plus: valuation(maxPlus, 'log viterbi', (e) => Math.log(normalised(e))),
  fuzzy: valuation(fuzzy, 'viterbi', normalised),
  lukasiewicz: valuation(lukasiewicz, 'viterbi', normalised),
  security: valuation(SEMIRINGS.security, 'a level per edge', level),
  dual: valuation(dual, `(d, ∂/∂d of ${'x[0,0,0]'})`, (e) => dualNumber(e.d, e === DIFFERENTIATED ? 1 : 0)),
} satisfies { [N in NumericSemiringName]?: Valuation<SemiringValue<N>> };

/**
 * The valuation of a numeric semiring: its own above, or, for one registered without an entry
 * here, Viterbi's normalised coefficient through the semiring's `fromNumber`.
 */
export function valuationOf(name: NumericSemiringName): Valuation<unknown> {
  const own = (VALUATIONS as Partial<Record<NumericSemiringName, Valuation<unknown>>>)[name];
  if (own) return own;
  const semiring = SEMIRINGS[name] as Semiring<unknown>;
  const fromNumber = semiring.fromNumber?.bind(semiring);
  if (!fromNumber)
    throw new InvalidArgumentError(
      `the demo's semiring ${name}`,
      'it holds no numbers; give it a valuation in VALUATIONS',
    );
  return valuation(semiring, 'viterbi', (e) => fromNumber(normalised(e)));
}

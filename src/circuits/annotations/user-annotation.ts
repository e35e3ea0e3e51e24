/**
 * A user's own annotation, checked where it enters: it must be an object with a `map` function
 * (and `prepare`, if given, a function), and every value its `map` returns must be a value of the
 * semiring: of the carrier's type, not NaN, and, for semirings that hold numbers, accepted by
 * `fromNumber` (a count is a non-negative whole number, a Viterbi weight lies in [0, 1]). A value
 * that is not is an error naming the value and the edge, instead of relevance silently computed
 * from it.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { Semiring } from '../../semirings/index.js';
import type { Annotation, EdgeInfo } from './annotation.js';

/** Throws unless `spec` has the shape of an annotation object. */
export function assertAnnotationObject(spec: object): void {
  const a = spec as { map?: unknown; prepare?: unknown; name?: unknown };
  if (typeof a.map !== 'function' || (a.prepare !== undefined && typeof a.prepare !== 'function'))
    throw new InvalidArgumentError(
      'relevance annotate',
      'an annotation object needs map(d, edge, stats) and optionally prepare(layer), both functions',
    );
}

/** The user's annotation with every value it returns checked against `K`. */
export function checkedAnnotation<T, S>(user: Annotation<T, S>, K: Semiring<T>): Annotation<T, S> {
  assertAnnotationObject(user);
  const name = typeof user.name === 'string' && user.name !== '' ? user.name : 'user annotation';
  const check = valueCheck(K);
  const map = user.map.bind(user);
  return {
    name,
    ...(user.prepare ? { prepare: user.prepare.bind(user) } : {}),
    map: (d: number, edge: EdgeInfo, stats: S): T => {
      const v = map(d, edge, stats);
      const problem = check(v);
      if (problem !== undefined)
        throw new InvalidArgumentError(
          `annotation ${name}`,
          `it returned ${show(v)} for the edge (${edge.j} → ${edge.k}) of layer "${edge.layer}", ` +
            `d = ${d}, which ${problem}; return values of semiring ${K.name}`,
        );
      return v;
    },
  };
}

/** A test of one value: undefined when it is a value of `K`, else what is wrong with it. */
function valueCheck<T>(K: Semiring<T>): (v: unknown) => string | undefined {
  const carrier = typeof K.zero;
  const fromNumber = K.fromNumber?.bind(K);
  return (v) => {
    if (typeof v !== carrier || v === null) return `is not a ${carrier} like the semiring's zero`;
    if (typeof v !== 'number') return undefined;
    if (Number.isNaN(v)) return 'is not a number';
    if (fromNumber === undefined) return undefined;
    try {
      fromNumber(v);
      return undefined;
    } catch (error) {
      return `is not a value of ${K.name} (${error instanceof Error ? error.message : String(error)})`;
    }
  };
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}

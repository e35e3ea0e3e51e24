/**
 * A budget on values that grow (ℚ's fractions, DESIGN.md §1b's "ℚ as float64" output aside): the
 * semiring is wrapped so that every ⊕ and ⊗ result is measured with the semiring's `digits`, and a
 * value over the limit stops the evaluation with a `LimitError` instead of letting it run for
 * minutes on fractions of thousands of digits. Each operation's cost grows with its operands, so
 * a limit on digits bounds the time of every operation; `onProgress` shows long runs advancing.
 */
import { LimitError } from '../core/errors.js';
import type { Semiring } from '../semirings/index.js';

/** What a long evaluation reports. */
export interface EvaluationProgress {
  /** ⊕ and ⊗ operations done. */
  readonly operations: number;
  /** The most digits of a value so far. */
  readonly digits: number;
  /** Seconds since the evaluation began. */
  readonly seconds: number;
}

/** How often, in operations, the clock is read for progress. */
const PROGRESS_EVERY = 1024;

/**
 * `K` with every result measured by `K.digits`: over `limit` digits is a `LimitError`; every second
 * or so, `onProgress` hears how far it got. `K` itself when it has no `digits`.
 */
export function withValueBudget<T>(
  K: Semiring<T>,
  limit: number,
  onProgress?: (progress: EvaluationProgress) => void,
): Semiring<T> {
  const digits = K.digits?.bind(K);
  if (digits === undefined) return K;
  const start = performance.now();
  let operations = 0;
  let largest = 0;
  let reported = start;
  const check = (v: T): T => {
    const size = digits(v);
    if (size > largest) {
      largest = size;
      if (size > limit)
        throw new LimitError(
          `relevance in ${K.name}`,
          size,
          limit,
          'exact fractions grow with every layer; use semiring real, or restrict it to a layer or ' +
            'a threshold annotation; or raise the digits option',
          'digits',
        );
    }
    if (++operations % PROGRESS_EVERY === 0 && onProgress) {
      const now = performance.now();
      if (now - reported >= 1000) {
        reported = now;
        onProgress({ operations, digits: largest, seconds: (now - start) / 1000 });
      }
    }
    return v;
  };
  return { ...K, plus: (a, b) => check(K.plus(a, b)), times: (a, b) => check(K.times(a, b)) };
}

/**
 * Progress of a long evaluation on the generic path (ℚ's exact fractions, a user's semiring on a
 * large net): the semiring is wrapped so that its ⊕ and ⊗ are counted, and about once a second
 * `onProgress` hears how many were done and how long it has been, so that a run of minutes shows
 * it is advancing. The clock is read once every 1024 operations, which costs nothing beside a
 * fraction's arithmetic.
 */
import type { Semiring } from '../semirings/index.js';

/** What a long evaluation reports. */
export interface EvaluationProgress {
  /** ⊕ and ⊗ operations done. */
  readonly operations: number;
  /** Seconds since the evaluation began. */
  readonly seconds: number;
}

/** How often, in operations, the clock is read. */
const CLOCK_EVERY = 1024;

/**
 * `K` with its ⊕ and ⊗ counted for `onProgress`, called at most once per `intervalMs` of
 * `now()`; `K` itself without a listener.
 */
export function withProgress<T>(
  K: Semiring<T>,
  onProgress: ((progress: EvaluationProgress) => void) | undefined,
  { intervalMs = 1000, now = () => performance.now() }: { intervalMs?: number; now?: () => number } = {},
): Semiring<T> {
  if (onProgress === undefined) return K;
  const start = now();
  let reported = start;
  let operations = 0;
  const tick = (v: T): T => {
    if (++operations % CLOCK_EVERY === 0) {
      const t = now();
      if (t - reported >= intervalMs) {
        reported = t;
        onProgress({ operations, seconds: (t - start) / 1000 });
      }
    }
    return v;
  };
  return { ...K, plus: (a, b) => tick(K.plus(a, b)), times: (a, b) => tick(K.times(a, b)) };
}

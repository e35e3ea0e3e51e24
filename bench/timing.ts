/**
 * Timing for benchmarks: run a function a few times to warm up (JIT, caches), then time each of
 * N runs with `performance.now()` and report the median, minimum and maximum in milliseconds.
 * The median is the figure to quote: it ignores the odd run a garbage collection slows down.
 */

/** How often to run a function. */
export interface TimingOptions {
  /** Untimed runs first. Default 3. */
  readonly warmup?: number;
  /** Timed runs. Default 15. */
  readonly runs?: number;
  /**
   * Calls per run (warm-up runs included); a run's time is divided by it. Default 1. A call far
   * shorter than a millisecond is timed over many, so that the figure is the steady state a loop
   * over many inputs sees rather than the timer's resolution and the first, unoptimised calls.
   */
  readonly calls?: number;
}

/** Times of the timed runs, in milliseconds. */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Times `fn` (see the file header). */
export async function time(
  fn: () => unknown,
  { warmup = 3, runs = 15, calls = 1 }: TimingOptions = {},
): Promise<Timing> {
  for (let i = 0; i < warmup * calls; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    for (let c = 0; c < calls; c++) await fn();
    times.push((performance.now() - start) / calls);
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs: round(median), minMs: round(times[0]!), maxMs: round(times[times.length - 1]!), runs };
}

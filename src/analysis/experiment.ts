/**
 * What every experiment shares: its options (quick mode, seed, progress) and its result, plain
 * data (written as `<name>.json`) and one figure (written as `<name>.svg` and `<name>.png`).
 */
import { assertArgument } from '../core/errors.js';
import type { Plot } from '../viz/index.js';
import type { DatasetRelevance } from './dataset-pass.js';
import type { Progress } from './progress.js';

/** Options every experiment takes. */
export interface ExperimentOptions {
  /** A small subset that finishes in seconds (for tests and the demo). */
  readonly quick?: boolean;
  /** The seed of every random choice (random baselines, tie-breaks, data); default 0. */
  readonly seed?: number;
  /** Where progress goes (default nowhere). */
  readonly progress?: Progress;
  /** How the data-set passes run (default on this thread, `inProcessRelevance`). */
  readonly datasetRelevance?: DatasetRelevance;
}

/** A figure: its SVG text and its PNG bytes (a figure grid or a Vega-Lite plot). */
export type Figure = Plot;

/** An experiment's output: the numbers behind the figure, with the settings and seeds, and the figure. */
export interface ExperimentResult<Data extends { readonly settings: object }> {
  readonly data: Data;
  readonly figure: Figure;
}

/** The default seed of the experiments. */
export const EXPERIMENT_DEFAULTS = { seed: 0 } as const;

/** The seed of `options`, checked. */
export function experimentSeed(options: ExperimentOptions, where: string): number {
  const seed = options.seed ?? EXPERIMENT_DEFAULTS.seed;
  assertArgument(
    Number.isSafeInteger(seed) && seed >= 0,
    where,
    () => `seed must be a whole number ≥ 0, got ${seed}`,
  );
  return seed;
}

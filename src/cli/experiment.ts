/**
 * `provlrp experiment <name>`: runs one of the report's experiments (or `all`, one after the
 * other) and writes `<name>.json` (the numbers behind the figure, with the settings and seeds),
 * `<name>.svg` and `<name>.png` into the output folder, each atomically, so an interrupted run
 * leaves no half-written file. With `--workers N` or `--queue URL` the data-set passes (pruning's
 * rankings, the masks) run on the jobs layer, their shards under `<out>/datasets/`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXPERIMENT_NAMES, type Experiment, experimentByName, type Progress } from '../analysis/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { writeFileAtomic } from '../core/file-io.js';
import { type Executor, jobsRelevance } from '../jobs/index.js';
import { executorOf } from './explain-dataset.js';

/** The command's flags, as commander gives them. */
export interface ExperimentFlags {
  readonly out: string;
  readonly quick?: boolean;
  readonly seed: string;
  readonly keepBias?: boolean;
  readonly perImage?: boolean;
  readonly workers?: string;
  readonly queue?: string;
}

/** The defaults of the command's flags. */
export const EXPERIMENT_FLAG_DEFAULTS = { out: 'provlrp-out/experiments', seed: '0' } as const;

/** Runs the experiment `name` (or every one, for `all`) and returns the lines to print. */
export async function runExperiments(
  name: string,
  flags: ExperimentFlags,
  progress: Progress,
): Promise<string[]> {
  const seed = Number(flags.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new InvalidArgumentError('experiment --seed', `"${flags.seed}" is not a whole number ≥ 0`);
  const names = name === 'all' ? EXPERIMENT_NAMES : [name];
  const experiments = names.map((n) => [n, experimentByName(n)] as const);
  const out = resolve(flags.out);
  mkdirSync(out, { recursive: true });
  const lines: string[] = [];
  // With --workers or --queue the data-set passes run on the jobs layer, their shards kept under out.
  const jobs =
    flags.workers !== undefined || flags.queue !== undefined
      ? executorOf('experiment', flags.workers, flags.queue)
      : undefined;
  try {
    for (const [n, experiment] of experiments)
      lines.push(await runOne(n, experiment, flags, seed, progress, out, jobs?.executor));
  } finally {
    await jobs?.close();
  }
  return lines;
}

/** Runs one experiment and writes its files; returns the line to print. */
async function runOne(
  n: string,
  experiment: Experiment,
  flags: ExperimentFlags,
  seed: number,
  progress: Progress,
  out: string,
  executor: Executor | undefined,
): Promise<string> {
  const started = performance.now();
  const { data, figure } = await experiment.run({
    quick: flags.quick ?? false,
    seed,
    progress,
    keepBias: flags.keepBias ?? false,
    perImage: flags.perImage ?? false,
    ...(executor !== undefined ? { datasetRelevance: jobsRelevance(executor, join(out, 'datasets')) } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  const json = { ...data, seconds: Number(seconds.toFixed(1)) };
  writeFileAtomic(join(out, `${n}.json`), `${JSON.stringify(json, null, 1)}\n`);
  writeFileAtomic(join(out, `${n}.svg`), figure.svg);
  writeFileAtomic(join(out, `${n}.png`), figure.png);
  return `${n}: ${seconds.toFixed(1)} s → ${join(out, `${n}.json`)}, .svg, .png`;
}

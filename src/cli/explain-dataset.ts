/**
 * `provlrp explain-dataset` and `provlrp worker`: data-set-scale explanation (src/jobs).
 *
 *   provlrp explain-dataset MODEL --data SPEC --out DIR [--semiring S …] [--composite C]
 *     [--annotate A] [--targets label|argmax|all] [--layer L] [--reduce R …] [--shard-size N]
 *     [--workers N | --queue redis://HOST:PORT]
 *   provlrp worker --queue redis://HOST:PORT [--workers N] [--lock-seconds S]
 *
 * Locally the jobs run on a pool of worker threads (one per core by default); with `--queue` they
 * go on a BullMQ queue that `provlrp worker` processes take, on this machine or others sharing DIR.
 */
import type { Progress } from '../analysis/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import {
  type DatasetSummary,
  DEFAULT_SHARD_SIZE,
  defaultWorkers,
  type Executor,
  explainDataset,
  poolExecutor,
  queueExecutor,
  REDUCTIONS,
  type Reduction,
  startQueueWorker,
  TARGET_CHOICES,
  type TargetChoice,
  WorkerPool,
} from '../jobs/index.js';

/** The options of `explain-dataset`, as commander parses them. */
export interface ExplainDatasetFlags {
  readonly data: string;
  readonly out: string;
  readonly semiring?: string[];
  readonly composite?: string;
  readonly annotate?: string;
  readonly targets: string;
  readonly layer?: string;
  readonly reduce?: string[];
  readonly shardSize: string;
  readonly workers?: string;
  readonly queue?: string;
}

/** The defaults shown in `--help`. */
export const EXPLAIN_DATASET_DEFAULTS = {
  targets: 'argmax',
  shardSize: String(DEFAULT_SHARD_SIZE),
} as const;

/** A whole number ≥ 1 given to `flag`. */
export function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(flag, `"${value}" is not a whole number ≥ 1`);
  return n;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new InvalidArgumentError(flag, `"${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * Where the jobs run: the queue at `queue`, or a pool of `workers` threads (default one per core),
 * and how to stop it afterwards.
 */
export function executorOf(
  command: string,
  workers: string | undefined,
  queue: string | undefined,
): { executor: Executor; close: () => Promise<void> } {
  if (queue !== undefined) {
    if (workers !== undefined)
      throw new InvalidArgumentError(
        command,
        'give --workers or --queue, not both (the workers of a queue are `provlrp worker --workers N`)',
      );
    return { executor: queueExecutor(queue), close: async () => {} };
  }
  const pool = new WorkerPool(
    workers === undefined ? defaultWorkers() : positiveInteger(`${command} --workers`, workers),
  );
  return { executor: poolExecutor(pool), close: () => pool.close() };
}

/** Runs `explain-dataset`; returns the lines to print. */
export async function explainDatasetCommand(
  model: string,
  flags: ExplainDatasetFlags,
  progress: Progress,
): Promise<string[]> {
  const targets = oneOf<TargetChoice>('explain-dataset --targets', flags.targets, TARGET_CHOICES);
  const reduce = (flags.reduce ?? []).map((r) => oneOf<Reduction>('explain-dataset --reduce', r, REDUCTIONS));
  const shardSize = positiveInteger('explain-dataset --shard-size', flags.shardSize);
  const run = {
    model,
    data: flags.data,
    out: flags.out,
    shardSize,
    reduce,
    options: {
      semirings: flags.semiring ?? ['real'],
      targets,
      ...(flags.composite !== undefined ? { composite: flags.composite } : {}),
      ...(flags.annotate !== undefined ? { annotate: flags.annotate } : {}),
      ...(flags.layer !== undefined ? { layer: flags.layer } : {}),
    },
  };
  const { executor, close } = executorOf('explain-dataset', flags.workers, flags.queue);
  let summary: DatasetSummary;
  try {
    summary = await explainDataset(run, executor, progress);
  } finally {
    await close();
  }
  const { manifest, computed, present, seconds } = summary;
  const samples = manifest.data.end - manifest.data.start;
  return [
    `explained ${samples} samples in ${manifest.settings.semirings.map((s) => s.semiring).join(', ')}: ` +
      `${manifest.jobs.length} shards (${computed} computed, ${present} present) in ${seconds.toFixed(1)} s ` +
      `on ${executor.description} → ${flags.out}/manifest.json`,
    ...Object.values(manifest.reductions).map((file) => `reduction: ${flags.out}/${file}`),
  ];
}

/** The options of `worker`. */
export interface WorkerFlags {
  readonly queue: string;
  readonly workers?: string;
  readonly lockSeconds: string;
}

/** Runs `worker` until the process is told to stop (SIGINT, SIGTERM). */
export async function workerCommand(flags: WorkerFlags, log: (line: string) => void): Promise<void> {
  const workers =
    flags.workers === undefined ? defaultWorkers() : positiveInteger('worker --workers', flags.workers);
  const lockSeconds = positiveInteger('worker --lock-seconds', flags.lockSeconds);
  const worker = await startQueueWorker(flags.queue, { workers, lockSeconds, log });
  log(`worker: ${workers} thread${workers === 1 ? '' : 's'} taking jobs from ${flags.queue}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  log('worker: stopping after the jobs in progress');
  await worker.close();
}

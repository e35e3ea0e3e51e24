/**
 * Explaining a data set: plan its jobs, write the manifest, have the missing jobs computed (by
 * the local pool, on the queue, or on this thread), then write the reductions and the complete
 * manifest.
 *
 * Resume: a job's shard is written atomically under its key, so a shard that exists is complete.
 * Running the same command again computes only the jobs without a shard; with nothing missing it
 * computes nothing and rewrites the manifest and the reductions from the shards.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Progress, SILENT_PROGRESS } from '../analysis/index.js';
import { FormatError, InvalidArgumentError } from '../core/errors.js';
import { makeFolder, readFileBytes } from '../core/file-io.js';
import { showShape, sizeOf } from '../core/tensor.js';
import { decodeModelFile } from '../nn/model-file.js';
import { openDataSource } from './data-source.js';
import {
  assertArraySemirings,
  type ExplainOptions,
  type JobTask,
  jobKey,
  jobRanges,
  resolvedSettings,
  sha256,
  shardPath,
} from './job.js';
import { JobRunner } from './job-runner.js';
import { MANIFEST_FORMAT, type Manifest, writeManifest } from './manifest.js';
import { type Reduction, writeReductions } from './reduce.js';

/** Where jobs are computed: it resolves when every task given has its shard. */
export interface Executor {
  /** How the manifest names it ("2 worker threads", "queue redis://…"). */
  readonly description: string;
  /** Has `tasks` computed, calling `done` as each one's shard is written. */
  execute(tasks: readonly JobTask[], done: (task: JobTask) => void): Promise<void>;
}

/** Computes the jobs one after the other on this thread (what a pool of one does without a thread). */
export function inProcessExecutor(): Executor {
  const runner = new JobRunner();
  return {
    description: 'this thread',
    async execute(tasks, done) {
      for (const task of tasks) {
        runner.run(task);
        done(task);
      }
    },
  };
}

/** The default number of samples per job: see docs/datasets.md and bench/jobs.bench.ts. */
export const DEFAULT_SHARD_SIZE = 1000;

/** A data-set run. */
export interface DatasetRun {
  /** The model file (native or ONNX), a path every worker sees. */
  readonly model: string;
  /** The data spec (see data-source.ts). */
  readonly data: string;
  /** The run's folder, shared by every worker. */
  readonly out: string;
  readonly options: ExplainOptions;
  readonly shardSize?: number;
  readonly reduce?: readonly Reduction[];
}

/** What a run did. */
export interface DatasetSummary {
  readonly manifest: Manifest;
  /** Jobs whose shard was missing (computed now) and present already. */
  readonly computed: number;
  readonly present: number;
  readonly seconds: number;
}

/** The run's jobs, each checked against the model and the data before anything is computed. */
export function planRun(run: DatasetRun): { tasks: JobTask[]; manifest: Manifest } {
  assertArraySemirings(run.options.semirings);
  const settings = resolvedSettings(run.options);
  const modelPath = resolve(run.model);
  const bytes = readFileBytes(modelPath, 'model file');
  const model = decodeModelFile(modelPath, bytes);
  const modelHash = sha256(bytes);
  const source = openDataSource(run.data);
  const input = model.shapes.get(model.input)!;
  if (sizeOf(source.sampleShape) !== sizeOf(input))
    throw new FormatError(
      'data',
      `${run.data} has samples of shape ${showShape(source.sampleShape)}; the model takes ${showShape(input)}`,
    );
  if (run.options.targets === 'label' && !source.hasLabels)
    throw new InvalidArgumentError(
      'explain-dataset --targets label',
      `${run.data} has no labels (only mnist:test and mnist:train do); use --targets argmax or all`,
    );
  const out = resolve(run.out);
  const shardSize = run.shardSize ?? DEFAULT_SHARD_SIZE;
  const tasks = jobRanges(source.start, source.end, shardSize).map(
    ([start, end]): JobTask => ({
      out,
      model: modelPath,
      modelHash,
      data: source.spec,
      options: run.options,
      key: jobKey(modelHash, source.id, run.options, start, end),
      start,
      end,
    }),
  );
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    model: { path: modelPath, sha256: modelHash },
    data: {
      spec: source.spec,
      id: source.id,
      start: source.start,
      end: source.end,
      sampleShape: source.sampleShape,
    },
    settings: { targets: run.options.targets, layer: run.options.layer ?? null, semirings: settings },
    shardSize,
    jobs: tasks.map((t) => ({ key: t.key, start: t.start, end: t.end, shard: shardPath(t.key) })),
    reductions: {},
    complete: false,
  };
  return { tasks, manifest };
}

/** Runs `run` with `executor` (see the file header). */
export async function explainDataset(
  run: DatasetRun,
  executor: Executor,
  progress: Progress = SILENT_PROGRESS,
): Promise<DatasetSummary> {
  const started = performance.now();
  const { tasks, manifest } = planRun(run);
  const out = tasks[0]!.out;
  // Made here, once, before any worker writes into them.
  for (const folder of ['shards', 'log']) makeFolder(join(out, folder));
  writeManifest(out, manifest);
  const missing = tasks.filter((t) => !existsSync(join(out, shardPath(t.key))));
  const total = manifest.data.end - manifest.data.start;
  progress.start('explain-dataset', total);
  try {
    progress.advance(total - missing.reduce((n, t) => n + t.end - t.start, 0));
    await executor.execute(missing, (task) => progress.advance(task.end - task.start));
  } finally {
    progress.finish();
  }
  const absent = tasks.filter((t) => !existsSync(join(out, shardPath(t.key))));
  if (absent.length > 0)
    throw new FormatError(
      'explain-dataset',
      `${absent.length} shards are missing after the run (first ${absent[0]!.key}); run it again`,
    );
  const semirings = run.options.semirings;
  const reductions = writeReductions(out, manifest.jobs, semirings, run.reduce ?? []);
  const seconds = (performance.now() - started) / 1000;
  const complete: Manifest = {
    ...manifest,
    reductions,
    complete: true,
    run: {
      seconds: Number(seconds.toFixed(3)),
      computed: missing.length,
      present: tasks.length - missing.length,
      executor: executor.description,
    },
  };
  writeManifest(out, complete);
  return { manifest: complete, computed: missing.length, present: tasks.length - missing.length, seconds };
}

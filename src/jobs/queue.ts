/**
 * The queue across machines: BullMQ on a Redis server (ioredis is the client).
 *
 * The submitter (`explain-dataset --queue redis://HOST:PORT`) puts every missing job on the queue
 * `provlrp` under the BullMQ job id `shard-<key>` (so a job already queued is not queued twice),
 * then waits until every shard is present in the shared folder, showing progress. Workers
 * (`provlrp worker --queue …`, on any number of machines) take jobs and compute them on their
 * own pool of threads, which leaves the process's event loop free to renew the jobs' locks; each
 * thread has a second job taken and waiting, so that it never waits for Redis between jobs.
 *
 * Faults: a worker that dies stops renewing its job's lock; after `lockSeconds` another worker's
 * stalled-job check puts the job back and it is taken again. A Redis server that restarts with its
 * append-only file has kept the queue; ioredis reconnects every client, and a job that finished
 * while Redis was away (its completion lost) is taken again and finds its shard present, so it is
 * not computed twice. The submitter re-queues every few seconds whatever is still missing (a no-op
 * for a queued job) and stops with the error of a job that failed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { InvalidArgumentError, JobError, UnsupportedError } from '../core/errors.js';
import type { Executor } from './explain-dataset.js';
import { type JobTask, shardPath } from './job.js';
import { WorkerPool } from './pool.js';

/** The BullMQ queue every provlrp run shares (a job's data says which run it belongs to). */
export const QUEUE_NAME = 'provlrp';

/** Seconds to wait for the Redis server at the start before saying it cannot be reached. */
const CONNECT_SECONDS = 10;

/** Milliseconds between the submitter's looks at the shard folder (a few files: cheap; a run ends at most this late). */
const POLL_MS = 5;

/** Milliseconds between the submitter's checks for failed jobs and re-queueing of missing ones. */
const RECHECK_MS = 2000;

/** The BullMQ job id of a task. */
const jobId = (task: JobTask): string => `shard-${task.key}`;

/** A client of the Redis server at `url`, once it answers. */
async function connect(url: string, where: string): Promise<Redis> {
  if (!/^rediss?:\/\/[^/]+/.test(url))
    throw new InvalidArgumentError(where, `"${url}" is not a Redis URL; give redis://HOST:PORT`);
  // NOTE: no limit on retries once connected: a request waits while Redis restarts.
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  client.on('error', () => {
    // Reconnecting is ioredis's job; the first connection's failure is reported below.
  });
  const timeout = new Promise<'timeout'>((r) =>
    setTimeout(() => r('timeout'), CONNECT_SECONDS * 1000).unref(),
  );
  const reached = await Promise.race([
    client.connect().then(
      () => 'ok' as const,
      () => 'failed' as const,
    ),
    timeout,
  ]);
  if (reached !== 'ok') {
    client.disconnect();
    throw new UnsupportedError(
      `${where}: cannot reach the Redis server at ${url} within ${CONNECT_SECONDS} s; ` +
        'start redis-server there or correct the URL',
    );
  }
  return client;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Queues the tasks (a task already queued under its id is left as it is). */
async function enqueue(queue: Queue, tasks: readonly JobTask[]): Promise<void> {
  await queue.addBulk(
    tasks.map((task) => ({
      name: 'shard',
      data: task,
      opts: { jobId: jobId(task), removeOnComplete: true, attempts: 1 },
    })),
  );
}

/** Removes failed jobs of these tasks left by an earlier run, so that queueing them retries them. */
async function clearFailed(queue: Queue, tasks: readonly JobTask[]): Promise<void> {
  const ids = new Set(tasks.map(jobId));
  for (const job of await queue.getFailed(0, -1))
    if (job.id !== undefined && ids.has(job.id)) await job.remove();
}

/** Throws the error of the first failed job among `pending`. */
async function assertNoneFailed(queue: Queue, pending: ReadonlyMap<string, JobTask>): Promise<void> {
  for (const job of await queue.getFailed(0, -1)) {
    const task = job.id === undefined ? undefined : pending.get(job.id);
    if (task !== undefined) throw new JobError(task.key, task.start, task.end, job.failedReason ?? 'failed');
  }
}

/** The queue as an executor: it queues the tasks and waits for their shards. */
export function queueExecutor(url: string): Executor {
  return {
    description: `queue ${url}`,
    async execute(tasks, done) {
      if (tasks.length === 0) return;
      const connection = await connect(url, 'explain-dataset --queue');
      const queue = new Queue(QUEUE_NAME, { connection });
      queue.on('error', () => {});
      try {
        await clearFailed(queue, tasks);
        await enqueue(queue, tasks);
        const pending = new Map(tasks.map((t) => [jobId(t), t]));
        let checked = performance.now();
        while (pending.size > 0) {
          for (const [id, task] of pending)
            if (existsSync(join(task.out, shardPath(task.key)))) {
              pending.delete(id);
              done(task);
            }
          if (pending.size > 0 && performance.now() - checked > RECHECK_MS) {
            await assertNoneFailed(queue, pending);
            await enqueue(queue, [...pending.values()]);
            checked = performance.now();
          }
          if (pending.size > 0) await sleep(POLL_MS);
        }
      } finally {
        await queue.close();
        connection.disconnect();
      }
    },
  };
}

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** Threads, each computing one job at a time. */
  readonly workers: number;
  /** How long a job stays taken by a worker that stopped renewing its lock (default 30). */
  readonly lockSeconds?: number;
  /** Told of each job done or failed, and of connection trouble. */
  readonly log?: (line: string) => void;
}

/** A running worker process's queue side. */
export interface QueueWorker {
  /** Stops taking jobs, lets the running ones finish, and stops the threads. */
  close(): Promise<void>;
}

/** Takes jobs from the queue at `url` and computes them on a pool of threads. */
export async function startQueueWorker(url: string, options: QueueWorkerOptions): Promise<QueueWorker> {
  const lockSeconds = options.lockSeconds ?? 30;
  if (!(Number.isFinite(lockSeconds) && lockSeconds >= 1))
    throw new InvalidArgumentError('worker --lock-seconds', `${lockSeconds} is not a number of seconds ≥ 1`);
  const log = options.log ?? (() => {});
  const connection = await connect(url, 'worker --queue');
  const pool = new WorkerPool(options.workers);
  const worker = new Worker<JobTask>(QUEUE_NAME, async (job) => pool.run(job.data), {
    connection,
    // Each thread's next job is taken while it computes one, and waits in the pool: a thread that
    // finishes starts the next at once instead of after BullMQ's round trips to fetch it.
    concurrency: 2 * options.workers,
    lockDuration: lockSeconds * 1000,
    stalledInterval: lockSeconds * 1000,
    // A job is put back each time its worker dies; only a job that kills every worker fails.
    maxStalledCount: 10,
  });
  let lastError = '';
  worker.on('error', (error) => {
    // Redis restarting: BullMQ and ioredis retry; say so once per kind of trouble.
    if (error.message !== lastError) log(`queue: ${error.message} (retrying)`);
    lastError = error.message;
  });
  worker.on('completed', (job, outcome) => {
    lastError = '';
    log(`${String(outcome)} ${job.data.key.slice(0, 12)} (samples ${job.data.start} to ${job.data.end - 1})`);
  });
  worker.on('failed', (job, error) => log(`failed ${job?.data.key.slice(0, 12) ?? '?'}: ${error.message}`));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await pool.close();
      connection.disconnect();
    },
  };
}

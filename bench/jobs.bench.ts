/**
 * Data-set-scale explanation (src/jobs) on the MNIST test set with the shipped MLP in 𝔹:
 *
 * - scaling: the local pool with 2 worker threads against 1 on all 10,000 test digits
 *   (`speedup` = time with 1 / time with 2; each pool is warmed up on other jobs first, so the
 *   threads' start and the circuit's compilation are not timed);
 * - the queue's per-job overhead at the default shard size: one `provlrp worker --workers 1`
 *   process on a real Redis server against a local pool of 1 thread, on the same jobs, alternated
 *   three times: overhead = (queue time − local time) / local time, the share of a job's time
 *   spent on Redis round trips, the submitter's polling and the hand-over (median of the three).
 *
 * Needs `redis-server` (Debian's package) for the second part; it is started on a free port in a
 * temporary folder and stopped at the end.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DatasetRun,
  DEFAULT_SHARD_SIZE,
  explainDataset,
  poolExecutor,
  queueExecutor,
  WorkerPool,
} from '../src/jobs/index.js';
import { SHIPPED_MODELS, SHIPPED_MODELS_DIR } from '../src/nn/zoo/index.js';
import { freePort, REDIS_SERVER, RedisServer, startWorker, stopWorker } from '../test/jobs/redis-server.js';

export const name = 'jobs';

const MODEL = `${SHIPPED_MODELS_DIR}${SHIPPED_MODELS.mlp.file}`;

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function run(): Promise<Record<string, unknown>> {
  const root = mkdtempSync(join(tmpdir(), 'provlrp-bench-jobs-'));
  let folders = 0;
  const job = (data: string): DatasetRun => ({
    model: MODEL,
    data,
    out: join(root, `run-${folders++}`),
    options: { semirings: ['boolean'], targets: 'argmax' },
  });
  const seconds = async (data: string, executor: Parameters<typeof explainDataset>[1]): Promise<number> => {
    const started = performance.now();
    await explainDataset(job(data), executor);
    return (performance.now() - started) / 1000;
  };
  const warm = (threads: number) => `mnist:test[0:${threads * DEFAULT_SHARD_SIZE}]`;
  try {
    const one = new WorkerPool(1);
    const two = new WorkerPool(2);
    let scaling: Record<string, number>;
    let local: number[] = [];
    let queue: number[] = [];
    const subset = `mnist:test[0:${5 * DEFAULT_SHARD_SIZE}]`;
    try {
      await seconds(warm(1), poolExecutor(one));
      await seconds(warm(2), poolExecutor(two));
      const oneThread = await seconds('mnist:test', poolExecutor(one));
      const twoThreads = await seconds('mnist:test', poolExecutor(two));
      scaling = {
        digits: 10_000,
        oneWorkerSeconds: round(oneThread),
        twoWorkersSeconds: round(twoThreads),
        speedup: round(oneThread / twoThreads),
      };
      if (REDIS_SERVER === undefined)
        return { shardSize: DEFAULT_SHARD_SIZE, scaling, queue: 'no redis-server' };
      const redis = new RedisServer(await freePort(), mkdtempSync(join(root, 'redis-')));
      await redis.start();
      let worker: ChildProcess | undefined;
      try {
        worker = await startWorker(redis.url, ['--lock-seconds', '30']);
        await seconds(warm(1), queueExecutor(redis.url));
        for (let i = 0; i < 3; i++) {
          local.push(await seconds(subset, poolExecutor(one)));
          queue.push(await seconds(subset, queueExecutor(redis.url)));
        }
      } finally {
        if (worker) await stopWorker(worker);
        await redis.stop();
      }
    } finally {
      await one.close();
      await two.close();
    }
    local = local.map((s) => round(s));
    queue = queue.map((s) => round(s));
    const jobs = 5;
    const overheads = local.map((l, i) => (queue[i]! - l) / l);
    return {
      shardSize: DEFAULT_SHARD_SIZE,
      scaling,
      queue: {
        digits: jobs * DEFAULT_SHARD_SIZE,
        jobs,
        localSeconds: local,
        queueSeconds: queue,
        medianJobSeconds: round(median(local) / jobs),
        medianOverheadMsPerJob: round((1000 * (median(queue) - median(local))) / jobs, 1),
        perJobOverhead: round(median(overheads), 4),
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

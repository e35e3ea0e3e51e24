/**
 * Data-set-scale explanation (src/jobs) on the MNIST test set with the shipped MLP in 𝔹:
 *
 * - scaling: the local pool with 2 worker threads against 1 on all 10,000 test digits
 *   (`speedup` = the median over 5 pairs, run A B A B, of time with 1 / time with 2; each pool is
 *   warmed up on other jobs first, so the
 *   threads' start and the circuit's compilation are not timed);
 * - the queue's per-job overhead at the default shard size: one `provlrp worker --workers 1`
 *   process on a real Redis server against a local pool of 1 thread, on the same jobs, alternated
 *   three times. `wallRatio` = (queue time − local time) / local time; on a shared machine it
 *   mostly measures how the load changed between the runs, so `perJobOverhead` takes each run's
 *   time outside its jobs (the wall time minus the jobs' own milliseconds in the job logs):
 *   (queue's − local's) / jobs, over the median job time. That is the share of a job's time spent
 *   on Redis round trips, the submitter's polling and the hand-over (median of the three).
 *
 * - the machine's own ceiling: the WebAssembly GEMM alone (operands in L1, no memory traffic, no
 *   allocation) on one thread against two threads at once (`gemmSpeedup`, the median of 5 pairs
 *   of wall times for the same work per thread, as for the pool). A pool of 2 cannot scale
 *   better than its cores do on the kernels its jobs spend their time in.
 *
 * `loadAverage` (1 minute, before and after) says how busy the machine was: with other work on
 * the cores the two threads share them (`threadBusy`, the jobs' time over threads × wall time,
 * says whether the pool kept both threads working).
 *
 * Needs `redis-server` (Debian's package) for the second part; it is started on a free port in a
 * temporary folder and stopped at the end.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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

/** Pairs of runs (1 thread, 2 threads) the scaling figure is the median ratio of. */
const SCALING_PAIRS = 5;

/** Jobs of the default shard size in each timed queue and local run. */
const QUEUE_JOBS = 10;

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * A thread that instantiates the kernels and times `reps` GEMMs of 64 × 64 × 256 (about 0.25 MiB
 * of operands and accumulator, resident in the core's caches), posting the milliseconds.
 */
const GEMM_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const bytes = Buffer.from(workerData.wasm, 'base64');
const x = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
const [M, K] = [64, 256];
x.memory.grow(Math.ceil((8 * (2 * M * K + M * M)) / 65536));
new Float64Array(x.memory.buffer).fill(0.5);
parentPort.on('message', (reps) => {
  const t = performance.now();
  for (let i = 0; i < reps; i++) x.gemm(0, 4 * K, 8 * M * K, 4 * K, 4, 16 * M * K, M, M / 4, M / 4, K);
  parentPort.postMessage(performance.now() - t);
});
`;

/** The GEMM on one thread and on two at once (same work per thread): wall times, A B A B. */
async function gemmCeiling(): Promise<Record<string, number | number[]>> {
  const { GEMM_WASM_BASE64 } = await import('../src/kernels/gemm-wasm.js');
  const threads = [0, 1].map(
    () => new Worker(GEMM_THREAD, { eval: true, workerData: { wasm: GEMM_WASM_BASE64 } }),
  );
  const timed = (t: Worker, reps: number) =>
    new Promise<number>((done) => {
      t.once('message', done);
      t.postMessage(reps);
    });
  const reps = 1500; // ≈ 0.3 s per thread
  try {
    await Promise.all(threads.map((t) => timed(t, 200)));
    const one: number[] = [];
    const two: number[] = [];
    for (let i = 0; i < SCALING_PAIRS; i++) {
      one.push(await timed(threads[0]!, reps));
      const started = performance.now();
      await Promise.all(threads.map((t) => timed(t, reps)));
      two.push(performance.now() - started);
    }
    const ratios = one.map((t, i) => (2 * t) / two[i]!);
    return {
      oneThreadMs: one.map((t) => round(t, 1)),
      twoThreadsMs: two.map((t) => round(t, 1)),
      gemmSpeedup: round(median(ratios)),
    };
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const root = mkdtempSync(join(tmpdir(), 'provlrp-bench-jobs-'));
  let folders = 0;
  const job = (data: string): DatasetRun => ({
    model: MODEL,
    data,
    out: join(root, `run-${folders++}`),
    options: { semirings: ['boolean'], targets: 'argmax' },
  });
  /** A run's wall seconds and the seconds its jobs took, by the job logs. */
  const timed = async (data: string, executor: Parameters<typeof explainDataset>[1]) => {
    const started = performance.now();
    const { manifest } = await explainDataset(job(data), executor);
    const wall = (performance.now() - started) / 1000;
    const out = join(root, `run-${folders - 1}`);
    const ms = readdirSync(join(out, 'log'))
      .flatMap((f) =>
        readFileSync(join(out, 'log', f), 'utf8')
          .trim()
          .split('\n'),
      )
      .map((line) => JSON.parse(line) as { event: string; ms?: number })
      .reduce((sum, e) => sum + (e.event === 'computed' ? e.ms! : 0), 0);
    return { wall, jobs: ms / 1000, count: manifest.jobs.length };
  };
  const seconds = async (data: string, executor: Parameters<typeof explainDataset>[1]) =>
    (await timed(data, executor)).wall;
  const warm = (threads: number) => `mnist:test[0:${threads * DEFAULT_SHARD_SIZE}]`;
  try {
    const one = new WorkerPool(1);
    const two = new WorkerPool(2);
    let scaling: Record<string, number | number[] | Record<string, number | number[]>>;
    const local: Awaited<ReturnType<typeof timed>>[] = [];
    const queue: Awaited<ReturnType<typeof timed>>[] = [];
    const loadBefore = loadavg()[0]!;
    const subset = `mnist:test[0:${QUEUE_JOBS * DEFAULT_SHARD_SIZE}]`;
    try {
      await seconds(warm(1), poolExecutor(one));
      await seconds(warm(2), poolExecutor(two));
      // A B A B: each pair's ratio, their median the figure (load changes between the runs).
      const ones: number[] = [];
      const twos: Awaited<ReturnType<typeof timed>>[] = [];
      for (let i = 0; i < SCALING_PAIRS; i++) {
        ones.push(await seconds('mnist:test', poolExecutor(one)));
        twos.push(await timed('mnist:test', poolExecutor(two)));
      }
      const ratios = ones.map((t, i) => t / twos[i]!.wall);
      const ceiling = await gemmCeiling();
      scaling = {
        digits: 10_000,
        oneWorkerSeconds: ones.map((t) => round(t)),
        twoWorkersSeconds: twos.map((t) => round(t.wall)),
        speedups: ratios.map((r) => round(r)),
        speedup: round(median(ratios)),
        threadBusy: round(median(twos.map((t) => t.jobs / (2 * t.wall)))),
        machine: ceiling,
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
          local.push(await timed(subset, poolExecutor(one)));
          queue.push(await timed(subset, queueExecutor(redis.url)));
        }
      } finally {
        if (worker) await stopWorker(worker);
        await redis.stop();
      }
    } finally {
      await one.close();
      await two.close();
    }
    const jobs = QUEUE_JOBS;
    const outside = (r: (typeof local)[number]) => r.wall - r.jobs;
    const jobSeconds = median([...local, ...queue].map((r) => r.jobs / jobs));
    const overheadMs = local.map((l, i) => (1000 * (outside(queue[i]!) - outside(l))) / jobs);
    return {
      shardSize: DEFAULT_SHARD_SIZE,
      loadAverage: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
      scaling,
      queue: {
        digits: jobs * DEFAULT_SHARD_SIZE,
        jobs,
        localSeconds: local.map((r) => round(r.wall)),
        queueSeconds: queue.map((r) => round(r.wall)),
        localOutsideJobsSeconds: local.map((r) => round(outside(r))),
        queueOutsideJobsSeconds: queue.map((r) => round(outside(r))),
        wallRatio: round(median(local.map((l, i) => (queue[i]!.wall - l.wall) / l.wall)), 4),
        medianJobSeconds: round(jobSeconds),
        overheadMsPerJob: round(median(overheadMs), 1),
        perJobOverhead: round(median(overheadMs) / 1000 / jobSeconds, 4),
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

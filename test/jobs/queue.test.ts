/**
 * The queue path on a real Redis server, with worker processes: results byte-identical to a
 * single-process run, a worker killed in the middle of a job, Redis restarted in the middle of a
 * run, and a second submission that computes nothing. What was computed where is counted in the
 * runs' job logs (one per worker thread, named by host and process id).
 *
 * Size: the first 1,000 MNIST test digits in 𝔹 and ℕ with the shipped MLP, in shards of 100 (10
 * jobs); the fault tests take the first 400 (4 jobs), so that the whole file stays near a minute.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DatasetRun,
  explainDataset,
  inProcessExecutor,
  queueExecutor,
  readManifest,
} from '../../src/jobs/index.js';
import { SHIPPED_MODELS, SHIPPED_MODELS_DIR } from '../../src/nn/zoo/index.js';
import { freePort, REDIS_SERVER, RedisServer, startWorker, stopWorker } from './redis-server.js';

if (REDIS_SERVER === undefined)
  console.warn('queue tests skipped: no redis-server (apt-get install redis-server; .ci/run installs it)');

interface LogEvent {
  readonly event: string;
  readonly key: string;
  readonly pid: number;
}

/** Every event of a run's job logs, with the process that logged it. */
function events(out: string): LogEvent[] {
  const folder = join(out, 'log');
  let files: string[];
  try {
    files = readdirSync(folder);
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    const pid = Number(f.split('.').at(-3));
    return readFileSync(join(folder, f), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => ({ ...(JSON.parse(line) as { event: string; key: string }), pid }));
  });
}

const count = (list: readonly LogEvent[], event: string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const e of list) if (e.event === event) counts.set(e.key, (counts.get(e.key) ?? 0) + 1);
  return counts;
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(REDIS_SERVER === undefined)(
  'explain-dataset on a BullMQ queue on a real Redis server',
  () => {
    const root = mkdtempSync(join(tmpdir(), 'provlrp-queue-'));
    const single = join(root, 'single');
    let redis: RedisServer;
    const workers: ChildProcess[] = [];
    const run = (out: string, samples: number): DatasetRun => ({
      model: `${SHIPPED_MODELS_DIR}${SHIPPED_MODELS.mlp.file}`,
      data: `mnist:test[0:${samples}]`,
      out,
      options: { semirings: ['boolean', 'counting'], targets: 'label' },
      shardSize: 100,
    });
    /** The shard of `key` in `out` equals the single-process run's, byte for byte. */
    const expectSameShards = (out: string): void => {
      const jobs = readManifest(out).jobs;
      expect(readdirSync(join(out, 'shards')).sort()).toEqual(jobs.map((j) => `${j.key}.npz`).sort());
      for (const job of jobs)
        expect(
          readFileSync(join(out, job.shard)).equals(readFileSync(join(single, job.shard))),
          job.key,
        ).toBe(true);
    };

    beforeAll(async () => {
      redis = new RedisServer(await freePort(), mkdtempSync(join(root, 'redis-')));
      await redis.start();
      // Each worker is recorded as soon as it is up, so that afterAll stops it whatever fails later.
      await Promise.all([0, 1].map(async () => workers.push(await startWorker(redis.url))));
      // NOTE: after the workers are up: computing here blocks this process's event loop.
      await explainDataset(run(single, 1000), inProcessExecutor());
    }, 240_000);

    afterAll(async () => {
      await Promise.all(workers.map(stopWorker));
      await redis?.stop();
      rmSync(root, { recursive: true, force: true });
    }, 60_000);

    it('a submitter and two worker processes write the shards of a single-process run, byte for byte', async () => {
      const out = join(root, 'queue');
      const summary = await explainDataset(run(out, 1000), queueExecutor(redis.url));
      expect(summary.computed).toBe(10);
      expectSameShards(out);
      const log = events(out);
      expect([...count(log, 'computed').values()]).toEqual(Array(10).fill(1));
      // Both worker processes took jobs.
      expect(new Set(log.map((e) => e.pid)).size).toBe(2);
      // A second identical submission computes nothing.
      const again = await explainDataset(run(out, 1000), queueExecutor(redis.url));
      expect([again.computed, again.present]).toEqual([0, 10]);
      await sleep(500);
      expect(events(out)).toHaveLength(log.length);
    }, 180_000);

    it('takes the job of a worker killed in the middle of it again; nothing else is computed twice', async () => {
      const out = join(root, 'killed');
      const submission = explainDataset(run(out, 400), queueExecutor(redis.url));
      // The first job a worker has started and not finished: kill its process there.
      let victim: { pid: number; key: string } | undefined;
      while (victim === undefined) {
        const log = events(out);
        const done = count(log, 'computed');
        victim = log.find((e) => e.event === 'started' && !done.has(e.key));
        if (victim === undefined) await sleep(20);
      }
      const killed = workers.find((w) => w.pid === victim!.pid)!;
      killed.kill('SIGKILL');
      workers.splice(workers.indexOf(killed), 1);
      const summary = await submission;
      expect(summary.computed).toBe(4);
      expectSameShards(out);
      const log = events(out);
      expect([...count(log, 'computed').values()]).toEqual([1, 1, 1, 1]);
      const started = count(log, 'started');
      for (const job of readManifest(out).jobs)
        expect(started.get(job.key), job.key).toBe(job.key === victim.key ? 2 : 1);
      // The killed job was finished by the other worker.
      expect(log.find((e) => e.event === 'computed' && e.key === victim!.key)!.pid).not.toBe(victim.pid);
      workers.push(await startWorker(redis.url));
    }, 180_000);

    it('finishes a run across a restart of Redis with its append-only file, computing each job once', async () => {
      const out = join(root, 'restart');
      const submission = explainDataset(run(out, 400), queueExecutor(redis.url));
      while (count(events(out), 'computed').size === 0) await sleep(20);
      await redis.stop();
      await sleep(1000);
      await redis.start();
      const summary = await submission;
      expect(summary.computed).toBe(4);
      expectSameShards(out);
      const log = events(out);
      expect([...count(log, 'computed').values()]).toEqual([1, 1, 1, 1]);
      expect([...count(log, 'started').values()]).toEqual([1, 1, 1, 1]);
    }, 180_000);
  },
);

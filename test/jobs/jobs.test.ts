import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, relevanceToArray } from '../../src/circuits/index.js';
import { InvalidArgumentError, JobError, UnsupportedError } from '../../src/core/errors.js';
import { writeFileAtomic } from '../../src/core/file-io.js';
import { writeIdx } from '../../src/core/idx.js';
import { readNpyFile, writeNpyFile } from '../../src/core/npy.js';
import {
  type DatasetRun,
  decodeShard,
  type ExplainOptions,
  encodeShard,
  explainDataset,
  inProcessExecutor,
  jobKey,
  jobRanges,
  openDataSource,
  poolExecutor,
  readManifest,
  readRelevance,
  WorkerPool,
} from '../../src/jobs/index.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import { loadShippedModel, SHIPPED_MODELS, SHIPPED_MODELS_DIR } from '../../src/nn/zoo/index.js';

const root = mkdtempSync(join(tmpdir(), 'provlrp-jobs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MLP = `${SHIPPED_MODELS_DIR}${SHIPPED_MODELS.mlp.file}`;
const OPTIONS: ExplainOptions = { semirings: ['boolean', 'counting'], targets: 'label' };

/** Every event of a run's job logs. */
function events(out: string): { event: string; key: string }[] {
  const folder = join(out, 'log');
  return readdirSync(folder).flatMap((f) =>
    readFileSync(join(folder, f), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; key: string }),
  );
}

const shardBytes = (out: string): Map<string, Buffer> =>
  new Map(readdirSync(join(out, 'shards')).map((f) => [f, readFileSync(join(out, 'shards', f))]));

describe('jobs: keys and ranges', () => {
  it('cuts a range at multiples of the shard size, covering it without overlap', () => {
    fc.assert(
      fc.property(
        fc.nat(500),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 64 }),
        (a, n, size) => {
          const ranges = jobRanges(a, a + n, size);
          expect(ranges[0]![0]).toBe(a);
          expect(ranges.at(-1)![1]).toBe(a + n);
          for (let i = 0; i < ranges.length; i++) {
            const [s, e] = ranges[i]!;
            expect(e).toBeGreaterThan(s);
            expect(e - s).toBeLessThanOrEqual(size);
            if (i > 0) expect(s).toBe(ranges[i - 1]![1]);
            if (i < ranges.length - 1) expect(e % size).toBe(0);
          }
        },
      ),
      { seed: 7 },
    );
  });

  it('keys a job by the model, the data, the range, the semirings and every option', () => {
    const base = jobKey('m', 'd', OPTIONS, 0, 10);
    expect(jobKey('m', 'd', { ...OPTIONS }, 0, 10)).toBe(base);
    const variants = [
      jobKey('m2', 'd', OPTIONS, 0, 10),
      jobKey('m', 'd2', OPTIONS, 0, 10),
      jobKey('m', 'd', OPTIONS, 0, 11),
      jobKey('m', 'd', OPTIONS, 1, 10),
      jobKey('m', 'd', { ...OPTIONS, semirings: ['counting', 'boolean'] }, 0, 10),
      jobKey('m', 'd', { ...OPTIONS, semirings: ['boolean'] }, 0, 10),
      jobKey('m', 'd', { ...OPTIONS, targets: 'argmax' }, 0, 10),
      jobKey('m', 'd', { ...OPTIONS, composite: 'epsilon_plus_flat' }, 0, 10),
      jobKey('m', 'd', { ...OPTIONS, annotate: 'threshold:0.1' }, 0, 10),
      jobKey('m', 'd', { ...OPTIONS, layer: '1' }, 0, 10),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    // A default spelled out is the same job: the key holds the resolved settings.
    expect(jobKey('m', 'd', { ...OPTIONS, composite: 'epsilon', annotate: 'threshold:1e-9' }, 0, 10)).toBe(
      base,
    );
  });

  it('encodes a shard to the same bytes every time, and decodes it back', () => {
    const arrays = new Map([
      ['targets', { dtype: 'int32' as const, shape: [2], data: Int32Array.from([3, 7]) }],
      ['boolean', { dtype: 'uint8' as const, shape: [2, 3], data: Uint8Array.from([1, 0, 1, 0, 0, 1]) }],
    ]);
    const bytes = encodeShard(arrays);
    expect(Buffer.from(encodeShard(arrays)).equals(Buffer.from(bytes))).toBe(true);
    const back = decodeShard(bytes, 'x.npz');
    expect([...back.keys()]).toEqual(['targets', 'boolean']);
    expect([...back.get('boolean')!.data]).toEqual([1, 0, 1, 0, 0, 1]);
    expect(() => decodeShard(Uint8Array.from([1, 2, 3]), 'bad.npz')).toThrow(
      /bad.npz: not a zip of .npy files/,
    );
  });
});

describe('explain-dataset on one thread and on the pool', () => {
  const run = (out: string, extra: Partial<DatasetRun> = {}): DatasetRun => ({
    model: MLP,
    data: 'mnist:test[0:60]',
    out,
    options: OPTIONS,
    shardSize: 25,
    reduce: ['and', 'or', 'min', 'max', 'mean', 'sum'],
    ...extra,
  });
  const single = join(root, 'single');
  const pooled = join(root, 'pool');

  it('equals one trace of the whole batch, shard by shard and in the reductions', async () => {
    const summary = await explainDataset(run(single), inProcessExecutor());
    expect(summary.computed).toBe(3);
    expect(summary.manifest.jobs.map((j) => [j.start, j.end])).toEqual([
      [0, 25],
      [25, 50],
      [50, 60],
    ]);
    const { images, labels } = loadMnist('test', { limit: 60 });
    const trace = compile(loadShippedModel('mlp')).trace(images);
    for (const semiring of OPTIONS.semirings) {
      const expected = relevanceToArray(trace.relevance({ semiring, targets: labels }));
      const got = readRelevance(single, semiring);
      expect(got.shape).toEqual([60, 1, 28, 28]);
      expect([...got.data]).toEqual([...expected.data]);
      const per = 784;
      const value = (n: number, p: number) => Number(expected.data[n * per + p]);
      const reduced = (r: string) => readNpyFile(join(single, `reductions/${semiring}.${r}.npy`)).data;
      const [and, or, min, max, mean, sum] = ['and', 'or', 'min', 'max', 'mean', 'sum'].map(reduced);
      for (let p = 0; p < per; p++) {
        const column = Array.from({ length: 60 }, (_, n) => value(n, p));
        expect(and![p]).toBe(column.every((v) => v > 0) ? 1 : 0);
        expect(or![p]).toBe(column.some((v) => v > 0) ? 1 : 0);
        expect(min![p]).toBe(Math.min(...column));
        expect(max![p]).toBe(Math.max(...column));
        expect(sum![p]).toBe(column.reduce((a, b) => a + b, 0));
        expect(mean![p]).toBe(Number(sum![p]) / 60);
      }
    }
    const manifest = readManifest(single);
    expect(manifest.complete).toBe(true);
    expect(manifest.settings.semirings.map((s) => s.composite)).toEqual(['epsilon', 'epsilon']);
  });

  it('writes byte-identical shards on a pool of two threads, each job computed once', async () => {
    const pool = new WorkerPool(2);
    try {
      const summary = await explainDataset(run(pooled), poolExecutor(pool));
      expect(summary.computed).toBe(3);
    } finally {
      await pool.close();
    }
    expect(shardBytes(pooled)).toEqual(shardBytes(single));
    const computed = events(pooled).filter((e) => e.event === 'computed');
    expect(computed.map((e) => e.key).sort()).toEqual(
      readManifest(pooled)
        .jobs.map((j) => j.key)
        .sort(),
    );
    // Two threads took part: one log per thread.
    expect(readdirSync(join(pooled, 'log')).length).toBe(2);
  });

  it('resumes: a second run computes nothing, and a lost shard is all a later run computes', async () => {
    const before = events(single).length;
    const again = await explainDataset(run(single), inProcessExecutor());
    expect([again.computed, again.present]).toEqual([0, 3]);
    expect(events(single).length).toBe(before);
    const lost = readManifest(single).jobs[1]!;
    const bytes = readFileSync(join(single, lost.shard));
    unlinkSync(join(single, lost.shard));
    const resumed = await explainDataset(run(single), inProcessExecutor());
    expect([resumed.computed, resumed.present]).toEqual([1, 2]);
    expect(readFileSync(join(single, lost.shard)).equals(bytes)).toBe(true);
    const fresh = events(single).slice(before);
    expect(fresh).toEqual([
      { event: 'started', key: lost.key },
      { event: 'computed', key: lost.key, ms: expect.any(Number) },
    ]);
  });

  it('reuses the shards of a run over more of the data for a range of it', async () => {
    const summary = await explainDataset(run(single, { data: 'mnist:test[25:50]' }), inProcessExecutor());
    expect([summary.computed, summary.present]).toEqual([0, 1]);
  });

  it('reads .npy batches, IDX files and folders of them, and explains every class with --targets all', async () => {
    const { images } = loadMnist('test', { limit: 6 });
    const data = join(root, 'data');
    mkdirSync(data);
    writeNpyFile(join(data, 'a.npy'), {
      dtype: 'float32',
      shape: [4, 1, 28, 28],
      data: images.data.slice(0, 4 * 784),
    });
    const bytes = Uint8Array.from(images.data.subarray(4 * 784), (v) => Math.round(v * 255));
    writeFileAtomic(join(data, 'b-idx3-ubyte'), writeIdx({ type: 'uint8', shape: [2, 28, 28], data: bytes }));
    const source = openDataSource(data);
    expect([source.start, source.end, source.sampleShape]).toEqual([0, 6, [1, 28, 28]]);
    expect(source.read(0, 6).images).toEqual(images.data);
    expect(openDataSource(join(data, 'a.npy')).id).not.toBe(source.id);
    const out = join(root, 'all');
    await explainDataset(
      { model: MLP, data, out, options: { semirings: ['boolean'], targets: 'all' }, shardSize: 4 },
      inProcessExecutor(),
    );
    const all = readRelevance(out, 'boolean');
    expect(all.shape).toEqual([6, 10, 1, 28, 28]);
    const trace = compile(loadShippedModel('mlp')).trace(images);
    for (const c of [0, 7]) {
      const one = relevanceToArray(trace.relevance({ semiring: 'boolean', target: c })).data;
      for (let n = 0; n < 6; n++)
        expect([...all.data.subarray((n * 10 + c) * 784, (n * 10 + c + 1) * 784)]).toEqual([
          ...one.subarray(n * 784, (n + 1) * 784),
        ]);
    }
  });

  it('refuses what it cannot do, with what to do instead', async () => {
    const bad = (extra: Partial<DatasetRun>) =>
      explainDataset(run(join(root, 'bad'), extra), inProcessExecutor());
    await expect(bad({ options: { semirings: ['polynomial'], targets: 'label' } })).rejects.toThrow(
      UnsupportedError,
    );
    await expect(bad({ options: { semirings: ['polynomial'], targets: 'label' } })).rejects.toThrow(
      /explain --out R.json/,
    );
    await expect(bad({ data: 'mnist:test[50:20]' })).rejects.toThrow(
      /range \[50:20\] of mnist:test is empty/,
    );
    await expect(bad({ data: 'mnist:test[0:10001]' })).rejects.toThrow(InvalidArgumentError);
    await expect(bad({ data: join(root, 'data', 'a.npy') })).rejects.toThrow(
      /has no labels.*--targets argmax/,
    );
    await expect(bad({ options: { semirings: ['boolean', 'boolean'], targets: 'label' } })).rejects.toThrow(
      /named twice/,
    );
    // A job that fails on a thread names the job and says why.
    const pool = new WorkerPool(1);
    try {
      await expect(
        explainDataset(
          run(join(root, 'bad-layer'), { options: { ...OPTIONS, layer: 'nope' } }),
          poolExecutor(pool),
        ),
      ).rejects.toThrow(JobError);
    } finally {
      await pool.close();
    }
  });
});

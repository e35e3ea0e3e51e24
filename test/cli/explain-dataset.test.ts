import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SHIPPED_MODELS, SHIPPED_MODELS_DIR } from '../../src/nn/zoo/index.js';

const root = mkdtempSync(join(tmpdir(), 'provlrp-cli-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const MLP = `${SHIPPED_MODELS_DIR}${SHIPPED_MODELS.mlp.file}`;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('provlrp explain-dataset and worker', () => {
  it('offer their options in --help', async () => {
    const help = await run('explain-dataset', '--help');
    expect(help.code).toBe(0);
    for (const flag of [
      '--data',
      '--out',
      '--semiring',
      '--targets',
      '--reduce',
      '--workers',
      '--queue',
      '--shard-size',
    ])
      expect(help.out).toContain(flag);
    const worker = await run('worker', '--help');
    expect(worker.out).toMatch(/--lock-seconds/);
  });

  it('explains a range of MNIST on worker threads, then resumes computing nothing', async () => {
    const out = join(root, 'run');
    const argv = [
      'explain-dataset',
      MLP,
      '--data',
      'mnist:test[0:40]',
      '--out',
      out,
      '--semiring',
      'boolean',
      '--shard-size',
      '20',
      '--workers',
      '2',
      '--reduce',
      'or',
    ];
    const first = await run(...argv);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/explained 40 samples in boolean: 2 shards \(2 computed, 0 present\)/);
    expect(first.out).toMatch(/reduction: .*reductions\/boolean\.or\.npy/);
    expect(first.err).toMatch(/explain-dataset: done in/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { complete: boolean };
    expect(manifest.complete).toBe(true);
    const again = await run(...argv);
    expect(again.out).toMatch(/2 shards \(0 computed, 2 present\)/);
  });

  it('refuses bad options in one line with a non-zero code', async () => {
    const base = ['explain-dataset', MLP, '--data', 'mnist:test[0:10]', '--out', join(root, 'bad')];
    const cases: [string[], RegExp][] = [
      [['--targets', 'some'], /--targets: "some" is not one of label, argmax, all/],
      [['--reduce', 'median'], /--reduce: "median" is not one of mean, sum, and, or, min, max/],
      [['--workers', '0'], /--workers: "0" is not a whole number ≥ 1/],
      [['--shard-size', '1.5'], /--shard-size: "1.5" is not a whole number ≥ 1/],
      [['--workers', '2', '--queue', 'redis://127.0.0.1:1'], /give --workers or --queue, not both/],
      [['--queue', 'http://x'], /"http:\/\/x" is not a Redis URL/],
      [['--semiring', 'nope'], /semiring "nope" not found/],
    ];
    for (const [extra, message] of cases) {
      const r = await run(...base, ...extra);
      expect(r.code, extra.join(' ')).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n').at(-1)).toMatch(message);
    }
    const worker = await run('worker', '--queue', 'redis://127.0.0.1:1', '--lock-seconds', '0');
    expect(worker.err).toMatch(/--lock-seconds: "0" is not a whole number ≥ 1/);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readNpyFile, writeNpyFile } from '../../src/core/npy.js';
import { loadMnist, SHIPPED_MODELS_DIR } from '../../src/nn/index.js';

const dir = mkdtempSync(join(tmpdir(), 'provlrp-formulas-'));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const { images } = loadMnist('test', { limit: 3 });
const input = join(dir, 'x.npy');
writeNpyFile(input, { dtype: 'float32', shape: [...images.shape], data: images.data as Float32Array });
const modelPath = (name: string) => join(SHIPPED_MODELS_DIR, `mnist-${name}.provlrp`);

/** Runs explain on a shipped model and returns the bytes written. */
async function explainBytes(model: string, out: string, ...flags: string[]): Promise<Buffer> {
  const path = join(dir, out);
  const r = await run('explain', modelPath(model), '--input', input, '--out', path, ...flags);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return readFileSync(path);
}

const values = (bytes: Buffer, name: string): number[] => {
  const path = join(dir, `${name}.npy`);
  writeFileSync(path, bytes);
  return Array.from(readNpyFile(path).data as Float64Array);
};

const MAX_TIMES = {
  name: 'max_times',
  zero: '0',
  one: '1',
  plus: 'max(a, b)',
  times: 'a * b',
  carrier: { min: 0, max: 1 },
  flags: { commutative: true, idempotent: true },
};

describe('provlrp explain with formulas', () => {
  for (const model of ['mlp', 'cnn'])
    it(`${model}: --annotate 'expr:d >= 1e-9' writes the same bytes as threshold:1e-9 in 𝔹`, async () => {
      const built = await explainBytes(
        model,
        `${model}-t.npy`,
        '--semiring',
        'boolean',
        '--annotate',
        'threshold:1e-9',
      );
      const formula = await explainBytes(
        model,
        `${model}-e.npy`,
        '--semiring',
        'boolean',
        '--annotate',
        'expr:d >= 1e-9',
      );
      expect(formula.equals(built)).toBe(true);
      expect(built.length).toBeGreaterThan(3 * 784);
    });

  it("mlp: --annotate 'expr:abs(d) / colmax' matches --annotate viterbi within 1e-12", async () => {
    const built = values(
      await explainBytes('mlp', 'v.npy', '--semiring', 'viterbi', '--annotate', 'viterbi'),
      'v',
    );
    const formula = values(
      await explainBytes('mlp', 'vf.npy', '--semiring', 'viterbi', '--annotate', 'expr:abs(d) / colmax'),
      'vf',
    );
    expect(formula).toHaveLength(built.length);
    expect(Math.max(...formula.map((v, i) => Math.abs(v - built[i]!)))).toBeLessThanOrEqual(1e-12);
    expect(Math.max(...built)).toBeGreaterThan(0);
  });

  it('a semiring file for max-times over [0, 1] with that annotation matches viterbi within 1e-12', async () => {
    const file = join(dir, 'max-times.json');
    writeFileSync(file, JSON.stringify(MAX_TIMES));
    const built = values(await explainBytes('mlp', 'v2.npy', '--semiring', 'viterbi'), 'v2');
    const mine = values(
      await explainBytes('mlp', 'm.npy', '--semiring-file', file, '--annotate', 'expr:abs(d) / colmax'),
      'm',
    );
    expect(mine).toHaveLength(built.length);
    expect(Math.max(...mine.map((v, i) => Math.abs(v - built[i]!)))).toBeLessThanOrEqual(1e-12);
  });

  it('refuses a semiring file with plus: a - b, naming the law and a counterexample', async () => {
    const file = join(dir, 'minus.json');
    writeFileSync(
      file,
      JSON.stringify({ ...MAX_TIMES, name: 'minus_times', plus: 'a - b', carrier: 'reals' }),
    );
    const r = await run(
      'explain',
      modelPath('mlp'),
      '--input',
      input,
      '--out',
      join(dir, 'never.npy'),
      '--semiring-file',
      file,
      '--annotate',
      'expr:abs(d) / colmax',
    );
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/semiring "minus_times" breaks .*plus is commutative: on \(\S+, \S+\) one side is/);
  });

  it('says in one line what is wrong with a formula, a semiring file or the options', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "name": ');
    const cases: [string[], RegExp][] = [
      [
        ['--semiring', 'boolean', '--annotate', 'expr:d >= import(1)'],
        /function "import" is not allowed.* at character 6 /,
      ],
      [['--semiring', 'boolean', '--annotate', 'expr:d.constructor'], /property access .* at character 2/],
      [['--semiring', 'viterbi', '--semiring-file', broken], /not both/],
      [['--semiring-file', broken], /semiring JSON/],
      [['--semiring-file', join(dir, 'missing.json')], /semiring file .* not found/],
    ];
    for (const [flags, message] of cases) {
      const r = await run(
        'explain',
        modelPath('mlp'),
        '--input',
        input,
        '--out',
        join(dir, 'never.npy'),
        ...flags,
      );
      expect(r.code).not.toBe(0);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
  });
});

/**
 * The command line under fuzzing: argument vectors built from the options and their plausible
 * and hostile values, over every kind of model, input and output path, run in-process (so a few
 * hundred runs stay fast), and a few through the real launcher. Whatever the arguments: no stack
 * trace, no hang, a non-zero exit leaves no output file (and no temporary one), and exit code 0
 * only with an output whose every number is finite (+∞ only where tropical means "no path").
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readNpyFile, writeNpyFile } from '../../src/core/npy.js';
import { COMPOSITE_NAMES } from '../../src/nn/lrp/index.js';
import { SEMIRING_NAMES } from '../../src/semirings/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'provlrp-fuzz-'));
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const npy = (name: string, array: Parameters<typeof writeNpyFile>[1]): string => {
  const path = join(dir, name);
  writeNpyFile(path, array);
  return path;
};
const folder = join(dir, 'folder');
mkdirSync(folder);
const plain = file('plain.txt', 'not a model\n');

const MODELS = [
  `${ROOT}models/mnist-mlp.provlrp`,
  `${ROOT}models/mnist-mlp.provlrp`,
  `${ROOT}models/mnist-cnn.provlrp`,
  join(dir, 'missing.onnx'),
  folder,
  file('garbage.onnx', Uint8Array.of(8, 1, 0x12, 0xff, 0xff)),
  file('garbage.provlrp', Uint8Array.of(0x93, 1, 2)),
  plain,
];
const pixels = (fill: (i: number) => number) => Float32Array.from({ length: 784 }, (_, i) => fill(i));
const INPUTS = [
  npy('x.npy', { dtype: 'float32', shape: [1, 1, 28, 28], data: pixels((i) => (i % 7) / 7) }),
  npy('x2.npy', {
    dtype: 'float32',
    shape: [2, 1, 28, 28],
    data: Float32Array.from({ length: 1568 }, (_, i) => (i % 5) / 5),
  }),
  npy('huge64.npy', { dtype: 'float64', shape: [1, 1, 28, 28], data: new Float64Array(784).fill(1e300) }),
  npy('huge32.npy', { dtype: 'float32', shape: [1, 1, 28, 28], data: pixels(() => 3.4e38) }),
  npy('shape.npy', { dtype: 'float32', shape: [1, 784], data: pixels(() => 0.5) }),
  npy('bytes.npy', { dtype: 'uint8', shape: [1, 1, 28, 28], data: new Uint8Array(784) }),
  join(dir, 'missing.npy'),
  folder,
  plain,
  file('empty.npy', ''),
];
const SEMIRING_FILES = [
  file('s-list.json', '[]'),
  file('s-null.json', 'null'),
  file('s-empty.json', '{}'),
  file('s-broken.json', '{"plus": "a +'),
  file(
    's-maxplus.json',
    JSON.stringify({ name: 'mine', zero: '-Infinity', one: '0', plus: 'max(a, b)', times: 'a + b' }),
  ),
  folder,
  join(dir, 'missing-semiring.json'),
];
const ANNOTATION_FILES = [
  file('a-list.json', '[]'),
  file('a-numbers.json', '[1,2,3]'),
  file('a-null.json', 'null'),
  file('a-good.json', JSON.stringify({ default: 0.01, layers: { '3': 0.02 } })),
  file('a-typo.json', JSON.stringify({ default: 0.01, layers: { desne: 0.5 } })),
  file('a-broken.json', '{"default": '),
];
const TARGET_FILES = [
  file(
    't64.npy',
    Buffer.concat([
      npyHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }"),
      Buffer.from(BigInt64Array.of(3n).buffer),
    ]),
  ),
  npy('tf.npy', { dtype: 'float32', shape: [1], data: Float32Array.of(2.5) }),
  npy('t2.npy', { dtype: 'float64', shape: [2], data: Float64Array.of(1, 7) }),
  plain,
];
function npyHeader(dict: string): Buffer {
  const text = `${dict}${' '.repeat(117 - dict.length)}\n`;
  return Buffer.concat([
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]),
    Buffer.from(text, 'latin1'),
  ]);
}

/** Output paths: each run gets fresh names, so "no output after a failure" can be checked. */
type OutKind =
  | 'npy'
  | 'json'
  | 'missing-folder'
  | 'under-a-file'
  | 'a-folder'
  | 'device'
  | 'no-permission'
  | 'empty'
  | 'trailing-slash';
let runs = 0;
function outPath(kind: OutKind): string {
  const n = ++runs;
  switch (kind) {
    case 'npy':
      return join(dir, `out-${n}.npy`);
    case 'json':
      return join(dir, `out-${n}.json`);
    case 'missing-folder':
      return join(dir, `nowhere-${n}`, 'r.npy');
    case 'under-a-file':
      return join(plain, `r-${n}.npy`);
    case 'a-folder':
      return folder;
    case 'device':
      return '/dev/full';
    case 'no-permission':
      return `/sys/r-${n}.npy`;
    case 'empty':
      return '';
    case 'trailing-slash':
      return join(dir, `slash-${n}.npy/`);
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

const number = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '0.5',
    '1e-9',
    '0x10',
    '1e400',
    'NaN',
    'Infinity',
    '',
    ' ',
    'abc',
    '+2',
    '.5',
    '1_0',
  ),
  fc.double({ noNaN: true }).map(String),
);
const annotation = fc.oneof(
  fc.constantFrom(
    'identity',
    'viterbi',
    'neglog',
    'token',
    'report_boolean',
    'report_counting',
    'nope',
    'threshold:',
    'threshold:-1',
  ),
  fc
    .tuple(fc.constantFrom('threshold', 'abs_threshold', 'quantile', 'top_k'), number)
    .map(([a, b]) => `${a}:${b}`),
  fc.constantFrom(...ANNOTATION_FILES, join(dir, 'missing.json')),
);
const semiring = fc.constantFrom(...SEMIRING_NAMES, 'nope', 'Real', '');
const option: fc.Arbitrary<string[]> = fc.oneof(
  semiring.map((s) => ['--semiring', s]),
  annotation.map((a) => ['--annotate', a]),
  fc.constantFrom('3', '0', '0x3', '-1', '1e3', '99', 'argmax', '', '2.5').map((t) => ['--target', t]),
  fc.constantFrom(...TARGET_FILES).map((t) => ['--targets', t]),
  fc.constantFrom(...SEMIRING_FILES).map((f) => ['--semiring-file', f]),
  number.map((v) => ['--low', v]),
  number.map((v) => ['--high', v]),
  fc.constantFrom(...COMPOSITE_NAMES, 'nope').map((c) => ['--composite', c]),
  fc.constantFrom('float32', 'float64', 'int8').map((d) => ['--dtype', d]),
  fc.constantFrom('1', '3', 'nope', '').map((l) => ['--layer', l]),
  fc.constantFrom('onehot', 'logit', 'x').map((o) => ['--output-relevance', o]),
  fc.constantFrom<string[]>(['--foo'], ['--help'], ['-h'], ['--input']),
);
/** Options that mostly make sense, so that many runs get as far as writing relevance. */
const plausible: fc.Arbitrary<string[]> = fc.oneof(
  fc.constantFrom(...SEMIRING_NAMES).map((s) => ['--semiring', s]),
  fc
    .constantFrom(
      'identity',
      'viterbi',
      'threshold:0.01',
      'threshold:-1',
      'abs_threshold:0.1',
      'quantile:0.9',
      'top_k:5',
      ANNOTATION_FILES[3]!,
    )
    .map((a) => ['--annotate', a]),
  fc.constantFrom('0', '3', '9').map((t) => ['--target', t]),
  fc.constantFrom(...COMPOSITE_NAMES).map((c) => ['--composite', c]),
  fc.constantFrom('float32', 'float64').map((d) => ['--dtype', d]),
  fc.constantFrom('1', '3').map((l) => ['--layer', l]),
  fc.constantFrom('onehot', 'logit').map((o) => ['--output-relevance', o]),
);
const OUT_KINDS: OutKind[] = [
  'npy',
  'npy',
  'json',
  'json',
  'missing-folder',
  'under-a-file',
  'a-folder',
  'device',
  'no-permission',
  'empty',
  'trailing-slash',
];
/** Mostly good models and inputs (so runs get as far as relevance), every bad kind now and then. */
const weighted = (good: string, goodWeight: number, others: readonly string[]) =>
  fc.oneof(
    { arbitrary: fc.constant(good), weight: goodWeight },
    { arbitrary: fc.constantFrom(...others), weight: 2 },
  );
const explainArgs = fc.record({
  model: fc.oneof(
    { arbitrary: weighted(MODELS[0]!, 6, MODELS.slice(3)), weight: 4 },
    { arbitrary: fc.constant(MODELS[2]!), weight: 1 },
  ),
  input: fc.option(weighted(INPUTS[0]!, 6, INPUTS.slice(1)), { nil: undefined, freq: 10 }),
  out: fc.constantFrom(...OUT_KINDS),
  options: fc.oneof(
    { arbitrary: fc.array(option, { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.array(plausible, { maxLength: 3 }), weight: 2 },
  ),
});

interface Outcome {
  readonly code: number;
  readonly err: string;
  readonly seconds: number;
}

async function run(argv: string[]): Promise<Outcome> {
  let err = '';
  const start = performance.now();
  const code = await main(argv, { out: () => {}, err: (t) => (err += t) });
  return { code, err, seconds: (performance.now() - start) / 1000 };
}

/** Exit 0 means a complete output whose every number is finite (or tropical's +∞). */
function expectFiniteOutput(path: string, tropical: boolean): void {
  expect(existsSync(path), `${path} was not written`).toBe(true);
  const values: unknown[] = path.endsWith('.json')
    ? (JSON.parse(readFileSync(path, 'utf8')) as { values: unknown[] }).values
    : Array.from(readNpyFile(path).data as ArrayLike<number>);
  for (const v of values) {
    expect(v, 'a JSON null is a NaN or ±∞ written by JSON.stringify').not.toBeNull();
    if (typeof v === 'number')
      expect(Number.isFinite(v) || (tropical && v === Number.POSITIVE_INFINITY), String(v)).toBe(true);
  }
}

function expectNothingLeft(path: string): void {
  if (path !== '' && !path.startsWith('/dev/') && path !== folder && !path.endsWith('/'))
    expect(existsSync(path)).toBe(false);
  const parent = path.endsWith('/') ? dirname(path.slice(0, -1)) : dirname(path);
  if (existsSync(parent) && statSync(parent).isDirectory() && parent.startsWith(dir))
    expect(readdirSync(parent).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

function expectNoStack(outcome: Outcome): void {
  expect(outcome.err).not.toMatch(/\n\s+at /);
  expect(outcome.err).not.toMatch(/TypeError|ReferenceError|RangeError|EISDIR|ENOENT:|EPIPE:/);
  // provlrp's own refusals are one line (after any progress lines of a long run).
  if (outcome.code === 1 && outcome.err.startsWith('provlrp: '))
    for (const line of outcome.err.trimEnd().split('\n')) expect(line).toMatch(/^provlrp: /);
}

describe('provlrp under fuzzing', () => {
  it('explain: no stack, no hang, no output after a failure, only finite output after success', async () => {
    const tally = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(explainArgs, async ({ model, input, out, options }) => {
        const path = outPath(out);
        const argv = [
          'explain',
          model,
          ...(input ? ['--input', input] : []),
          '--out',
          path,
          ...options.flat(),
        ];
        const outcome = await run(argv);
        tally.set(outcome.code, (tally.get(outcome.code) ?? 0) + 1);
        expectNoStack(outcome);
        expect(outcome.seconds, argv.join(' ')).toBeLessThan(30);
        const asksHelp = options.some((o) => o[0] === '--help' || o[0] === '-h');
        if (outcome.code === 0 && !asksHelp) {
          const semirings = options.filter((o) => o[0] === '--semiring').map((o) => o[1]);
          expectFiniteOutput(path, semirings.at(-1) === 'tropical');
        } else if (outcome.code !== 0) expectNothingLeft(path);
      }),
      { seed: 0xf022, numRuns: 300 },
    );
    // The vectors reach both sides: real explanations written, and refusals.
    expect(tally.get(0) ?? 0).toBeGreaterThan(40);
    expect(tally.get(1) ?? 0).toBeGreaterThan(40);
  }, 600_000);

  it('any argument vector: no stack and no hang', async () => {
    const token = fc.oneof(
      fc.constantFrom(
        'explain',
        'semirings',
        '--help',
        '--version',
        '--out',
        '--input',
        '--semiring',
        '--digits',
        '-x',
        '--',
        '-1',
      ),
      fc.constantFrom(...MODELS, ...INPUTS, folder, '/proc/x', '/dev/null'),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 8 }), async (argv) => {
        // `demo` with a writable folder is a minute of honest work, not a hang: it is fuzzed below.
        fc.pre(argv[0] !== 'demo');
        const outcome = await run(argv);
        expectNoStack(outcome);
        expect(outcome.seconds, argv.join(' ')).toBeLessThan(30);
      }),
      { seed: 0xa29, numRuns: 200 },
    );
  }, 600_000);

  it('demo: every output path it cannot write is refused at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<OutKind>('missing-folder', 'under-a-file', 'device', 'no-permission'),
        fc.constantFrom('5', '0', 'x', '1e1', '101'),
        async (kind, digits) => {
          const path = kind === 'missing-folder' ? `/proc/provlrp-${++runs}` : dirname(outPath(kind));
          const target = kind === 'device' ? '/dev/full' : path;
          const outcome = await run(['demo', '--out', target, '--digits', digits]);
          expectNoStack(outcome);
          expect(outcome.code).not.toBe(0);
          expect(outcome.seconds).toBeLessThan(10);
        },
      ),
      { seed: 0xde30, numRuns: 20 },
    );
  });

  it('the real launcher: one line, a non-zero exit, no stack', () => {
    const cases = [
      ['explain', folder, '--input', INPUTS[0]!, '--out', join(dir, 'real.npy')],
      ['explain', MODELS[0]!, '--input', INPUTS[2]!, '--out', join(dir, 'real.npy')],
      ['explain', MODELS[0]!, '--input', INPUTS[0]!, '--out', join(dir, 'nowhere', 'real.json')],
      ['explain', MODELS[0]!, '--input', INPUTS[0]!, '--out', join(dir, 'real.npy'), '--target', '0x3'],
      ['demo', '--out', '/proc/x'],
    ];
    for (const argv of cases) {
      const r = spawnSync('node', [`${ROOT}bin/provlrp.js`, ...argv], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, argv.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^provlrp: [^\n]+\n$/);
      expect(existsSync(join(dir, 'real.npy'))).toBe(false);
    }
  }, 120_000);
});

/**
 * Bad input, bad output paths and overflow, from the command line and the API: each gives one
 * typed error in one line with a non-zero exit code, and leaves no output file behind.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { compile, type EvaluationProgress, withProgress } from '../../src/circuits/index.js';
import { main } from '../../src/cli/main.js';
import {
  FileSystemError,
  FormatError,
  InvalidArgumentError,
  LimitError,
  NotFoundError,
  OverflowError,
  type ProvlrpError,
} from '../../src/core/errors.js';
import { readNpyFile, writeNpyFile } from '../../src/core/npy.js';
import { loadMnist } from '../../src/nn/datasets/index.js';
import { loadShippedModel } from '../../src/nn/zoo/index.js';
import { counting, defineSemiring, rationalSemiring } from '../../src/semirings/index.js';

const dir = mkdtempSync(join(tmpdir(), 'provlrp-input-errors-'));
const ROOT = new URL('../../', import.meta.url).pathname;
const MLP = `${ROOT}models/mnist-mlp.provlrp`;
const CNN = `${ROOT}models/mnist-cnn.provlrp`;
const VGG = `${ROOT}test/fixtures/vgg16-slim/vgg16-slim.onnx`;

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly error?: ProvlrpError;
}

async function run(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let error: ProvlrpError | undefined;
  const code = await main(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    failed: (e) => (error = e),
  });
  return { code, out, err, ...(error ? { error } : {}) };
}

/** The run failed with `kind`, in one line matching `message`, and wrote nothing at `out`. */
function expectRefused(r: Run, kind: new (...args: never[]) => ProvlrpError, message: RegExp, out?: string) {
  expect(r.code, r.err).toBe(1);
  expect(r.error).toBeInstanceOf(kind);
  // One line for the error, after any progress lines a long run printed on its way.
  const lines = r.err.split('\n');
  expect(lines.pop()).toBe('');
  const error = lines.pop()!;
  for (const line of lines)
    expect(line).toMatch(/^provlrp: \w+ relevance: [\d,]+ operations, values up to [\d,]+ digits, \d+ s$/);
  expect(error).toMatch(/^provlrp: /);
  expect(error).toMatch(message);
  if (out !== undefined) expectNoOutput(out);
}

/** Neither the file nor a temporary file of its name is left. */
function expectNoOutput(path: string): void {
  expect(existsSync(path)).toBe(false);
  if (existsSync(dirname(path)))
    expect(readdirSync(dirname(path)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

function npy(name: string, data: Float32Array | Float64Array, shape: number[]): string {
  const path = join(dir, name);
  if (data instanceof Float64Array) writeNpyFile(path, { dtype: 'float64', shape, data });
  else writeNpyFile(path, { dtype: 'float32', shape, data });
  return path;
}

const digit = loadMnist('test', { limit: 1 }).images;
const X = npy('x.npy', Float32Array.from(digit.data), [1, 1, 28, 28]);
const target = (name: string) => join(dir, name);

describe('1. symbolic size is predicted before anything symbolic is built', () => {
  it('refuses ℕ[X] relevance of VGG-16-slim on one 224×224 image with a LimitError', async () => {
    const bytes = readFileSync(`${ROOT}test/fixtures/vgg16-slim/vgg16-slim.input.bin`);
    const image = new Float32Array(bytes.buffer, bytes.byteOffset, 3 * 224 * 224).slice();
    const x = npy('vgg.npy', image, [1, 3, 224, 224]);
    const out = target('vgg.json');
    const start = performance.now();
    const r = await run('explain', VGG, '--input', x, '--out', out, '--semiring', 'polynomial');
    expectRefused(
      r,
      LimitError,
      /relevance in polynomial: result would have up to \S+ elements, over the limit/,
      out,
    );
    // The whole command (import, forward pass, prediction) with a wide margin, not a benchmark.
    expect(performance.now() - start).toBeLessThan(10_000);
  }, 30_000);

  it('refuses it on the MLP and the CNN', async () => {
    for (const model of [MLP, CNN]) {
      const out = target('poly.json');
      const r = await run('explain', model, '--input', X, '--out', out, '--semiring', 'polynomial');
      expectRefused(r, LimitError, /over the limit of 1000000/, out);
    }
  });
});

describe('2. overflow stops with the first layer that overflowed', () => {
  const huge64 = npy('huge64.npy', new Float64Array(784).fill(1e300), [1, 1, 28, 28]);
  const huge32 = npy('huge32.npy', new Float32Array(784).fill(3.4e38), [1, 1, 28, 28]);

  it('refuses a float64 input of 1e300 that float32 cannot hold, in every semiring', async () => {
    for (const semiring of [
      [],
      ['--semiring', 'boolean'],
      ['--semiring', 'counting'],
      ['--semiring', 'viterbi'],
      ['--semiring', 'tropical'],
    ]) {
      const out = target('overflow.npy');
      const r = await run('explain', MLP, '--input', huge64, '--out', out, ...semiring);
      expectRefused(
        r,
        OverflowError,
        /^provlrp: forward: the input "[^"]+" overflowed float32 \(element 0 is Infinity\); compute in float64 \(--dtype float64/,
        out,
      );
    }
  });

  it('names the first layer a float32 input of 3.4e38 overflows', async () => {
    const out = target('overflow.npy');
    const r = await run('explain', MLP, '--input', huge32, '--out', out, '--semiring', 'real');
    expectRefused(r, OverflowError, /forward: layer "1" \(dense\) overflowed float32 .*--dtype float64/, out);
    expect((r.error as OverflowError).layer).toBe('1');
  });

  it('computes it in float64 with finite relevance when asked to', async () => {
    const out = target('finite.npy');
    const r = await run('explain', MLP, '--input', huge32, '--out', out, '--dtype', 'float64');
    expect(r.code, r.err).toBe(0);
    expect(Array.from(readNpyFile(out).data as Float64Array).every(Number.isFinite)).toBe(true);
  });
});

describe('3. native model files are validated as strictly as ONNX', () => {
  const packr = new Packr({ moreTypes: true, useRecords: false });
  const cnn = packr.unpack(readFileSync(CNN));
  const write = (name: string, document: unknown): string => {
    const path = target(name);
    writeFileSync(path, packr.pack(document));
    return path;
  };

  it('refuses NaN and ∞ parameters', async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const nodes = structuredClone(cnn.nodes);
      nodes[0].params.weight.data[5] = value;
      const r = await run(
        'explain',
        write('bad.provlrp', { ...cnn, nodes }),
        '--input',
        X,
        '--out',
        target('r.npy'),
      );
      expectRefused(
        r,
        FormatError,
        new RegExp(`node 0\\.weight element 5 is ${value}; parameters must be finite`),
        target('r.npy'),
      );
    }
  });

  it('refuses ceilMode: 1 where a boolean is expected', async () => {
    const nodes = structuredClone(cnn.nodes);
    const pool = nodes.findIndex((n: { op: string }) => n.op === 'max_pool');
    nodes[pool].attributes.ceilMode = 1;
    const r = await run(
      'explain',
      write('ceil.provlrp', { ...cnn, nodes }),
      '--input',
      X,
      '--out',
      target('r.npy'),
    );
    expectRefused(r, FormatError, /attributes\.ceilMode is 1, not a boolean/, target('r.npy'));
  });

  it('refuses a misspelt layer name in a per-layer annotation file even with a default', async () => {
    const spec = target('layers.json');
    writeFileSync(spec, JSON.stringify({ default: 0.01, layers: { '3': 0.02, desne: 0.5 } }));
    const out = target('r.npy');
    const r = await run(
      'explain',
      MLP,
      '--input',
      X,
      '--out',
      out,
      '--semiring',
      'boolean',
      '--annotate',
      spec,
    );
    expectRefused(r, NotFoundError, /layer "desne" not found; known layers: 0, 1, 2, 3, 4, 5/, out);
  });
});

describe('4. output and input paths', () => {
  const file = target('a-file');
  writeFileSync(file, 'x');
  const folder = target('a-folder');
  mkdirSync(folder, { recursive: true });

  it('refuses bad output paths of the .npy and .json writers in one line, leaving nothing', async () => {
    const cases: [string, RegExp][] = [
      [join(dir, 'missing', 'r.npy'), /write \S+missing\/r\.npy: a folder on the path does not exist/],
      [join(dir, 'missing', 'r.json'), /a folder on the path does not exist/],
      [join(file, 'r.npy'), /a part of the path is a file where a folder is needed/],
      [folder, /write \S+a-folder: it is a folder; give the path of a file/],
      ['/sys/r.npy', /write \/sys\/r\.npy: permission denied|not permitted|read-only/],
      ['/dev/full', /write \/dev\/full: it is not a regular file/],
    ];
    for (const [out, message] of cases) {
      const r = await run('explain', MLP, '--input', X, '--out', out);
      expectRefused(r, FileSystemError, message);
      if (out !== folder && out !== '/dev/full') expect(existsSync(out)).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a folder given as the model or as --input', async () => {
    expectRefused(
      await run('explain', folder, '--input', X, '--out', target('r.npy')),
      FileSystemError,
      /read \S+a-folder: it is a folder; give the path of a model file/,
    );
    expectRefused(
      await run('explain', MLP, '--input', folder, '--out', target('r.npy')),
      FileSystemError,
      /read \S+a-folder: it is a folder/,
    );
  });

  it('refuses demo --out under /proc at once, and a file in the way', async () => {
    const start = performance.now();
    expectRefused(await run('demo', '--out', '/proc/x'), FileSystemError, /create the folder \/proc\/x: /);
    expect(performance.now() - start).toBeLessThan(5_000);
    expectRefused(
      await run('demo', '--out', file),
      FileSystemError,
      /create the folder \S+a-file: a file of that name is in the way/,
    );
  });

  it('ends `provlrp semirings | head` with one line instead of an EPIPE stack', () => {
    // Real pipes whose reader is gone before the table is written (`head -c 1`, `true`).
    const once = (reader: string) =>
      `node ${ROOT}bin/provlrp.js semirings | ${reader} >/dev/null; echo "exit=\${PIPESTATUS[0]}"`;
    const script = Array.from({ length: 3 }, () => `${once('head -c 1')}; ${once('true')}`).join('; ');
    const shown = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    const lines = shown.stderr.split('\n').filter((l) => l !== '');
    expect(shown.stderr).not.toMatch(/ at |Error|node:events/);
    expect(lines.length).toBeGreaterThan(0); // the broken pipe was hit
    for (const line of lines)
      expect(line).toBe('provlrp: the output was closed before all of it was written (EPIPE)');
    const codes = shown.stdout.trim().split('\n');
    expect(codes).toHaveLength(6);
    expect(codes.filter((c) => c === 'exit=1')).toHaveLength(lines.length);
    expect(codes.every((c) => c === 'exit=0' || c === 'exit=1')).toBe(true);
  });
});

describe('5. user-supplied annotations and semirings are checked where they enter', () => {
  it('refuses --annotate files holding [], [1,2,3] or null', async () => {
    for (const content of ['[]', '[1,2,3]', 'null']) {
      const spec = target('annotate.json');
      writeFileSync(spec, content);
      const out = target('r.npy');
      const r = await run(
        'explain',
        MLP,
        '--input',
        X,
        '--out',
        out,
        '--semiring',
        'boolean',
        '--annotate',
        spec,
      );
      expectRefused(
        r,
        InvalidArgumentError,
        /relevance annotate: (an array|null) is not an annotation; give a name such as threshold:1e-9/,
        out,
      );
    }
  });

  const model = loadShippedModel('mlp');
  const trace = compile(model).trace(digit);

  it('refuses annotate: [] and annotate: null from the API', () => {
    for (const annotate of [[], null]) {
      const call = () => trace.relevance({ semiring: 'boolean', annotate: annotate as never });
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(/is not an annotation/);
    }
  });

  it('refuses user annotation values outside the semiring, naming the value and the edge', () => {
    const cases: [unknown, RegExp][] = [
      [-1, /returned -1 for the edge \(\d+ → \d+\) of layer "\d", d = \S+, which is not a value of counting/],
      ['abc', /returned "abc" for the edge .* which is not a number like the semiring's zero/],
      [Number.NaN, /returned NaN for the edge .* which is not a number/],
    ];
    for (const [value, message] of cases) {
      const call = () =>
        trace.relevance({ semiring: counting, annotate: { name: 'mine', map: () => value as number } });
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
  });

  it('refuses semiring objects without their operations, and semiring: {}', () => {
    const full = defineSemiring<number>({
      name: 'mine',
      zero: 0,
      one: 1,
      plus: (a, b) => a + b,
      times: (a, b) => a * b,
      equals: (a, b) => a === b,
    });
    const { plus: _p, ...noPlus } = full;
    const { equals: _e, ...noEquals } = full;
    const cases: [unknown, RegExp][] = [
      [noPlus, /relevance semiring: the semiring object lacks plus; build one with defineSemiring/],
      [noEquals, /lacks equals/],
      [{}, /lacks name, zero, one, plus, times, equals/],
    ];
    for (const [semiring, message] of cases) {
      const call = () =>
        trace.relevance({ semiring: semiring as never, annotate: { name: 'one', map: () => 1 } });
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
  });
});

describe('7. numbers are decimal and the box is not empty', () => {
  it('refuses threshold:0x10, --target 0x3 and --low 1 --high 0', async () => {
    const out = target('r.npy');
    const cases: [string[], RegExp][] = [
      [
        ['--semiring', 'boolean', '--annotate', 'threshold:0x10'],
        /annotation: "threshold:0x10" needs one number \(decimal/,
      ],
      [['--target', '0x3'], /explain --target: "0x3" is not a finite number in decimal notation/],
      [
        ['--low', '1', '--high', '0'],
        /explain --low\/--high: the lower bound 1 is not below the upper bound 0/,
      ],
    ];
    for (const [flags, message] of cases)
      expectRefused(
        await run('explain', MLP, '--input', X, '--out', out, ...flags),
        InvalidArgumentError,
        message,
        out,
      );
  });

  it('keeps threshold:-1 as documented: signed d ≥ −1 keeps more edges than d ≥ 0', () => {
    const trace = compile(loadShippedModel('mlp')).trace(digit);
    const count = (annotate: string) =>
      (trace.relevance({ semiring: 'counting', annotate }).values as number[]).reduce((a, b) => a + b, 0);
    expect(count('threshold:-1')).toBeGreaterThan(count('threshold:0'));
  });
});

describe('8. targets and descriptors as numpy writes them', () => {
  it('accepts int64 targets (np.save of np.array([3, 1])) and an =f4 input', async () => {
    // The bytes numpy writes, built by hand: '<i8' targets and a native-order '=f4' input.
    const header = (dict: string) => {
      const text = `${dict}${' '.repeat(117 - dict.length)}\n`;
      return Buffer.concat([
        Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]),
        Buffer.from(text, 'latin1'),
      ]);
    };
    const targets = target('t.npy');
    writeFileSync(
      targets,
      Buffer.concat([
        header("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }"),
        Buffer.from(BigInt64Array.of(3n, 1n).buffer),
      ]),
    );
    const input = target('x2.npy');
    const two = new Float32Array(2 * 784);
    two.set(digit.data as Float32Array);
    two.set(digit.data as Float32Array, 784);
    writeFileSync(
      input,
      Buffer.concat([
        header("{'descr': '=f4', 'fortran_order': False, 'shape': (2, 1, 28, 28), }"),
        Buffer.from(two.buffer),
      ]),
    );
    const out = target('by-targets.npy');
    const r = await run('explain', MLP, '--input', input, '--targets', targets, '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(readNpyFile(out).shape).toEqual([2, 1, 28, 28]);
  });
});

describe('the installed command', () => {
  it('prints one line and exits 1 on bad input, without a stack', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(
        'node',
        [`${ROOT}bin/provlrp.js`, 'explain', dir, '--input', X, '--out', target('r.npy')],
        { encoding: 'utf8', stdio: 'pipe' },
      );
    } catch (error) {
      status = (error as { status: number }).status;
      stderr = (error as { stderr: string }).stderr;
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(/^provlrp: read \S+: it is a folder; give the path of a model file\n$/);
  });
});

describe('6. exact rational relevance is bounded, and long runs show progress', () => {
  it('runs --semiring rational --annotate identity on the MLP to the end, in bounded time', async () => {
    const out = target('rational.json');
    const start = performance.now();
    const r = await run(
      'explain',
      MLP,
      '--input',
      X,
      '--out',
      out,
      '--semiring',
      'rational',
      '--annotate',
      'identity',
    );
    expect(r.code, r.err).toBe(0);
    expect(performance.now() - start).toBeLessThan(60_000);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { semiring: string; values: string[] };
    expect(written.semiring).toBe('rational');
    expect(written.values).toHaveLength(784);
    expect(written.values.every((v) => /^-?\d+(\/\d+)?$/.test(v))).toBe(true);
  }, 120_000);

  it('refuses fractions over the bit limit with a LimitError', () => {
    const trace = compile(loadShippedModel('mlp')).trace(digit);
    const call = () => trace.relevance({ semiring: rationalSemiring({ maxBits: 64 }), annotate: 'identity' });
    expect(call).toThrow(LimitError);
    expect(call).toThrow(/over the limit of 64/);
  });

  it('reports progress about once a second of the clock while a generic evaluation runs', () => {
    let clock = 0;
    const reports: EvaluationProgress[] = [];
    // A clock that advances 0.4 s at every reading: a report at every third reading at most.
    const K = withProgress(counting, (p) => reports.push(p), { now: () => (clock += 400) });
    let acc = 0;
    for (let i = 0; i < 16 * 1024; i++) acc = K.plus(acc, K.times(1, 1));
    expect(acc).toBe(16 * 1024);
    expect(reports.length).toBeGreaterThan(3);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.operations % 1024).toBe(0);
      expect(reports[i]!.operations).toBeGreaterThan(reports[i - 1]!.operations);
      expect(reports[i]!.seconds - reports[i - 1]!.seconds).toBeGreaterThanOrEqual(1);
    }
    expect(withProgress(counting, undefined)).toBe(counting);
  });
});

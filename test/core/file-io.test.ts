import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FileSystemError,
  firstNonFinite,
  makeFolder,
  NotFoundError,
  parseDecimal,
  readFileBytes,
  writeFileAtomic,
} from '../../src/core/index.js';

const dir = mkdtempSync(join(tmpdir(), 'provlrp-file-io-'));

describe('writeFileAtomic', () => {
  it('replaces a file with the new bytes and leaves no temporary file', () => {
    const path = join(dir, 'out.bin');
    writeFileSync(path, 'old');
    writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a folder, a device and a missing parent in one line, writing nothing', () => {
    const cases: [string, RegExp][] = [
      [dir, /it is a folder; give the path of a file/],
      ['/dev/null', /it is not a regular file/],
      [join(dir, 'no', 'such', 'x.json'), /a folder on the path does not exist; create it first/],
    ];
    for (const [path, message] of cases) {
      expect(() => writeFileAtomic(path, 'x')).toThrow(FileSystemError);
      expect(() => writeFileAtomic(path, 'x')).toThrow(message);
    }
    expect(existsSync(join(dir, 'no'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('readFileBytes', () => {
  it('refuses a FIFO at once instead of blocking on it', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readFileBytes(fifo, 'model file')).toThrow(
      /it is not a regular file; give the path of a model file/,
    );
    expect(() => readFileBytes(join(dir, 'absent'))).toThrow(NotFoundError);
    expect(() => readFileBytes(dir)).toThrow(FileSystemError);
  });
});

describe('makeFolder', () => {
  it('creates missing parents one level at a time, and refuses /proc and a file in the way', () => {
    const nested = join(dir, 'a', 'b', 'c');
    makeFolder(nested);
    expect(existsSync(nested)).toBe(true);
    makeFolder(nested); // already there: nothing to do
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    expect(() => makeFolder(file)).toThrow(/create the folder \S+plain: a file of that name is in the way/);
    expect(() => makeFolder('/proc/provlrp-x/y')).toThrow(FileSystemError);
    expect(readdirSync(nested)).toEqual([]); // the write probe is removed
  });
});

describe('makeFolder from several threads at once', () => {
  it('succeeds in every thread when they create the same new folders together', async () => {
    const tsx = import.meta.resolve('tsx/esm/api');
    const fileIo = new URL('../../src/core/file-io.ts', import.meta.url).href;
    for (let round = 0; round < 5; round++) {
      const target = join(dir, `race-${round}`, 'a', 'b', 'c');
      const gate = new Int32Array(new SharedArrayBuffer(4));
      // Each thread loads makeFolder, then waits at the gate, so that all call it at the same moment.
      const program = `const { workerData, parentPort } = require('node:worker_threads');
import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(fileIo)}); })
  .then(({ makeFolder }) => {
    const gate = new Int32Array(workerData.gate);
    Atomics.add(gate, 0, 1);
    while (Atomics.load(gate, 0) < workerData.threads) Atomics.wait(gate, 0, Atomics.load(gate, 0), 5);
    try { makeFolder(workerData.target); parentPort.postMessage('ok'); }
    catch (error) { parentPort.postMessage(String(error.message)); }
  });`;
      const threads = 4;
      const answers = await Promise.all(
        Array.from({ length: threads }, () => {
          const worker = new Worker(program, {
            eval: true,
            workerData: { gate: gate.buffer, target, threads },
          });
          return new Promise<string>((resolve, reject) => {
            worker.once('message', (m: string) => void worker.terminate().then(() => resolve(m)));
            worker.once('error', reject);
          });
        }),
      );
      expect(answers).toEqual(Array(threads).fill('ok'));
      expect(existsSync(target)).toBe(true);
    }
  }, 60_000);
});

describe('parseDecimal', () => {
  it('reads back every finite double as JavaScript prints it', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(parseDecimal(String(x))).toBe(x === 0 ? 0 : x);
      }),
      { seed: 0xdec },
    );
  });

  it('refuses what is not plain decimal notation', () => {
    for (const text of [
      '0x10',
      '0b11',
      '0o7',
      'Infinity',
      '-Infinity',
      'NaN',
      '',
      ' ',
      '1 ',
      '1e',
      '1_000',
      '1e400',
      '.',
      '+',
    ])
      expect(parseDecimal(text), text).toBeUndefined();
    expect(parseDecimal('-1')).toBe(-1);
    expect(parseDecimal('.5')).toBe(0.5);
    expect(parseDecimal('+2e-3')).toBe(0.002);
  });
});

describe('firstNonFinite', () => {
  it('finds the first NaN or ±∞ that is not the allowed value', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), (values) => {
        const expected = values.findIndex((v) => !Number.isFinite(v));
        expect(firstNonFinite(values)).toBe(expected);
        const allowed = values.findIndex((v) => !Number.isFinite(v) && v !== Number.POSITIVE_INFINITY);
        expect(firstNonFinite(values, Number.POSITIVE_INFINITY)).toBe(allowed);
      }),
      { seed: 0xf1 },
    );
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FormatError,
  NotFoundError,
  type NpyArray,
  readNpy,
  readNpyFile,
  UnsupportedError,
  writeNpy,
  writeNpyFile,
} from '../../src/core/index.js';

const SEED = 0x4e51;
const PYTHON = '/usr/bin/python3';
const numpyAvailable = spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'provlrp-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Runs a Python script with numpy; fails the test with numpy's message if it fails. */
function python(script: string, ...args: string[]): void {
  const run = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
}

/** Random arrays with random bit patterns (NaN payloads included), of at most three dimensions. */
const arrays: fc.Arbitrary<NpyArray> = fc
  .tuple(
    fc.constantFrom('float32', 'float64', 'uint8', 'bool'),
    fc.array(fc.nat({ max: 5 }), { maxLength: 3 }),
  )
  .chain(([dtype, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const itemSize = dtype === 'float64' ? 8 : dtype === 'float32' ? 4 : 1;
    const max = dtype === 'bool' ? 1 : 255;
    return fc.uint8Array({ minLength: n * itemSize, maxLength: n * itemSize, max }).map((raw) => {
      const buffer = raw.slice().buffer;
      if (dtype === 'float32') return { dtype, shape, data: new Float32Array(buffer) };
      if (dtype === 'float64') return { dtype, shape, data: new Float64Array(buffer) };
      return { dtype, shape, data: new Uint8Array(buffer) } as NpyArray;
    });
  });

describe('readNpyFile and writeNpyFile', () => {
  it('write a file that reads back bit for bit', () => {
    const path = join(dir, 'round-trip.npy');
    const array: NpyArray = {
      dtype: 'float32',
      shape: [2, 2],
      data: Float32Array.of(-0, Number.NaN, 1e-40, 3),
    };
    writeNpyFile(path, array);
    expect(readFileSync(path)).toEqual(Buffer.from(writeNpy(array)));
    const back = readNpyFile(path);
    expect(back.shape).toEqual([2, 2]);
    expect(bytesOf(back.data)).toEqual(bytesOf(array.data));
  });

  it('write the requested header version', () => {
    const path = join(dir, 'version-3.npy');
    writeNpyFile(path, { dtype: 'uint8', shape: [1], data: Uint8Array.of(9) }, { version: 3 });
    expect(readFileSync(path)[6]).toBe(3);
    expect(readNpyFile(path).data).toEqual(Uint8Array.of(9));
  });

  it('name the missing file', () => {
    const missing = join(dir, 'missing.npy');
    expect(() => readNpyFile(missing)).toThrow(NotFoundError);
    expect(() => readNpyFile(missing)).toThrow(missing);
  });

  it('name the file in format errors', () => {
    const path = join(dir, 'corrupt.npy');
    writeFileSync(path, writeNpy({ dtype: 'uint8', shape: [4], data: new Uint8Array(4) }).subarray(0, 130));
    expect(() => readNpyFile(path)).toThrow(FormatError);
    expect(() => readNpyFile(path)).toThrow(`npy: ${path}: data too short`);
  });
});

describe.skipIf(!numpyAvailable)('numpy cross-check (runs where /usr/bin/python3 has numpy)', () => {
  it('numpy reads our files and writes them back byte for byte, in every header version', () => {
    const samples = fc.sample(fc.tuple(arrays, fc.constantFrom<1 | 2 | 3>(1, 2, 3)), {
      seed: SEED,
      numRuns: 60,
    });
    const paths = samples.map(([array, version], i) => {
      const path = join(dir, `ours-${i}.npy`);
      writeNpyFile(path, array, { version });
      return path;
    });
    python(
      [
        'import sys, numpy as np',
        'for path in sys.argv[1:]:',
        '    with open(path, "rb") as f: version = np.lib.format.read_magic(f)',
        '    a = np.load(path)',
        '    with open(path + ".numpy", "wb") as f: np.lib.format.write_array(f, a, version=version)',
      ].join('\n'),
      ...paths,
    );
    for (const path of paths) expect(readFileSync(`${path}.numpy`), path).toEqual(readFileSync(path));
  });

  it('we read the files numpy writes', () => {
    python(
      [
        'import sys, numpy as np',
        'd = sys.argv[1]',
        'np.save(d + "/f4.npy", np.array([[1.5, -0.0, np.inf], [-np.inf, 1e-45, 3.4e38]], np.float32))',
        'np.save(d + "/f8.npy", np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7)',
        'np.save(d + "/u1.npy", np.arange(256, dtype=np.uint8))',
        'np.save(d + "/b1.npy", np.array([[True, False, True], [False, False, True]]))',
        'np.save(d + "/scalar.npy", np.float64(np.pi))',
        'np.save(d + "/empty.npy", np.zeros((0, 3), np.float32))',
        'np.save(d + "/big-endian.npy", np.array([1.5, -2, 1e-40], ">f4"))',
        'np.save(d + "/fortran.npy", np.asfortranarray(np.ones((2, 3), np.float32)))',
        'np.save(d + "/int32.npy", np.arange(3, dtype=np.int32))',
        'np.save(d + "/targets.npy", np.array([3, 1]))',
        'np.save(d + "/complex.npy", np.arange(3, dtype=np.complex64))',
        'for v in (2, 3):',
        '    with open(d + f"/v{v}.npy", "wb") as f:',
        '        np.lib.format.write_array(f, np.eye(2, dtype=np.float32), version=(v, 0))',
      ].join('\n'),
      dir,
    );
    const read = (name: string) => readNpyFile(join(dir, name));
    expect(read('f4.npy')).toEqual({
      dtype: 'float32',
      shape: [2, 3],
      data: Float32Array.of(1.5, -0, Infinity, -Infinity, 1e-45, 3.4e38),
    });
    expect(Object.is(read('f4.npy').data[1], -0)).toBe(true);
    expect(read('f8.npy')).toEqual({
      dtype: 'float64',
      shape: [2, 3, 4],
      data: Float64Array.from({ length: 24 }, (_, i) => i / 7),
    });
    expect(read('u1.npy')).toEqual({
      dtype: 'uint8',
      shape: [256],
      data: Uint8Array.from({ length: 256 }, (_, i) => i),
    });
    expect(read('b1.npy')).toEqual({ dtype: 'bool', shape: [2, 3], data: Uint8Array.of(1, 0, 1, 0, 0, 1) });
    expect(read('scalar.npy')).toEqual({ dtype: 'float64', shape: [], data: Float64Array.of(Math.PI) });
    expect(read('empty.npy')).toEqual({ dtype: 'float32', shape: [0, 3], data: new Float32Array(0) });
    expect(read('big-endian.npy')).toEqual({
      dtype: 'float32',
      shape: [3],
      data: Float32Array.of(1.5, -2, 1e-40),
    });
    for (const v of [2, 3])
      expect(read(`v${v}.npy`)).toEqual({
        dtype: 'float32',
        shape: [2, 2],
        data: Float32Array.of(1, 0, 0, 1),
      });
    expect(() => read('fortran.npy')).toThrow(UnsupportedError);
    expect(() => read('fortran.npy')).toThrow(/C order/);
    expect(read('int32.npy')).toEqual({ dtype: 'int32', shape: [3], data: Int32Array.of(0, 1, 2) });
    // numpy's default integer dtype, as a targets file is usually saved.
    expect(read('targets.npy')).toEqual({ dtype: 'int64', shape: [2], data: BigInt64Array.of(3n, 1n) });
    expect(() => read('complex.npy')).toThrow(/dtype '<c8' is not supported/);
  });

  it('our bytes equal numpy.save for the same arrays', () => {
    python(
      [
        'import sys, numpy as np',
        'd = sys.argv[1]',
        'np.save(d + "/np-matrix.npy", np.array([[0.25, -1], [8, 1e-30]], np.float32))',
        'np.save(d + "/np-deep.npy", np.zeros((0,) + (3,) * 14, np.uint8))',
      ].join('\n'),
      dir,
    );
    const matrix = writeNpy({ dtype: 'float32', shape: [2, 2], data: Float32Array.of(0.25, -1, 8, 1e-30) });
    expect(matrix).toEqual(new Uint8Array(readFileSync(join(dir, 'np-matrix.npy'))));
    const deep = writeNpy({
      dtype: 'uint8',
      shape: [0, ...new Array<number>(14).fill(3)],
      data: new Uint8Array(0),
    });
    expect(deep).toEqual(new Uint8Array(readFileSync(join(dir, 'np-deep.npy'))));
    expect(readNpy(deep).shape).toHaveLength(15);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readNpyFile, writeNpyFile } from '../../src/core/npy.js';
import { lrp } from '../../src/nn/lrp/index.js';
import { importOnnx } from '../../src/nn/onnx/index.js';
import {
  FIXTURE_COMPOSITES,
  FIXTURE_MODELS,
  fixtureModel,
  readFloat32,
  readFloat64,
  relativeMaxError,
  ZENNIT_ROOT,
} from '../support/zennit-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'provlrp-explain-'));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function fixtureInput(name: string): { path: string; shape: number[]; data: Float32Array } {
  const entry = fixtureModel(name);
  const data = readFloat32(`${name}/${entry.input.file}`);
  const path = join(dir, `${name}-input.npy`);
  writeNpyFile(path, { dtype: 'float32', shape: entry.input.shape, data });
  return { path, shape: entry.input.shape, data };
}

describe('provlrp explain on the zennit fixtures', () => {
  for (const name of FIXTURE_MODELS)
    for (const composite of FIXTURE_COMPOSITES)
      it(`${name}, ${composite}: matches the float64 reference per sample`, async () => {
        const input = fixtureInput(name);
        const out = join(dir, `${name}-${composite}.npy`);
        const result = await run(
          'explain',
          `${ZENNIT_ROOT}${name}/model.onnx`,
          '--input',
          input.path,
          '--out',
          out,
          '--composite',
          composite,
        );
        expect(result.err).toBe('');
        expect(result.code).toBe(0);
        const R = readNpyFile(out);
        expect(R.shape).toEqual(input.shape);
        expect(R.dtype).toBe('float32');
        const reference = readFloat64(`${name}/${fixtureModel(name).relevances[composite]!.file_f64}`);
        const tolerance = name === 'cnn' && composite === 'epsilon' ? 1e-4 : 1e-5;
        const batch = input.shape[0]!;
        const per = reference.length / batch;
        for (let n = 0; n < batch; n++)
          expect(
            relativeMaxError(
              R.data.subarray(n * per, (n + 1) * per),
              reference.subarray(n * per, (n + 1) * per),
            ),
          ).toBeLessThanOrEqual(tolerance);
      });
});

describe('provlrp explain options', () => {
  const model = `${ZENNIT_ROOT}cnn/model.onnx`;

  it('explains any class, takes negative bounds as separate words, and computes in float64', async () => {
    const input = fixtureInput('cnn');
    const out = join(dir, 'cnn-class7.npy');
    const r = await run(
      'explain',
      model,
      '--input',
      input.path,
      '--out',
      out,
      '--target',
      '7',
      '--composite',
      'epsilon_gamma_box',
      '--low',
      '-1',
      '--high',
      '2',
      '--dtype',
      'float64',
    );
    expect(r.code).toBe(0);
    const R = readNpyFile(out);
    expect(R.dtype).toBe('float64');
    const expected = lrp(
      importOnnx(model),
      { shape: input.shape, data: input.data },
      {
        composite: 'epsilon_gamma_box',
        target: 7,
        low: -1,
        high: 2,
        dtype: 'float64',
      },
    );
    expect([...R.data]).toEqual([...expected.data]);
  });

  it('writes the relevance at a layer, and takes per-sample targets from a file', async () => {
    const input = fixtureInput('mlp');
    const targets = join(dir, 'targets.npy');
    writeNpyFile(targets, {
      dtype: 'uint8',
      shape: [input.shape[0]!],
      data: Uint8Array.from({ length: input.shape[0]! }, (_, i) => i),
    });
    const out = join(dir, 'mlp-layer.npy');
    const r = await run(
      'explain',
      `${ZENNIT_ROOT}mlp/model.onnx`,
      '--input',
      input.path,
      '--out',
      out,
      '--layer',
      '2',
      '--targets',
      targets,
    );
    expect(r.code).toBe(0);
    expect(readNpyFile(out).shape).toEqual([input.shape[0], 100]);
  });

  it('says in one line what is wrong with bad input, with a non-zero code', async () => {
    const input = fixtureInput('cnn');
    const wrongShape = join(dir, 'wrong.npy');
    writeNpyFile(wrongShape, { dtype: 'float32', shape: [1, 28, 28], data: new Float32Array(784) });
    const notNpy = join(dir, 'not.npy');
    writeFileSync(notNpy, 'hello');
    const cases: [string[], RegExp][] = [
      [['--input', wrongShape], /shape \[1, 28, 28\].*\[N, 1, 28, 28\]/],
      [['--input', notNpy], /npy/],
      [['--input', input.path, '--target', '10'], /target must be a class index in \[0, 9\]/],
      [['--input', input.path, '--composite', 'nope'], /"nope" is not one of epsilon/],
      [['--input', input.path, '--low', 'abc'], /--low.*not a finite number/],
      [['--input', input.path, '--layer', 'nope'], /layer "nope" not found/],
      [['--input', input.path, '--dtype', 'int8'], /--dtype/],
    ];
    for (const [flags, message] of cases) {
      const r = await run('explain', model, '--out', join(dir, 'never.npy'), ...flags);
      expect(r.code, flags.join(' ')).not.toBe(0);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const missing = await run(
      'explain',
      join(dir, 'missing.onnx'),
      '--input',
      input.path,
      '--out',
      join(dir, 'x.npy'),
    );
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/model file .*missing\.onnx.* not found/);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/circuits/index.js';
import { main } from '../../src/cli/main.js';
import { readNpyFile, writeNpyFile } from '../../src/core/npy.js';
import { lrp } from '../../src/nn/lrp/index.js';
import { saveModel } from '../../src/nn/native-format.js';
import { importOnnx } from '../../src/nn/onnx/index.js';
import { expectSemiringValues } from '../support/close.js';
import { tinyNet } from '../support/random-nets.js';
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
              (R.data as Float32Array).subarray(n * per, (n + 1) * per),
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

describe('provlrp explain --semiring', () => {
  const model = `${ZENNIT_ROOT}cnn/model.onnx`;

  for (const name of FIXTURE_MODELS)
    it(`${name}: Boolean as uint8, the others as float64, equal to the generic evaluator`, async () => {
      const input = fixtureInput(name);
      const modelPath = `${ZENNIT_ROOT}${name}/model.onnx`;
      const trace = compile(importOnnx(modelPath)).trace({ shape: input.shape, data: input.data });
      for (const [semiring, dtype] of [
        ['boolean', 'uint8'],
        ['counting', 'float64'],
        ['tropical', 'float64'],
        ['viterbi', 'float64'],
      ] as const) {
        const out = join(dir, `${name}-${semiring}.npy`);
        const r = await run(
          'explain',
          modelPath,
          '--input',
          input.path,
          '--out',
          out,
          '--semiring',
          semiring,
        );
        expect(r.err).toBe('');
        const R = readNpyFile(out);
        expect(R.dtype).toBe(dtype);
        expect(R.shape).toEqual(input.shape);
        const generic = trace.relevance({ semiring, evaluator: 'generic' });
        // Viterbi and tropical within 1e-6 relative (their layer form reorders the maths).
        expectSemiringValues(
          { name: semiring },
          Array.from(R.data as ArrayLike<number>),
          generic.values.map((v) => (typeof v === 'boolean' ? Number(v) : v)),
        );
      }
    });

  it('takes an annotation by name or as a JSON file of per-layer thresholds', async () => {
    const input = fixtureInput('cnn');
    const spec = join(dir, 'thresholds.json');
    writeFileSync(spec, JSON.stringify({ default: 0.01, layers: { 9: 0 } }));
    const byFile = join(dir, 'cnn-file.npy');
    const byName = join(dir, 'cnn-name.npy');
    expect(
      (
        await run(
          'explain',
          model,
          '--input',
          input.path,
          '--out',
          byFile,
          '--semiring',
          'boolean',
          '--annotate',
          spec,
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await run(
          'explain',
          model,
          '--input',
          input.path,
          '--out',
          byName,
          '--semiring',
          'boolean',
          '--annotate',
          'threshold:0.01',
        )
      ).code,
    ).toBe(0);
    const file = Array.from(readNpyFile(byFile).data as ArrayLike<number>);
    const name = Array.from(readNpyFile(byName).data as ArrayLike<number>);
    // Layer 9 (the logits) keeps every edge with d ≥ 0 under the file: at least as much is marked.
    expect(file.every((v, i) => v >= name[i]!)).toBe(true);
  });

  it('writes symbolic relevance as JSON and refuses .npy for it', async () => {
    const tiny = tinyNet({ kind: 'dense', seed: 2, stride: 1, pad: 0, dilation: 1, countIncludePad: false });
    const modelPath = join(dir, 'tiny.provlrp');
    saveModel(tiny, modelPath);
    const x = join(dir, 'tiny-x.npy');
    writeNpyFile(x, {
      dtype: 'float32',
      shape: [2, 3],
      data: Float32Array.from([0.1, 0.5, 0.9, 0.3, 0.2, 0.7]),
    });
    const out = join(dir, 'tiny.json');
    const ok = await run('explain', modelPath, '--input', x, '--out', out, '--semiring', 'polynomial');
    expect(ok.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as {
      semiring: string;
      shape: number[];
      values: string[];
    };
    expect(json.semiring).toBe('polynomial');
    expect(json.shape).toEqual([2, 3]);
    expect(json.values).toHaveLength(6);
    expect(json.values.join(' ')).toMatch(/x\[dense1,\d,\d\]/);
    const refused = await run(
      'explain',
      modelPath,
      '--input',
      x,
      '--out',
      join(dir, 'tiny.npy'),
      '--semiring',
      'polynomial',
    );
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/symbolic.*JSON/);
  });

  it('says what is wrong with a bad semiring or annotation', async () => {
    const input = fixtureInput('cnn');
    const cases: [string[], RegExp][] = [
      [['--semiring', 'nope'], /"nope" is not one of real/],
      [['--annotate', 'threshold:0.1'], /needs a semiring/],
      [['--semiring', 'boolean', '--annotate', 'identity'], /boolean cannot hold/],
      [['--semiring', 'fuzzy'], /no default annotation/],
      [['--semiring', 'boolean', '--annotate', join(dir, 'missing.json')], /annotation file .* not found/],
    ];
    for (const [flags, message] of cases) {
      const r = await run('explain', model, '--input', input.path, '--out', join(dir, 'never.npy'), ...flags);
      expect(r.code, flags.join(' ')).not.toBe(0);
      expect(r.err).toMatch(message);
    }
  });
});

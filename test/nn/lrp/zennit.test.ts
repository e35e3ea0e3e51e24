import { describe, expect, it } from 'vitest';
import { configureKernels } from '../../../src/kernels/index.js';
import { forward } from '../../../src/nn/forward.js';
import { argmaxPerSample, lrp } from '../../../src/nn/lrp/index.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import {
  FIXTURE_COMPOSITES,
  FIXTURE_MODELS,
  fixtureModel,
  readFloat32,
  readFloat64,
  relativeMaxError,
  ZENNIT_ROOT,
} from '../../support/zennit-fixtures.js';

/** The fixture README's tolerance at the input, against the float64 references. */
const inputTolerance = (model: string, composite: string): number =>
  model === 'cnn' && composite === 'epsilon' ? 1e-4 : 1e-5;

/** Per-sample relative error: max|Δ| over a sample ÷ max|reference| over that sample. */
function perSampleErrors(actual: ArrayLike<number>, reference: ArrayLike<number>, batch: number): number[] {
  const per = reference.length / batch;
  return Array.from({ length: batch }, (_, n) =>
    relativeMaxError(
      Array.prototype.slice.call(actual, n * per, (n + 1) * per),
      Array.prototype.slice.call(reference, n * per, (n + 1) * per),
    ),
  );
}

for (const name of FIXTURE_MODELS)
  describe(`lrp on the zennit fixture "${name}"`, () => {
    const entry = fixtureModel(name);
    const model = importOnnx(`${ZENNIT_ROOT}${name}/model.onnx`);
    const x = { shape: entry.input.shape, data: readFloat32(`${name}/${entry.input.file}`) };
    const batch = entry.input.shape[0]!;

    it('takes the argmax of the logits as the default target, as the fixtures do', () => {
      expect([...argmaxPerSample(forward(model, x).output)]).toEqual(entry.targets);
    });

    for (const composite of FIXTURE_COMPOSITES) {
      const reference = entry.relevances[composite]!;

      it(`${composite}: matches zennit at the input, per sample, in float32`, () => {
        const R = lrp(model, x, { composite, targets: entry.targets });
        expect(R.shape).toEqual(reference.shape);
        const errors = perSampleErrors(R.data, readFloat64(`${name}/${reference.file_f64}`), batch);
        for (const e of errors) expect(e).toBeLessThanOrEqual(inputTolerance(name, composite));
      });

      it(`${composite}: matches zennit at the input with float32 accumulation`, () => {
        configureKernels({ accumulation: 'float32' });
        try {
          const R = lrp(model, x, { composite, targets: entry.targets });
          const errors = perSampleErrors(R.data, readFloat64(`${name}/${reference.file_f64}`), batch);
          for (const e of errors) expect(e).toBeLessThanOrEqual(inputTolerance(name, composite));
        } finally {
          configureKernels({ accumulation: 'float64' });
        }
      });

      it(`${composite}: matches zennit at every layer's output`, () => {
        expect(reference.layers.length).toBeGreaterThan(0);
        for (const layer of reference.layers) {
          const R = lrp(model, x, { composite, targets: entry.targets, layer: layer.module });
          expect(R.shape, layer.module).toEqual(layer.shape);
          const errors = perSampleErrors(R.data, readFloat32(`${name}/${layer.file}`), batch);
          for (const e of errors) expect(e, `layer ${layer.module}`).toBeLessThanOrEqual(1e-4);
        }
      });
    }

    it('matches the float64 references far more closely when computing in float64', () => {
      const reference = entry.relevances.epsilon!;
      const R = lrp(model, x, { composite: 'epsilon', targets: entry.targets, dtype: 'float64' });
      expect(R.data).toBeInstanceOf(Float64Array);
      // resnet's BatchNorm is folded in float64 here and in float32 by zennit: 1e-7 covers that.
      const bound = name === 'resnet' ? 1e-7 : 1e-12;
      for (const e of perSampleErrors(R.data, readFloat64(`${name}/${reference.file_f64}`), batch))
        expect(e).toBeLessThanOrEqual(bound);
    });
  });

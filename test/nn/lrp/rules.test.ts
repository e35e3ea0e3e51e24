import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import type { AnyNode, Model } from '../../../src/nn/graph.js';
import {
  alphaBeta,
  customComposite,
  epsilon,
  flat,
  gamma,
  type LinearRule,
  lrp,
  wSquare,
  zBox,
  zPlus,
} from '../../../src/nn/lrp/index.js';
import { createModel } from '../../../src/nn/model.js';
import { MATRIX_RULES, matrixForm } from './matrix-form.js';

/** A random conv layer: channels, groups, kernel, stride, asymmetric padding, dilation. */
const arbConv = fc.record({
  groups: fc.constantFrom(1, 2),
  inPerGroup: fc.integer({ min: 1, max: 2 }),
  outPerGroup: fc.integer({ min: 1, max: 2 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  pads: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
  dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  height: fc.integer({ min: 5, max: 7 }),
  width: fc.integer({ min: 5, max: 7 }),
  seed: fc.integer({ min: 0, max: 1 << 30 }),
});

type ConvSpec = typeof arbConv extends fc.Arbitrary<infer T> ? T : never;

function convModel(spec: ConvSpec, unit = false): Model {
  const rng = new Rng(spec.seed);
  const cin = spec.groups * spec.inPerGroup;
  const cout = spec.groups * spec.outPerGroup;
  const wSize = cout * spec.inPerGroup * spec.kh * spec.kw;
  const node = {
    op: 'conv',
    name: 'conv',
    layer: 'conv',
    inputs: ['x'],
    output: 'z',
    attributes: {
      strides: spec.stride,
      pads: spec.pads as [number, number, number, number],
      dilations: spec.dilation,
      group: spec.groups,
    },
    params: {
      weight: {
        shape: [cout, spec.inPerGroup, spec.kh, spec.kw],
        data: unit ? new Float32Array(wSize).fill(1) : rng.uniformArray(wSize, -1, 1),
      },
      bias: { shape: [cout], data: unit ? new Float32Array(cout) : rng.uniformArray(cout, -0.5, 0.5) },
    },
  } as AnyNode;
  return createModel({ input: 'x', inputShape: [cin, spec.height, spec.width], output: 'z', nodes: [node] });
}

function denseModel(nIn: number, nOut: number, seed: number, unit = false): Model {
  const rng = new Rng(seed);
  const node = {
    op: 'dense',
    name: 'fc',
    layer: 'fc',
    inputs: ['x'],
    output: 'z',
    attributes: {},
    params: {
      weight: {
        shape: [nOut, nIn],
        data: unit ? new Float32Array(nOut * nIn).fill(1) : rng.uniformArray(nOut * nIn, -1, 1),
      },
      bias: { shape: [nOut], data: unit ? new Float32Array(nOut) : rng.uniformArray(nOut, -0.5, 0.5) },
    },
  } as AnyNode;
  return createModel({ input: 'x', inputShape: [nIn], output: 'z', nodes: [node] });
}

const RULES: [string, LinearRule, (typeof MATRIX_RULES)[keyof typeof MATRIX_RULES]][] = [
  ['epsilon', epsilon(), MATRIX_RULES.epsilon],
  ['zplus', zPlus(), MATRIX_RULES.zplus],
  ['alphabeta', alphaBeta({ alpha: 2, beta: 1 }), MATRIX_RULES.alphabeta],
  ['gamma', gamma({ gamma: 0.25 }), MATRIX_RULES.gamma],
  ['gamma classic', gamma({ gamma: 0.1, variant: 'classic' }), MATRIX_RULES.gammaClassic],
  ['zbox', zBox({ low: -1, high: 2 }), MATRIX_RULES.zbox],
  ['flat', flat(), MATRIX_RULES.flat],
  ['wsquare', wSquare(), MATRIX_RULES.wsquare],
];

/** Compares lrp on a one-layer model with the matrix form, for a random input and output relevance. */
function checkAgainstMatrixForm(
  model: Model,
  unit: Model,
  rule: LinearRule,
  reference: (typeof RULES)[number][2],
  seed: number,
) {
  const rng = new Rng(seed);
  const inShape = model.shapes.get('x')!;
  const nIn = inShape.reduce((p, d) => p * d, 1);
  const nOut = model.shapes.get('z')!.reduce((p, d) => p * d, 1);
  const a = Array.from({ length: nIn }, () => rng.uniform(-1, 1));
  const R = Array.from({ length: nOut }, () => rng.uniform(-1, 1));
  const composite = customComposite({ ops: { conv: rule, dense: rule } });
  const actual = lrp(
    model,
    { shape: [1, ...inShape], data: Float64Array.from(a) },
    {
      composite,
      dtype: 'float64',
      seed: { shape: [1, ...model.shapes.get('z')!], data: Float64Array.from(R) },
    },
  );
  expect(actual.shape).toEqual([1, ...inShape]);
  const expected = reference(matrixForm(model, unit, nIn), a, R);
  const scale = Math.max(1, ...expected.map(Math.abs));
  for (let j = 0; j < nIn; j++)
    expect(Math.abs(actual.data[j]! - expected[j]!)).toBeLessThanOrEqual(1e-9 * scale);
}

describe('each rule against its matrix form', () => {
  for (const [name, rule, reference] of RULES) {
    it(`${name} on random dense layers`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 7 }),
          fc.integer({ min: 1, max: 6 }),
          fc.nat(),
          (nIn, nOut, seed) => {
            checkAgainstMatrixForm(
              denseModel(nIn, nOut, seed),
              denseModel(nIn, nOut, seed, true),
              rule,
              reference,
              seed + 1,
            );
          },
        ),
        { seed: 0x1a7e, numRuns: 30 },
      );
    });

    it(`${name} on random conv layers with stride, padding, dilation and groups`, () => {
      fc.assert(
        fc.property(arbConv, (spec) => {
          const fits = (len: number, k: number, d: number, p: number) => len + p >= d * (k - 1) + 1;
          fc.pre(fits(spec.height, spec.kh, spec.dilation[0], spec.pads[0] + spec.pads[2]));
          fc.pre(fits(spec.width, spec.kw, spec.dilation[1], spec.pads[1] + spec.pads[3]));
          checkAgainstMatrixForm(convModel(spec), convModel(spec, true), rule, reference, spec.seed + 1);
        }),
        { seed: 0xc0de, numRuns: 25 },
      );
    });
  }
});

describe('rule parameters are checked when the rule is built', () => {
  it('alphabeta needs α − β = 1 and α, β ≥ 0', () => {
    expect(() => alphaBeta({ alpha: 2, beta: 2 })).toThrow(/alpha − beta must equal 1/);
    expect(() => alphaBeta({ alpha: 0.5, beta: -0.5 })).toThrow(/≥ 0/);
  });
  it('epsilon and gamma refuse negative or non-finite values', () => {
    expect(() => epsilon({ epsilon: -1 })).toThrow(/epsilon must be ≥ 0/);
    expect(() => gamma({ gamma: Number.NaN })).toThrow(/gamma must be ≥ 0/);
  });
});

describe('zᴮ bounds', () => {
  const spec: ConvSpec = {
    groups: 1,
    inPerGroup: 2,
    outPerGroup: 2,
    kh: 3,
    kw: 3,
    stride: [1, 1] as [number, number],
    pads: [1, 1, 1, 1] as [number, number, number, number],
    dilation: [1, 1] as [number, number],
    height: 5,
    width: 5,
    seed: 9,
  };
  const model = convModel(spec);
  const rng = new Rng(4);
  const x = { shape: [1, 2, 5, 5], data: Float64Array.from({ length: 50 }, () => rng.uniform(0, 1)) };
  const explainWith = (low: number | { shape: number[]; data: Float64Array }, high: typeof low) =>
    lrp(model, x, {
      composite: customComposite({ ops: { conv: zBox({ low, high }) } }),
      dtype: 'float64',
      target: 0,
    });

  it('take a tensor per input element or per channel as well as a scalar', () => {
    const scalar = explainWith(-0.5, 1.5);
    const perInput = explainWith(
      { shape: [2, 5, 5], data: new Float64Array(50).fill(-0.5) },
      { shape: [2, 5, 5], data: new Float64Array(50).fill(1.5) },
    );
    const perChannel = explainWith(
      { shape: [2], data: Float64Array.from([-0.5, -0.5]) },
      { shape: [2], data: Float64Array.from([1.5, 1.5]) },
    );
    expect([...perInput.data]).toEqual([...scalar.data]);
    expect([...perChannel.data]).toEqual([...scalar.data]);
    const different = explainWith({ shape: [2], data: Float64Array.from([-0.5, -2]) }, 1.5);
    expect([...different.data.subarray(25)]).not.toEqual([...scalar.data.subarray(25)]);
  });

  it('refuse bounds of another shape', () => {
    expect(() => explainWith({ shape: [3], data: new Float64Array(3) }, 1)).toThrow(
      /bounds for layer "conv"/,
    );
  });
});

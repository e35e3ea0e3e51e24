/**
 * The WebAssembly dense semiring passes (src/kernels/semiring-linear-wasm.ts) against their plain
 * twins, the JavaScript loops of semiring-linear.ts: identical bits for the column maxima, the
 * max-times adjoint and the threshold pass (OR and count, signed and absolute), on random dense
 * layers with rows, zeros, infinite weights, inputs of ones and float32 or float64 inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { activeWasmKernels } from '../../src/kernels/backend.js';
import {
  type DenseShape,
  maxAbsForward,
  maxTimesAdjoint,
  type ThresholdPass,
  thresholdAdjoint,
} from '../../src/kernels/semiring-linear.js';
import {
  maxAbsForwardWasm,
  maxTimesAdjointWasm,
  thresholdAdjointWasm,
} from '../../src/kernels/semiring-linear-wasm.js';
import { wasmKernels, withJsKernels } from './support.js';

const kernels = wasmKernels();

/** The bits of a float64 array (tells −0 from 0 and compares NaNs). */
const bits = (a: Float64Array): bigint[] => Array.from(new BigUint64Array(a.slice().buffer));

/** Random values in [low, 1) with exact zeros and, where `wild`, rare infinities mixed in. */
function values(rng: Rng, n: number, low: number, wild = false): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = rng.uniform(0, 1);
    if (u < 0.25) return 0;
    if (wild && u > 0.99) return u > 0.995 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return rng.uniform(low, 1);
  });
}

interface Layer {
  readonly shape: DenseShape;
  readonly batch: number;
  readonly x: Float32Array | Float64Array | null;
  readonly w: Float32Array;
  readonly R: Float64Array;
  readonly factor: Float32Array | Float64Array;
}

function layer(seed: number, shape: DenseShape, batch: number, input: 'ones' | 'f32' | 'f64'): Layer {
  const rng = new Rng(seed);
  const perIn = shape.rows * shape.nIn;
  const perOut = shape.rows * shape.nOut;
  const x = values(rng, batch * perIn, -1);
  return {
    shape,
    batch,
    x: input === 'ones' ? null : input === 'f32' ? Float32Array.from(x) : x,
    w: Float32Array.from(values(rng, shape.nIn * shape.nOut, -1, true)),
    R: values(rng, batch * perOut, 0),
    factor: values(rng, batch * perOut, -2),
  };
}

/** Every pass on the WebAssembly kernels and on the JavaScript loops, as bits. */
function bothWays(c: Layer, sign: number, tau: number, absolute: boolean) {
  const { shape, batch, x, w, R } = c;
  const perIn = batch * shape.rows * shape.nIn;
  const perOut = batch * shape.rows * shape.nOut;
  const live = Uint8Array.from(R, (r) => (r > 0 ? 1 : 0));
  // Outputs and accumulators start from non-trivial values: the passes must keep what they do not beat.
  const start = (n: number, seed: number) => values(new Rng(seed), n, 0);
  const run = (wasm: boolean) => {
    const m = start(perOut, 1);
    const out = start(perIn, 2);
    const or = start(perIn, 3);
    const count = start(perIn, 4);
    const pass = (counting: boolean): ThresholdPass => ({
      input: x,
      weight: w,
      sign,
      factor: c.factor,
      tau,
      absolute,
      count: counting,
    });
    if (wasm) {
      expect(maxAbsForwardWasm(kernels, shape, batch, x, w, live, m)).toBe(true);
      expect(maxTimesAdjointWasm(kernels, shape, batch, w, R, out, x)).toBe(true);
      expect(thresholdAdjointWasm(kernels, shape, batch, pass(false), w, R, or)).toBe(true);
      expect(thresholdAdjointWasm(kernels, shape, batch, pass(true), w, R, count)).toBe(true);
    } else
      withJsKernels(() => {
        maxAbsForward(shape, batch, x, w, live, m);
        maxTimesAdjoint(shape, batch, w, R, out, x);
        thresholdAdjoint(shape, batch, pass(false), R, or);
        thresholdAdjoint(shape, batch, pass(true), R, count);
      });
    return { m: bits(m), out: bits(out), or: bits(or), count: bits(count) };
  };
  return { wasm: run(true), js: run(false) };
}

describe('the WebAssembly dense semiring passes', () => {
  it('equal their JavaScript twins bit for bit (maxima, max-times, threshold OR and count)', () => {
    fc.assert(
      fc.property(
        fc.record({
          rows: fc.integer({ min: 1, max: 3 }),
          nIn: fc.integer({ min: 1, max: 37 }),
          nOut: fc.integer({ min: 1, max: 11 }),
        }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('ones', 'f32', 'f64'),
        fc.integer({ min: 0, max: 1 << 30 }),
        fc.constantFrom(1, -1),
        fc.double({ min: -0.3, max: 0.5, noNaN: true }),
        fc.boolean(),
        (dims, batch, input, seed, sign, tau, absolute) => {
          const c = layer(seed, { kind: 'dense', ...dims }, batch, input);
          const { wasm, js } = bothWays(c, sign, tau, absolute);
          expect(wasm).toEqual(js);
        },
      ),
      { seed: 0x5a11, numRuns: 300 },
    );
  });

  it('equal them over several blocks of W (a layer of 1100 × 1000 weights, 4 MiB blocks)', () => {
    const c = layer(7, { kind: 'dense', rows: 1, nIn: 1100, nOut: 1000 }, 2, 'f32');
    const { wasm, js } = bothWays(c, -1, 0.01, false);
    expect(wasm).toEqual(js);
    // Some edges passed the test: the comparison is not between untouched arrays.
    expect(js.or.filter((b) => b === bits(Float64Array.of(1))[0]).length).toBeGreaterThan(100);
  });

  it('are what the dense passes run on float32 weights by default (same results as forced JavaScript)', () => {
    const c = layer(3, { kind: 'dense', rows: 1, nIn: 300, nOut: 64 }, 2, 'f32');
    const m = new Float64Array(c.batch * 64);
    const live = new Uint8Array(m.length).fill(1);
    const active = activeWasmKernels();
    expect(active).not.toBeNull();
    const layoutsBefore = active!.layouts;
    maxAbsForward(c.shape, c.batch, c.x, c.w, live, m);
    expect(active!.layouts).toBe(layoutsBefore + 1);
    const mJs = new Float64Array(m.length);
    withJsKernels(() => maxAbsForward(c.shape, c.batch, c.x, c.w, live, mJs));
    expect(bits(m)).toEqual(bits(mJs));
    expect(m.some((v) => v > 0)).toBe(true);
  });
});

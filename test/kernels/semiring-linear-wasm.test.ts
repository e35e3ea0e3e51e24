/**
 * The WebAssembly dense semiring passes (src/kernels/semiring-linear-wasm.ts) against their plain
 * twins, the JavaScript loops of semiring-linear.ts: identical bits for the column maxima, the
 * max-times adjoint and the threshold pass (OR and count, signed and absolute), on random dense
 * layers with rows, zeros, infinite weights, inputs of ones and float32 or float64 inputs, and on
 * random convolutions (groups, strides, asymmetric padding, dilations, batches).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { activeWasmKernels } from '../../src/kernels/backend.js';
import {
  type ConvShape,
  type DenseShape,
  linearSizes,
  maxAbsForward,
  maxTimesAdjoint,
  type ThresholdPass,
  tapRange,
  thresholdAdjoint,
} from '../../src/kernels/semiring-linear.js';
import {
  convPassWasm,
  maxAbsForwardWasm,
  maxTimesAdjointWasm,
  thresholdAdjointWasm,
} from '../../src/kernels/semiring-linear-wasm.js';
import { configureKernelThreads, kernelTeamFor, THREAD_MIN_MACS } from '../../src/kernels/threads.js';
import type { WasmKernels } from '../../src/kernels/wasm-kernels.js';
import { type ConvCase, convCase, wasmKernels, withJsKernels } from './support.js';

const kernels = wasmKernels();

afterAll(() => {
  configureKernelThreads(2, THREAD_MIN_MACS);
});

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

interface Layer<S = DenseShape> {
  readonly shape: S;
  readonly batch: number;
  readonly x: Float32Array | Float64Array | null;
  readonly w: Float32Array;
  readonly R: Float64Array;
  readonly factor: Float32Array | Float64Array;
}

function layer<S extends DenseShape | ConvShape>(
  seed: number,
  shape: S,
  batch: number,
  input: 'ones' | 'f32' | 'f64',
): Layer<S> {
  const rng = new Rng(seed);
  const [perIn, perOut] = linearSizes(shape);
  const weights =
    shape.kind === 'dense'
      ? shape.nIn * shape.nOut
      : (shape.outChannels * shape.channels * shape.kh * shape.kw) / shape.groups;
  const x = values(rng, batch * perIn, -1);
  return {
    shape,
    batch,
    x: input === 'ones' ? null : input === 'f32' ? Float32Array.from(x) : x,
    w: Float32Array.from(values(rng, weights, -1, true)),
    R: values(rng, batch * perOut, 0),
    factor: values(rng, batch * perOut, -2),
  };
}

/**
 * The threshold τ of a case: half the time the coefficient d = f_k·(x_j·(σ·w_jk)) of one random
 * edge, computed as the JavaScript loops compute it, so that the test sits exactly on an edge and
 * any other rounding of d changes the result; otherwise `tau`.
 */
function thresholdOf(
  c: Layer<DenseShape | ConvShape>,
  sign: number,
  absolute: boolean,
  seed: number,
  tau: number,
) {
  const rng = new Rng(seed);
  if (rng.uniform(0, 1) < 0.5) return tau;
  const { shape, batch, x, w, factor } = c;
  const [perIn, perOut] = linearSizes(shape);
  const pick = (n: number) => Math.floor(rng.uniform(0, n));
  const n = pick(batch);
  let j: number;
  let k: number;
  let wi: number;
  if (shape.kind === 'dense') {
    const r = pick(shape.rows);
    const jj = pick(shape.nIn);
    const kk = pick(shape.nOut);
    [j, k, wi] = [r * shape.nIn + jj, r * shape.nOut + kk, kk * shape.nIn + jj];
  } else {
    const s = shape;
    const perGroup = s.channels / s.groups;
    const o = pick(s.outChannels);
    const [y, xo, cg, u, v] = [pick(s.outHeight), pick(s.outWidth), pick(perGroup), pick(s.kh), pick(s.kw)];
    const iy = y * s.strideY + u * s.dilationY - s.padY;
    const ix = xo * s.strideX + v * s.dilationX - s.padX;
    if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width) return tau;
    const channel = Math.floor(o / (s.outChannels / s.groups)) * perGroup + cg;
    j = (channel * s.height + iy) * s.width + ix;
    k = (o * s.outHeight + y) * s.outWidth + xo;
    wi = ((o * perGroup + cg) * s.kh + u) * s.kw + v;
  }
  const d = factor[n * perOut + k]! * ((x === null ? 1 : x[n * perIn + j]!) * (sign * w[wi]!));
  return Number.isFinite(d) ? (absolute ? Math.abs(d) : d) : tau;
}

/** The kernels' view of a `convCase`. */
function convShapeOf(p: ConvCase): ConvShape {
  const outSize = (a: 0 | 1, length: number) =>
    Math.floor(
      (length + p.pads[a] + p.pads[a + 2]! - p.dilations[a] * (p.kernel[a] - 1) - 1) / p.strides[a],
    ) + 1;
  return {
    kind: 'conv',
    channels: p.group * p.perGroupIn,
    height: p.height,
    width: p.width,
    outChannels: p.group * p.perGroupOut,
    outHeight: outSize(0, p.height),
    outWidth: outSize(1, p.width),
    kh: p.kernel[0],
    kw: p.kernel[1],
    strideY: p.strides[0],
    strideX: p.strides[1],
    padY: p.pads[0],
    padX: p.pads[1],
    dilationY: p.dilations[0],
    dilationX: p.dilations[1],
    groups: p.group,
  };
}

/** Every pass on the WebAssembly kernels and on the JavaScript loops, as bits. */
function bothWays(
  c: Layer<DenseShape | ConvShape>,
  sign: number,
  tau: number,
  absolute: boolean,
  on: WasmKernels = kernels,
) {
  const { shape, batch, x, w, R } = c;
  const [perIn, perOut] = linearSizes(shape).map((n) => batch * n) as [number, number];
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
    if (wasm && shape.kind === 'conv') {
      const ok = [
        convPassWasm(on, shape, batch, w, { kind: 'maxAbs', x, m }, tapRange),
        convPassWasm(on, shape, batch, w, { kind: 'maxTimes', s: R, out }, tapRange),
        convPassWasm(
          kernels,
          shape,
          batch,
          w,
          { kind: 'threshold', pass: pass(false), R, out: or },
          tapRange,
        ),
        convPassWasm(
          kernels,
          shape,
          batch,
          w,
          { kind: 'threshold', pass: pass(true), R, out: count },
          tapRange,
        ),
      ];
      expect(ok).toEqual([true, true, true, true]);
    } else if (wasm && shape.kind === 'dense') {
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
          const { wasm, js } = bothWays(c, sign, thresholdOf(c, sign, absolute, seed + 1, tau), absolute);
          expect(wasm).toEqual(js);
        },
      ),
      { seed: 0x5a11, numRuns: 300 },
    );
  });

  it('equal their JavaScript twins on convolutions bit for bit, edges visited in the same order', () => {
    fc.assert(
      fc.property(
        convCase,
        fc.constantFrom('ones', 'f32', 'f64'),
        fc.constantFrom(1, -1),
        fc.double({ min: -0.3, max: 0.5, noNaN: true }),
        fc.boolean(),
        (p, input, sign, tau, absolute) => {
          const shape = convShapeOf(p);
          const c = layer(p.seed, shape, p.batch, input);
          const { wasm, js } = bothWays(c, sign, thresholdOf(c, sign, absolute, p.seed + 1, tau), absolute);
          expect(wasm).toEqual(js);
        },
      ),
      { seed: 0xc0a7, numRuns: 200 },
    );
  });

  it('split between the kernel threads, still equal their JavaScript twins bit for bit', () => {
    // Every call is split (threshold 0): by output channel for the maxima, by input channel otherwise.
    configureKernelThreads(2, 0);
    const team = kernelTeamFor(0);
    expect(team).not.toBeNull();
    fc.assert(
      fc.property(
        convCase,
        fc.constantFrom('ones', 'f32'),
        fc.constantFrom(1, -1),
        fc.double({ min: -0.3, max: 0.5, noNaN: true }),
        fc.boolean(),
        (p, input, sign, tau, absolute) => {
          const c = layer(p.seed, convShapeOf(p), p.batch, input);
          const before = team!.jobs;
          const shared = team!.kernels;
          const { wasm, js } = bothWays(
            c,
            sign,
            thresholdOf(c, sign, absolute, p.seed + 1, tau),
            absolute,
            shared,
          );
          expect(wasm).toEqual(js);
          // Each of the four passes whose split axis has two channels or more went to the worker.
          const splits = (p.group * p.perGroupOut >= 2 ? 1 : 0) + (p.perGroupIn >= 2 ? 3 : 0);
          expect(team!.jobs - before).toBe(splits);
        },
      ),
      { seed: 0x7ead, numRuns: 60 },
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

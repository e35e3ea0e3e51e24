/**
 * The trainer's weight gradients on the WebAssembly GEMM (dense-gemm.ts's `denseWeightGradientWasm`,
 * conv-gemm.ts's `convWeightGradientWasm`, gemm.wat's `im2col_panels`). Each kernel keeps ∂W in a
 * float64 accumulator, adds the products in a fixed order and rounds once, so it is checked
 *   - bit for bit against the float64 sum in that order (dense: rows in order; conv: samples, then
 *     positions in order, taps in the padding adding 0), rounded once to float32, and
 *   - against its plain twin, the trainer's JavaScript loop, which rounds to float32 after every
 *     row (dense) or tile of positions (conv): |wasm − plain| ≤ (terms + 2)·2⁻²⁴·Σ|terms|, with
 *     `terms` the products summed into one weight and Σ|terms| counting |∂W| before the call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import {
  type ConvShape,
  convWeightGradientWasm,
  denseWeightGradientWasm,
  GEOMETRY_BYTES,
  roundUp4,
  WasmKernels,
} from '../../src/kernels/index.js';
import type { Node } from '../../src/nn/graph.js';
import { convWeightGradient, denseBackward } from '../../src/nn/train/index.js';
import {
  type ConvCase,
  convCase,
  convNode,
  convShapes,
  F32_UNIT,
  layoutOf,
  TILED_CONV,
  wasmKernels,
  withJsKernels,
} from './support.js';

const SEED = 0x9ad1e;

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** The input coordinate of tap (u, v) for output position p, or null in the padding. */
function tapOf(g: ConvShape, p: number, u: number, v: number): [number, number] | null {
  const y = Math.floor(p / g.ow);
  const x = p % g.ow;
  const iy = y * g.rows.stride - g.rows.padBegin + u * g.rows.dilation;
  const ix = x * g.cols.stride - g.cols.padBegin + v * g.cols.dilation;
  return iy >= 0 && iy < g.height && ix >= 0 && ix < g.width ? [iy, ix] : null;
}

/** gemm.wat's geometry block for a conv. */
const geometryBlock = (g: ConvShape): number[] => [
  g.channels / g.group,
  g.height,
  g.width,
  g.kh,
  g.kw,
  g.rows.stride,
  g.cols.stride,
  g.rows.dilation,
  g.cols.dilation,
  g.rows.padBegin,
  g.cols.padBegin,
  g.ow,
];

/** A dense layer's backward inputs: x, ∂z with a share of zeros (ReLUs that were off), ∂W before. */
function denseCase(rows: number, nIn: number, nOut: number, zeroQuarters: number, seed: number) {
  const rng = new Rng(seed);
  const node: Node<'dense'> = {
    op: 'dense',
    name: 'fc',
    layer: 'fc',
    inputs: ['x'],
    output: 'y',
    attributes: {},
    params: {
      weight: { shape: [nOut, nIn], data: rng.uniformArray(nOut * nIn, -1, 1) },
      bias: { shape: [nOut], data: rng.uniformArray(nOut, -1, 1) },
    },
  };
  const x = rng.uniformArray(rows * nIn, -1, 1);
  const gz = rng.uniformArray(rows * nOut, -1, 1).map((g) => (rng.next() < zeroQuarters / 4 ? 0 : g));
  const gw = rng.uniformArray(nOut * nIn, -1, 1);
  return { node, rows, nIn, nOut, x, gz, gw };
}

type DenseCase = ReturnType<typeof denseCase>;

/** ∂W + Σ_r ∂z[r, k]·x[r, j] summed in float64 in order of r and rounded once, and Σ|terms|. */
function denseReference({ rows, nIn, nOut, x, gz, gw }: DenseCase) {
  const sum = Float64Array.from(gw);
  const magnitude = Float64Array.from(gw, Math.abs);
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < nOut; k++) {
      const g = gz[r * nOut + k]!;
      for (let j = 0; j < nIn; j++) {
        const term = g * x[r * nIn + j]!;
        sum[k * nIn + j]! += term;
        magnitude[k * nIn + j]! += Math.abs(term);
      }
    }
  return { rounded: Float32Array.from(sum), magnitude };
}

/** ∂W from the trainer's plain JavaScript loop (`denseBackward` on the JavaScript backend). */
function densePlain({ node, rows, nIn, nOut, x, gz, gw }: DenseCase): Float32Array {
  const gradParams = { weight: gw.slice(), bias: new Float32Array(nOut) };
  withJsKernels(() =>
    denseBackward({
      node,
      inputs: [{ shape: [rows, nIn], data: x }],
      output: { shape: [rows, nOut], data: new Float32Array(rows * nOut) },
      gradOutput: gz,
      gradInputs: [null],
      gradParams,
    }),
  );
  return gradParams.weight;
}

/** A conv's backward inputs for a case: the input batch, ∂z and ∂W before. */
function convGradientCase(c: ConvCase) {
  const node = convNode(c);
  const { input, output, geometry } = convShapes(c, node);
  const rng = new Rng(c.seed + 5);
  const a = rng.uniformArray(c.batch * sizeOf(input), -1, 1);
  const gz = rng.uniformArray(c.batch * sizeOf(output), -1, 1);
  const gw = rng.uniformArray(node.params.weight.data.length, -1, 1);
  return { c, node, input, output, g: geometry, a, gz, gw };
}

type ConvGradientCase = ReturnType<typeof convGradientCase>;

/**
 * ∂W + Σ_n Σ_p ∂z[n, o, p]·a[n, tap (c, u, v) of p] summed in float64, samples then positions in
 * order (a tap in the padding adds ∂z·0, as the kernel's zero columns do), rounded once; and Σ|terms|.
 */
function convReference({ g, a, gz, gw }: ConvGradientCase) {
  const perGroup = g.channels / g.group;
  const outs = g.outChannels / g.group;
  const positions = g.oh * g.ow;
  const sum = Float64Array.from(gw);
  const magnitude = Float64Array.from(gw, Math.abs);
  for (let n = 0; n < g.batch; n++)
    for (let o = 0; o < g.outChannels; o++)
      for (let c = 0; c < perGroup; c++)
        for (let u = 0; u < g.kh; u++)
          for (let v = 0; v < g.kw; v++) {
            const at = ((o * perGroup + c) * g.kh + u) * g.kw + v;
            const channel = Math.floor(o / outs) * perGroup + c;
            for (let p = 0; p < positions; p++) {
              const tap = tapOf(g, p, u, v);
              const value = tap ? a[((n * g.channels + channel) * g.height + tap[0]) * g.width + tap[1]]! : 0;
              const term = gz[(n * g.outChannels + o) * positions + p]! * value;
              sum[at]! += term;
              magnitude[at]! += Math.abs(term);
            }
          }
  return { rounded: Float32Array.from(sum), magnitude };
}

/** Expects two float32 arrays to hold the same bit patterns (one `expect`, at the first difference). */
function expectSameBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const at = a.findIndex((bits, i) => bits !== b[i]);
  expect(at, `element ${at}: ${actual[at]} instead of ${expected[at]}`).toBe(-1);
}

/** Expects |fast − plain| ≤ (terms + 2)·2⁻²⁴·Σ|terms| at every element (one `expect`, at the worst). */
function expectWithinBound(
  fast: Float32Array,
  plain: Float32Array,
  terms: number,
  magnitude: Float64Array,
): void {
  expect(fast.length).toBe(plain.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < fast.length; i++) {
    const excess = Math.abs(fast[i]! - plain[i]!) - (terms + 2) * F32_UNIT * magnitude[i]!;
    if (!(excess <= worst)) [worst, at] = [excess, i];
  }
  expect(worst, `∂W[${at}]: wasm ${fast[at]}, plain ${plain[at]}`).toBeLessThanOrEqual(0);
}

const TILED = TILED_CONV;

describe('kernels weight gradients', () => {
  const k = wasmKernels();

  it('im2col_panels writes each tap of a tile into panels of 4 taps (0 in the padding and past the last tap)', () => {
    fc.assert(
      fc.property(convCase, fc.nat(), fc.nat(), (c, pick, size) => {
        const node = convNode(c);
        const { geometry: g } = convShapes(c, node);
        const plane = c.perGroupIn * c.height * c.width;
        const src = new Rng(c.seed + 1).uniformArray(plane, -1, 1);
        const positions = g.oh * g.ow;
        const p0 = pick % positions;
        const count = Math.min(positions - p0, 1 + (size % positions));
        const depth = c.perGroupIn * g.kh * g.kw;
        const panels = roundUp4(depth) * count;
        const at = layoutOf(k, { geometry: GEOMETRY_BYTES, src: 4 * plane, dst: 8 * panels + 64 });
        k.i32.set(geometryBlock(g), at.geometry >> 2);
        k.f32.set(src, at.src >> 2);
        // NaN everywhere, 8 guard elements past the panels included: every panel element is written.
        k.f64.fill(Number.NaN, at.dst >> 3, (at.dst >> 3) + panels + 8);
        k.exports.im2col_panels(at.geometry, at.src, at.dst, p0, count);
        for (let t = 0; t < roundUp4(depth); t++) {
          const [ch, u, v] = [Math.floor(t / (g.kh * g.kw)), Math.floor(t / g.kw) % g.kh, t % g.kw];
          for (let j = 0; j < count; j++) {
            const tap = t < depth ? tapOf(g, p0 + j, u, v) : null;
            const expected = tap ? src[(ch * c.height + tap[0]) * c.width + tap[1]]! : 0;
            expect(k.f64[(at.dst >> 3) + ((t >> 2) * count + j) * 4 + (t & 3)]).toBe(expected);
          }
        }
        for (let i = 0; i < 8; i++) expect(k.f64[(at.dst >> 3) + panels + i]).toBeNaN();
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  /** Checks the WebAssembly dense ∂W of a case against the float64 sum and the plain loop. */
  function checkDense(d: DenseCase): void {
    const fast = d.gw.slice();
    expect(denseWeightGradientWasm(k, d.x, d.gz, fast, d.nIn, d.nOut)).toBe(true);
    const { rounded, magnitude } = denseReference(d);
    expectSameBits(fast, rounded);
    expectWithinBound(fast, densePlain(d), d.rows, magnitude);
  }

  it('dense ∂W is the float64 sum over the rows rounded once, within the plain loop’s bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, nIn, nOut, zeros, seed) => checkDense(denseCase(rows, nIn, nOut, zeros, seed)),
      ),
      { seed: SEED + 1, numRuns: 120 },
    );
  });

  it('dense ∂W does so across passes of rows, blocks of outputs and blocks of the inputs’ panels', () => {
    // 260 rows: passes of 256 and 4, each a GEMM call per 128 columns of the inputs' panels
    // (530 = 4·128 + 18).
    checkDense(denseCase(260, 530, 7, 1, 4));
    // 2100 inputs: ∂W in blocks of 248 rows of float64 (255 = 248 + 7).
    checkDense(denseCase(3, 2100, 255, 1, 5));
    // The MLP's first layer on a batch of 64.
    checkDense(denseCase(64, 784, 300, 2, 6));
  });

  /** Checks the WebAssembly conv ∂W of a case against the float64 sum and the plain loop. */
  function checkConv(c: ConvCase): void {
    const q = convGradientCase(c);
    const fast = q.gw.slice();
    expect(convWeightGradientWasm(k, q.a, q.gz, fast, q.g)).toBe(true);
    const { rounded, magnitude } = convReference(q);
    expectSameBits(fast, rounded);
    const plain = q.gw.slice();
    const inShape = [c.batch, ...q.input];
    const outShape = [c.batch, ...q.output];
    withJsKernels(() => convWeightGradient(q.node, q.a, inShape, outShape, q.gz, plain));
    expectWithinBound(fast, plain, c.batch * q.g.oh * q.g.ow, magnitude);
  }

  it('conv ∂W is the float64 sum rounded once, within the plain loop’s bound, with groups, strides, pads and dilations', () => {
    fc.assert(fc.property(convCase, checkConv), { seed: SEED + 2, numRuns: 200 });
  });

  it('conv ∂W does so across tiles of positions and blocks of tap panels', () => {
    checkConv(TILED);
    checkConv({ ...TILED, perGroupOut: 9, batch: 1, strides: [2, 1], dilations: [1, 2] });
  });

  it('an empty batch changes nothing', () => {
    const gw = new Float32Array([1, 2, 3, 4, 5, 6]);
    expect(denseWeightGradientWasm(k, new Float32Array(0), new Float32Array(0), gw, 3, 2)).toBe(true);
    const q = convGradientCase({ ...TILED, batch: 1 });
    const before = q.gw.slice();
    const none = new Float32Array(0);
    expect(convWeightGradientWasm(k, none, none, q.gw, { ...q.g, batch: 0 })).toBe(true);
    expect(gw).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(q.gw).toEqual(before);
  });

  it('declines a call its memory cannot hold, changing nothing', () => {
    const limited = new WasmKernels(wasmKernels().exports, 2 ** 16);
    const rng = new Rng(8);
    // 64 rows of 256 inputs are 64 KiB of float32 alone.
    const gw = new Float32Array(64 * 256).fill(7);
    const x = rng.uniformArray(64 * 256, -1, 1);
    expect(denseWeightGradientWasm(limited, x, rng.uniformArray(64 * 64, -1, 1), gw, 256, 64)).toBe(false);
    // A 4-channel 64 × 64 input plane is 64 KiB of float32.
    const q = convGradientCase({ ...TILED, group: 1, perGroupIn: 4, height: 64, width: 64, batch: 1 });
    const before = q.gw.slice();
    expect(convWeightGradientWasm(limited, q.a, q.gz, q.gw, q.g)).toBe(false);
    expect(gw.every((v) => v === 7)).toBe(true);
    expect(q.gw).toEqual(before);
    expect(limited.layouts).toBe(0);
  });
});

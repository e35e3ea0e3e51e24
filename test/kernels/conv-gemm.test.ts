import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import {
  type Accumulation,
  type ConvShape,
  configureKernels,
  configureKernelThreads,
  convAdjointWasm,
  convForwardWasm,
  GEOMETRY_BYTES,
  roundUp4,
} from '../../src/kernels/index.js';
import { convAdjoint } from '../../src/nn/adjoints/index.js';
import { applyOp } from '../nn/support.js';
import {
  type ConvCase,
  convCase,
  convNode,
  convShapes,
  F32_UNIT,
  f64,
  layoutOf,
  TILED_CONV,
  wasmKernels,
  withJsKernels,
} from './support.js';

const SEED = 0xc0417;

const TILED = TILED_CONV;

/** The input coordinate of tap (u, v) for output position p, or null in the padding. */
function tapOf(g: ConvShape, p: number, u: number, v: number): [number, number] | null {
  const y = Math.floor(p / g.ow);
  const x = p % g.ow;
  const iy = y * g.rows.stride - g.rows.padBegin + u * g.rows.dilation;
  const ix = x * g.cols.stride - g.cols.padBegin + v * g.cols.dilation;
  return iy >= 0 && iy < g.height && ix >= 0 && ix < g.width ? [iy, ix] : null;
}

/** A tile of positions [p0, p0 + count) of a case, with the block's row length. */
const tileOf = (g: ConvShape, pick: number, size: number) => {
  const positions = g.oh * g.ow;
  const p0 = pick % positions;
  const count = Math.min(positions - p0, 1 + (size % positions));
  return { p0, count, ld: roundUp4(count) + (pick % 3) };
};

describe('kernels/conv-gemm', () => {
  const k = wasmKernels();

  it('im2col writes each tap of a tile of positions (0 in the padding and past the tile)', () => {
    fc.assert(
      fc.property(convCase, fc.nat(), fc.nat(), (c, pick, size) => {
        const node = convNode(c);
        const { geometry: g } = convShapes(c, node);
        const perGroup = c.perGroupIn;
        const plane = perGroup * c.height * c.width;
        const src = new Rng(c.seed + 1).uniformArray(plane, -1, 1);
        const { p0, count, ld } = tileOf(g, pick, size);
        const depth = perGroup * g.kh * g.kw;
        const at = layoutOf(k, { geometry: GEOMETRY_BYTES, src: 4 * plane, dst: 8 * depth * ld });
        k.i32.set(geometryBlock(g), at.geometry >> 2);
        k.f32.set(src, at.src >> 2);
        k.f64.fill(Number.NaN, at.dst >> 3, (at.dst >> 3) + depth * ld);
        k.exports.im2col(at.geometry, at.src, at.dst, ld, p0, count);
        for (let ch = 0; ch < perGroup; ch++)
          for (let u = 0; u < g.kh; u++)
            for (let v = 0; v < g.kw; v++) {
              const row = (at.dst >> 3) + ((ch * g.kh + u) * g.kw + v) * ld;
              for (let j = 0; j < roundUp4(count); j++) {
                const tap = j < count ? tapOf(g, p0 + j, u, v) : null;
                const expected = tap ? src[(ch * c.height + tap[0]) * c.width + tap[1]]! : 0;
                expect(k.f64[row + j]).toBe(expected);
              }
            }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('col2im adds each column back onto its tap and nothing onto the padding', () => {
    fc.assert(
      fc.property(convCase, fc.nat(), fc.nat(), (c, pick, size) => {
        const node = convNode(c);
        const { geometry: g } = convShapes(c, node);
        const plane = c.perGroupIn * c.height * c.width;
        const rng = new Rng(c.seed + 2);
        const { p0, count, ld } = tileOf(g, pick, size);
        const depth = c.perGroupIn * g.kh * g.kw;
        const columns = Float64Array.from({ length: depth * ld }, () => rng.uniform(-1, 1));
        const image = Float64Array.from({ length: plane }, () => rng.uniform(-1, 1));
        const expected = image.slice();
        for (let ch = 0; ch < c.perGroupIn; ch++)
          for (let u = 0; u < g.kh; u++)
            for (let v = 0; v < g.kw; v++)
              for (let j = 0; j < count; j++) {
                const tap = tapOf(g, p0 + j, u, v);
                if (tap)
                  expected[(ch * c.height + tap[0]) * c.width + tap[1]]! +=
                    columns[((ch * g.kh + u) * g.kw + v) * ld + j]!;
              }
        const at = layoutOf(k, { geometry: GEOMETRY_BYTES, src: 8 * columns.length, dst: 8 * plane });
        k.i32.set(geometryBlock(g), at.geometry >> 2);
        k.f64.set(columns, at.src >> 3);
        k.f64.set(image, at.dst >> 3);
        k.exports.col2im(at.geometry, at.src, ld, at.dst, p0, count);
        const actual = k.f64.subarray(at.dst >> 3, (at.dst >> 3) + plane);
        // Sums of the same terms in another order: equal to a few units of 2⁻⁵³.
        for (let i = 0; i < plane; i++)
          expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(1e-14 * (1 + g.kh * g.kw));
      }),
      { seed: SEED + 1, numRuns: 150 },
    );
  });

  /** The WebAssembly forward and the plain loop's for a case, accumulating in `accumulation`. */
  function forwardBoth(c: ConvCase, accumulation: Accumulation = 'float64') {
    const node = convNode(c);
    const { input, output, geometry } = convShapes(c, node);
    const x = {
      shape: [c.batch, ...input],
      data: new Rng(c.seed + 3).uniformArray(c.batch * sizeOf(input), -1, 1),
    };
    configureKernels({ accumulation });
    try {
      const plain = withJsKernels(() => applyOp(node, [x])).data;
      const fast = new Float32Array(c.batch * sizeOf(output));
      convForwardWasm(
        k,
        x.data,
        node.params.weight.data,
        node.params.bias.data,
        fast,
        geometry,
        accumulation,
      );
      const wide = withJsKernels(() => applyOp(node, [{ shape: x.shape, data: f64(x.data) }])).data;
      return { plain, fast, wide, node, x };
    } finally {
      configureKernels({ accumulation: 'float64' });
    }
  }

  it('float32 accumulation: forward equals the plain float32 loop bit for bit, within float32 error of float64', () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const { plain, fast, wide, node, x } = forwardBoth(c, 'float32');
        expect(fast).toEqual(plain);
        // Each output sums `depth` products and the bias, each partial sum rounded: within
        // (depth + 2)·u·Σ|terms| of the float64 result.
        const depth = c.perGroupIn * c.kernel[0] * c.kernel[1];
        const absolute = {
          ...node,
          params: {
            weight: { ...node.params.weight, data: f64(node.params.weight.data).map(Math.abs) },
            bias: { ...node.params.bias, data: f64(node.params.bias.data).map(Math.abs) },
          },
        } as unknown as typeof node;
        const magnitude = withJsKernels(() =>
          applyOp(absolute, [{ shape: x.shape, data: f64(x.data).map(Math.abs) }]),
        ).data;
        for (let i = 0; i < fast.length; i++)
          expect(Math.abs(fast[i]! - wide[i]!)).toBeLessThanOrEqual((depth + 2) * F32_UNIT * magnitude[i]!);
      }),
      { seed: SEED + 5, numRuns: 150 },
    );
  });

  it('float32 accumulation: forward across tiles of positions and depth passes, on two threads', () => {
    configureKernelThreads(2, 0);
    try {
      const { plain, fast } = forwardBoth({ ...TILED, perGroupIn: 40 }, 'float32');
      expect(fast).toEqual(plain);
    } finally {
      configureKernelThreads(2);
    }
  });

  it('forward equals the plain loop bit for bit with groups, strides, pads and dilations', () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const { plain, fast } = forwardBoth(c);
        expect(fast).toEqual(plain);
      }),
      { seed: SEED + 2, numRuns: 200 },
    );
  });

  it('forward equals the plain loop across tiles of positions and depth passes', () => {
    const { plain, fast } = forwardBoth(TILED);
    expect(fast).toEqual(plain);
  });

  it.each(['float64', 'float32'] as const)(
    '%s accumulation: two threads (forward by positions or channels, adjoint by taps then channels) compute what one does bit for bit',
    (accumulation) => {
      const cases: ConvCase[] = [
        // 399 positions in 2 uneven tiles, 4 panels of channels: split by channels
        { ...TILED, perGroupIn: 12, perGroupOut: 16, batch: 1 },
        // 1600 positions in 7 tiles, one panel: split by positions
        { ...TILED, group: 1, perGroupIn: 12, perGroupOut: 4, batch: 1, height: 40, width: 40 },
      ];
      for (const c of cases) {
        const node = convNode(c);
        const { input, output, geometry } = convShapes(c, node);
        const x = new Rng(c.seed + 5).uniformArray(c.batch * sizeOf(input), -1, 1);
        const forwardOn = (threads: 1 | 2) => {
          configureKernelThreads(threads, 0);
          const z = new Float32Array(c.batch * sizeOf(output));
          expect(
            convForwardWasm(k, x, node.params.weight.data, node.params.bias.data, z, geometry, accumulation),
          ).toBe(true);
          return z;
        };
        const s = new Rng(c.seed + 6).uniformArray(c.batch * sizeOf(output), -1, 1);
        const c0 = new Rng(c.seed + 7).uniformArray(c.batch * sizeOf(input), -1, 1);
        const adjointOn = (threads: 1 | 2) => {
          configureKernelThreads(threads, 0);
          const sum = c0.slice();
          expect(convAdjointWasm(k, node.params.weight.data, s, sum, geometry, accumulation)).toBe(true);
          return sum;
        };
        try {
          expect(forwardOn(2)).toEqual(forwardOn(1));
          expect(adjointOn(2)).toEqual(adjointOn(1));
        } finally {
          configureKernelThreads(2);
        }
      }
    },
  );

  it('forward and adjoint of an empty batch change nothing', () => {
    const c: ConvCase = { ...TILED, batch: 1 };
    const node = convNode(c);
    const { geometry } = convShapes(c, node);
    const empty = { ...geometry, batch: 0 };
    const none = new Float32Array(0);
    const { weight, bias } = node.params;
    expect(convForwardWasm(k, none, weight.data, bias.data, none, empty)).toBe(true);
    expect(convAdjointWasm(k, weight.data, none, none, empty)).toBe(true);
  });

  /**
   * Checks the WebAssembly adjoint of a case: within one float32 rounding of the float64 sum, and
   * within the plain loop's error bound (it rounds after each of its additions) of its result.
   */
  function checkAdjoint(c: ConvCase, accumulation: Accumulation = 'float64'): void {
    const node = convNode(c);
    const { input, output, geometry } = convShapes(c, node);
    const rng = new Rng(c.seed + 4);
    const s = rng.uniformArray(c.batch * sizeOf(output), -1, 1);
    const c0 = rng.uniformArray(c.batch * sizeOf(input), -1, 1);
    const w = node.params.weight.data;
    const fast = c0.slice();
    expect(convAdjointWasm(k, w, s, fast, geometry, accumulation)).toBe(true);
    const plain = c0.slice();
    withJsKernels(() => convAdjoint(node, input, output, s, plain));
    const exact = f64(c0);
    convAdjoint(node, input, output, f64(s), exact);
    const magnitude = f64(c0).map(Math.abs);
    convAdjoint(node, input, output, f64(s).map(Math.abs), magnitude, f64(w).map(Math.abs));
    // Each input element sums at most (outputs per group)·kh·kw terms.
    const terms = c.perGroupOut * c.kernel[0] * c.kernel[1];
    // With float32 accumulation a tap's products over the outputs are summed in float32 (at most
    // outputs-per-group roundings), the taps then in float64.
    const single = accumulation === 'float32' ? (c.perGroupOut + 1) * F32_UNIT : 0;
    for (let i = 0; i < fast.length; i++) {
      const once = F32_UNIT * Math.abs(exact[i]!) + (2 * terms * 2 ** -53 + single) * magnitude[i]!;
      expect(Math.abs(fast[i]! - exact[i]!)).toBeLessThanOrEqual(once);
      expect(Math.abs(fast[i]! - plain[i]!)).toBeLessThanOrEqual(
        ((terms + 2) * F32_UNIT + single) * magnitude[i]!,
      );
    }
  }

  it('adjoint rounds the float64 sum once, within the plain loop’s float32 error bound', () => {
    fc.assert(
      fc.property(convCase, (c) => checkAdjoint(c)),
      { seed: SEED + 3, numRuns: 150 },
    );
  });

  it('adjoint does so across tiles of positions and passes over the outputs', () => {
    // 130 outputs per group: passes of 128 and 2; 399 positions: tiles of 256 and 143.
    checkAdjoint({ ...TILED, perGroupIn: 3, perGroupOut: 130, batch: 1 });
  });

  it('float32 accumulation: adjoint within float32 error of the float64 sum', () => {
    fc.assert(
      fc.property(convCase, (c) => checkAdjoint(c, 'float32')),
      { seed: SEED + 6, numRuns: 150 },
    );
    // 300 outputs per group: float32 passes of 256 and 44; tiles of 256 and 143.
    checkAdjoint({ ...TILED, perGroupIn: 3, perGroupOut: 300, batch: 1 }, 'float32');
  });
});

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** gemm.wat's geometry block for a conv. */
function geometryBlock(g: ConvShape): number[] {
  return [
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
}

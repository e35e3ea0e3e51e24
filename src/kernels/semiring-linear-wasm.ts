/**
 * The dense branches of semiring-linear.ts on the WebAssembly SIMD kernels (gemm.wat's section
 * "Semiring layer passes"): the same passes with the same results bit for bit, since each value is
 * computed with the same float64 operations in the same order and maxima are order-free (see
 * gemm.wat). The JavaScript loops of semiring-linear.ts are the plain twins
 * (test/kernels/semiring-linear-wasm.test.ts).
 *
 * Convolutions visit the edges in the JavaScript loops' order (gemm.wat), with the whole input,
 * weight and outputs in memory; dense layers:
 * Layout per call: the input as float64 (one row of ones, row stride 0, for an input of ones), a
 * block of W's rows as float32 (at most `BLOCK_BYTES`, so that VGG-16's 25088 × 4096 layer needs
 * little memory), the per-output and per-input float64 arrays whole. Each function returns false,
 * having changed nothing, when the kernels' memory cannot hold its buffers; the caller then runs
 * the JavaScript loop.
 */
import type { ConvShape, DenseShape, ThresholdPass } from './semiring-linear.js';
import { commandBytes, type KernelCalls, kernelTeamFor } from './threads.js';
import type { WasmKernels } from './wasm-kernels.js';

type Numbers = Float32Array | Float64Array;

/** The exports of gemm.wat's semiring section (pointers in bytes, lengths in elements). */
interface SemiringExports {
  sr_max_abs_dense(
    x: number,
    xStride: number,
    w: number,
    live: number,
    m: number,
    rows: number,
    nIn: number,
    nOut: number,
    k0: number,
    kc: number,
  ): void;
  sr_max_times_dense(
    w: number,
    s: number,
    acc: number,
    rows: number,
    nIn: number,
    nOut: number,
    k0: number,
    kc: number,
  ): void;
  sr_threshold_dense(
    x: number,
    xStride: number,
    w: number,
    factor: number,
    R: number,
    out: number,
    rows: number,
    nIn: number,
    nOut: number,
    k0: number,
    kc: number,
    sign: number,
    tau: number,
    mode: number,
  ): void;
}

/** Bytes of the block of W's rows one kernel call reads. */
const BLOCK_BYTES = 4 * 2 ** 20;

const exportsOf = (kernels: WasmKernels): SemiringExports => kernels.exports as unknown as SemiringExports;

/** Rows of W per block. */
const blockRows = (nIn: number, nOut: number): number =>
  Math.max(1, Math.min(nOut, Math.floor(BLOCK_BYTES / (4 * Math.max(1, nIn)))));

/** Copies x (or one row of ones) into the memory as float64 at `at`; returns the row stride in bytes. */
function putInput(kernels: WasmKernels, x: Numbers | null, nIn: number, at: number): number {
  if (x === null) {
    kernels.f64.fill(1, at >> 3, (at >> 3) + nIn);
    return 0;
  }
  kernels.f64.set(x, at >> 3);
  return 8 * nIn;
}

/** `maxAbsForward` of a dense layer (see semiring-linear.ts), W float32. */
export function maxAbsForwardWasm(
  kernels: WasmKernels,
  shape: DenseShape,
  batch: number,
  x: Numbers | null,
  w: Float32Array,
  live: Uint8Array,
  m: Float64Array,
): boolean {
  const { nIn, nOut } = shape;
  const rows = batch * shape.rows;
  const kb = blockRows(nIn, nOut);
  const at = kernels.layout({
    x: 8 * (x === null ? nIn : rows * nIn),
    w: 4 * kb * nIn,
    live: rows * nOut,
    m: 8 * rows * nOut,
  });
  if (at === null) return false;
  const xStride = putInput(kernels, x, nIn, at.x);
  new Uint8Array(kernels.exports.memory.buffer, at.live, rows * nOut).set(live);
  kernels.f64.set(m, at.m >> 3);
  const e = exportsOf(kernels);
  for (let k0 = 0; k0 < nOut; k0 += kb) {
    const kc = Math.min(kb, nOut - k0);
    kernels.f32.set(w.subarray(k0 * nIn, (k0 + kc) * nIn), at.w >> 2);
    e.sr_max_abs_dense(at.x, xStride, at.w, at.live, at.m, rows, nIn, nOut, k0, kc);
  }
  m.set(kernels.f64.subarray(at.m >> 3, (at.m >> 3) + rows * nOut));
  return true;
}

/** `maxTimesAdjoint` of a dense layer (see semiring-linear.ts), W float32. */
export function maxTimesAdjointWasm(
  kernels: WasmKernels,
  shape: DenseShape,
  batch: number,
  w: Float32Array,
  s: Float64Array,
  out: Float64Array,
  skip: Numbers | null,
): boolean {
  const { nIn, nOut } = shape;
  const rows = batch * shape.rows;
  const kb = blockRows(nIn, nOut);
  const at = kernels.layout({ w: 4 * kb * nIn, s: 8 * rows * nOut, acc: 8 * rows * nIn });
  if (at === null) return false;
  const { f64 } = kernels;
  f64.set(s, at.s >> 3);
  // NOTE: the maxima start at 0 (every candidate is ≥ 0) and are merged into `out` at the end,
  // where rows skipped for a zero input are left alone.
  f64.fill(0, at.acc >> 3, (at.acc >> 3) + rows * nIn);
  const e = exportsOf(kernels);
  for (let k0 = 0; k0 < nOut; k0 += kb) {
    const kc = Math.min(kb, nOut - k0);
    kernels.f32.set(w.subarray(k0 * nIn, (k0 + kc) * nIn), at.w >> 2);
    e.sr_max_times_dense(at.w, at.s, at.acc, rows, nIn, nOut, k0, kc);
  }
  const acc = at.acc >> 3;
  for (let j = 0; j < rows * nIn; j++) {
    const v = f64[acc + j]!;
    if ((skip === null || skip[j] !== 0) && v > out[j]!) out[j] = v;
  }
  return true;
}

/** `thresholdAdjoint` of a dense layer (see semiring-linear.ts), W float32. */
export function thresholdAdjointWasm(
  kernels: WasmKernels,
  shape: DenseShape,
  batch: number,
  pass: ThresholdPass,
  w: Float32Array,
  R: Float64Array,
  out: Float64Array,
): boolean {
  const { nIn, nOut } = shape;
  const rows = batch * shape.rows;
  const x = pass.input;
  const kb = blockRows(nIn, nOut);
  const at = kernels.layout({
    x: 8 * (x === null ? nIn : rows * nIn),
    w: 4 * kb * nIn,
    factor: 8 * rows * nOut,
    R: 8 * rows * nOut,
    out: 8 * rows * nIn,
  });
  if (at === null) return false;
  const { f64 } = kernels;
  const xStride = putInput(kernels, x, nIn, at.x);
  f64.set(pass.factor, at.factor >> 3);
  f64.set(R, at.R >> 3);
  f64.set(out, at.out >> 3);
  const mode = (pass.absolute ? 2 : 0) + (pass.count ? 1 : 0);
  const e = exportsOf(kernels);
  for (let k0 = 0; k0 < nOut; k0 += kb) {
    const kc = Math.min(kb, nOut - k0);
    kernels.f32.set(w.subarray(k0 * nIn, (k0 + kc) * nIn), at.w >> 2);
    e.sr_threshold_dense(
      at.x,
      xStride,
      at.w,
      at.factor,
      at.R,
      at.out,
      rows,
      nIn,
      nOut,
      k0,
      kc,
      pass.sign,
      pass.tau,
      mode,
    );
  }
  out.set(f64.subarray(at.out >> 3, (at.out >> 3) + rows * nIn));
  return true;
}

/** What one convolution pass computes (gemm.wat's `sr_conv` modes). */
export type ConvPass =
  | { readonly kind: 'maxAbs'; readonly x: Numbers | null; readonly m: Float64Array }
  | { readonly kind: 'maxTimes'; readonly s: Float64Array; readonly out: Float64Array }
  | {
      readonly kind: 'threshold';
      readonly pass: ThresholdPass;
      readonly R: Float64Array;
      readonly out: Float64Array;
    };

/** The output range [start, end) of one axis whose tap at `offset` lies inside [0, length). */
export type TapRange = (
  outLength: number,
  length: number,
  stride: number,
  offset: number,
) => [number, number];

/** Bytes of `sr_conv`'s geometry block: 17 int32 words, padding, then σ and τ as float64. */
const GEOMETRY_BYTES = 88;

/**
 * One convolution pass (see semiring-linear.ts) over the batch, W float32; `tapRange` is the
 * JavaScript loops' own, so both skip the same padding taps.
 *
 * NOTE: performance. A pass of at least 2·THREAD_MIN_MACS edges is split between the kernel
 * threads (threads.ts): the column maxima by output channel, the adjoints by input channel of each
 * group, so that the two threads write disjoint outputs, each in the single thread's order (the
 * results stay identical).
 */
export function convPassWasm(
  kernels: WasmKernels,
  shape: ConvShape,
  batch: number,
  w: Float32Array,
  run: ConvPass,
  tapRange: TapRange,
): boolean {
  const s = shape;
  const perIn = s.channels * s.height * s.width;
  const perOut = s.outChannels * s.outHeight * s.outWidth;
  const threshold = run.kind === 'threshold';
  const edges = (batch * perOut * w.length) / s.outChannels;
  const team = kernelTeamFor(edges / 2);
  const used = team?.kernels ?? kernels;
  const at = used.layout({
    commands: commandBytes(1),
    geo: GEOMETRY_BYTES,
    ranges: 8 * (s.kh + s.kw),
    w: 4 * w.length,
    x: run.kind === 'maxTimes' ? 0 : 8 * batch * perIn,
    a: 8 * batch * perOut,
    f: threshold ? 8 * batch * perOut : 0,
    out: run.kind === 'maxAbs' ? 0 : 8 * batch * perIn,
  });
  if (at === null) return false;
  const { f32, f64, i32 } = used;
  i32.set(
    [
      batch,
      s.channels,
      s.height,
      s.width,
      s.outChannels,
      s.outHeight,
      s.outWidth,
      s.channels / s.groups,
      s.outChannels / s.groups,
      s.kh,
      s.kw,
      s.strideY,
      s.strideX,
      s.dilationY,
      s.dilationX,
      s.padY,
      s.padX,
    ],
    at.geo >> 2,
  );
  for (let u = 0; u < s.kh; u++)
    i32.set(tapRange(s.outHeight, s.height, s.strideY, u * s.dilationY - s.padY), (at.ranges >> 2) + 2 * u);
  for (let v = 0; v < s.kw; v++)
    i32.set(
      tapRange(s.outWidth, s.width, s.strideX, v * s.dilationX - s.padX),
      (at.ranges >> 2) + 2 * (s.kh + v),
    );
  f32.set(w, at.w >> 2);
  const input = run.kind === 'maxAbs' ? run.x : run.kind === 'threshold' ? run.pass.input : null;
  if (run.kind !== 'maxTimes') {
    if (input === null) f64.fill(1, at.x >> 3, (at.x >> 3) + batch * perIn);
    else f64.set(input, at.x >> 3);
  }
  const a = run.kind === 'maxAbs' ? run.m : run.kind === 'maxTimes' ? run.s : run.R;
  f64.set(a, at.a >> 3);
  if (run.kind !== 'maxAbs') f64.set(run.out, at.out >> 3);
  let mode = 0;
  let sign = 1;
  let tau = 0;
  if (run.kind === 'maxTimes') mode = 1;
  else if (run.kind === 'threshold') {
    f64.set(run.pass.factor, at.f >> 3);
    mode = 2 + (run.pass.absolute ? 2 : 0) + (run.pass.count ? 1 : 0);
    sign = run.pass.sign;
    tau = run.pass.tau;
  }
  f64[(at.geo >> 3) + 9] = sign;
  f64[(at.geo >> 3) + 10] = tau;
  // Column maxima split by output channel, the adjoints by input channel of a group.
  const range = mode === 0 ? s.outChannels : s.channels / s.groups;
  const call = (y: Pick<KernelCalls, 'sr_conv'>, lo: number, hi: number) =>
    y.sr_conv(at.geo, at.ranges, at.w, at.x, at.a, at.f, at.out, mode, lo, hi);
  if (team === null || range < 2) call(used.exports, 0, range);
  else {
    const half = range >> 1;
    team.run(
      at.commands,
      commandBytes(1),
      (y) => call(y, half, range),
      (y) => call(y, 0, half),
    );
  }
  if (run.kind === 'maxAbs') run.m.set(f64.subarray(at.a >> 3, (at.a >> 3) + batch * perOut));
  else run.out.set(f64.subarray(at.out >> 3, (at.out >> 3) + batch * perIn));
  return true;
}

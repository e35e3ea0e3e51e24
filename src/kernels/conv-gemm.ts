/**
 * The convolution's float32 loops on the WebAssembly GEMM (gemm.wat), per sample and group, with
 * k = (c, u, v) a tap of the window and p = (y, x) an output position:
 *   forward   z[o, p] = b[o] + Σ_k W[o, k]·col[k, p]                 (M = O/g, N = positions, depth K)
 *   adjoint   col'[k, p] = Σ_o W[o, k]·s[o, p], then c += col2im(col')  (M = K, N = positions, depth O/g)
 *   ∂W        ∂W[o, k] += Σ_n Σ_p ∂z[n, o, p]·col_n[k, p]            (M = O/g, N = K, depth positions)
 * where col[k, p] = a[c, y·sh − pt + u·dh, x·sw − pl + v·dw] (0 in the padding) is built by
 * gemm.wat's im2col (im2col_panels for the weight gradient). The plain twins are
 * src/nn/ops/conv-kernel.ts, src/nn/adjoints/conv.ts and src/nn/train/conv-gradient.ts. The
 * forward results equal theirs bit for bit; the adjoint sums each input element in float64 and
 * rounds once, where the JavaScript loop rounds after every addition; the weight gradient sums
 * each weight's products over the whole batch in float64, in order of sample then position, and
 * rounds once, where the JavaScript loop rounds once per sample and tile of positions.
 *
 * NOTE: performance. Positions are taken `TILE` at a time, so that the rows of a tile's columns
 * that one GEMM pass reads (DEPTH × TILE float64, 256 KiB) stay in L2 while each panel of A
 * (DEPTH × 4, 4 KiB) sits in L1. The columns are row-major [k][TILE] rather than packed: im2col then
 * writes whole output rows (converted four taps per instruction at stride 1) and the GEMM is as
 * fast on them (bench/gemm.bench.ts). The weights of a group are packed once per call, the input
 * planes of a sample and group copied in once, and the output planes copied back with one `set`.
 * The weight gradient's operands have the positions as their depth: ∂z in panels of 4 channels
 * (TILE × 4, 8 KiB, in L1), the tile's columns in panels of 4 taps, read by one GEMM call in blocks
 * of at most `PANEL_BYTES` (in L2); a group's ∂W stays in a float64 accumulator for the whole batch.
 */
import type { Accumulation } from './backend.js';
import { roundUp4 } from './gemm.js';
import { commandBytes, directCalls, type KernelCalls, kernelTeamFor } from './threads.js';
import { GEOMETRY_BYTES, gemmColumnBlocks, type WasmKernels } from './wasm-kernels.js';

/** Output positions per tile (a multiple of 4). */
const TILE = 256;
/** Depth per GEMM pass (float64 operands). */
const DEPTH = 128;
/** Depth per GEMM pass with float32 operands: the same bytes of columns per pass. */
const DEPTH32 = 256;

/** What an accumulation means for the buffers: float32 or float64 operands, and the pass depth. */
interface Precision {
  /** float32 operands and accumulator (gemm32 and its packing), else float64. */
  readonly single: boolean;
  /** Bytes of an operand or accumulator element. */
  readonly bytes: 4 | 8;
  /** Depth per GEMM pass. */
  readonly passDepth: number;
}

const precisionOf = (accumulation: Accumulation): Precision =>
  accumulation === 'float32'
    ? { single: true, bytes: 4, passDepth: DEPTH32 }
    : { single: false, bytes: 8, passDepth: DEPTH };
/** Bytes of the block of tap panels one weight-gradient GEMM call reads. */
const PANEL_BYTES = 256 * 2 ** 10;

/** One axis of a convolution window. */
export interface ConvAxis {
  readonly stride: number;
  readonly dilation: number;
  readonly padBegin: number;
}

/** The sizes of a convolution, batch included (src/nn/ops/conv-kernel.ts's `ConvGeometry` fits). */
export interface ConvShape {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly group: number;
  readonly kh: number;
  readonly kw: number;
  readonly oh: number;
  readonly ow: number;
  readonly rows: ConvAxis;
  readonly cols: ConvAxis;
}

/** Writes gemm.wat's geometry block (see its header) at byte offset `at`. */
function writeGeometry(kernels: WasmKernels, at: number, g: ConvShape): void {
  const { rows, cols } = g;
  kernels.i32.set(
    [
      g.channels / g.group,
      g.height,
      g.width,
      g.kh,
      g.kw,
      rows.stride,
      cols.stride,
      rows.dilation,
      cols.dilation,
      rows.padBegin,
      cols.padBegin,
      g.ow,
    ],
    at >> 2,
  );
}

/** The buffers of a forward call (byte offsets), for `forwardTiles`. */
interface ForwardBuffers {
  readonly geometry: number;
  readonly bias: number;
  readonly weightPanels: number;
  readonly input: number;
  readonly out: number;
}

/**
 * One GEMM pass over `kc` steps of the depth: C += A·B for `mPanels` panels of A (each `depth` steps
 * long) and the `count` columns of a row-major B [k][TILE], C row-major [rows][TILE]; in float64
 * (gemm, operands float64) or, with `single`, in float32 (gemm32, operands float32).
 */
function gemmPass(
  x: KernelCalls,
  single: boolean,
  a: number,
  depth: number,
  b: number,
  c: number,
  mPanels: number,
  count: number,
  kc: number,
): void {
  if (single) x.gemm32(a, 4 * depth, b, TILE, c, TILE, mPanels, (count + 7) >> 3, kc);
  else x.gemm(a, 4 * depth, b, 4, TILE, c, TILE, mPanels, roundUp4(count) >> 2, kc);
}

/** One forward call's constants, for the steps of a tile. */
interface ForwardCall {
  readonly at: ForwardBuffers;
  /** float32 accumulation (gemm32, panels and columns float32), else float64. */
  readonly precision: Precision;
  readonly o0: number;
  readonly outs: number;
  readonly depth: number;
  readonly positions: number;
}

/** A tile's columns (im2col) and its accumulator set to the bias, for `count` positions from t0. */
function prepareTile(
  x: KernelCalls,
  f: ForwardCall,
  columns: number,
  acc: number,
  t0: number,
  count: number,
): void {
  const { at, outs } = f;
  const { single, bytes } = f.precision;
  if (single) x.im2col32(at.geometry, at.input, columns, TILE, t0, count);
  else x.im2col(at.geometry, at.input, columns, TILE, t0, count);
  x.zero(acc, bytes * roundUp4(outs) * TILE);
  if (single) x.copy32(at.bias + 4 * f.o0, 1, 0, acc, TILE, 1, outs, count);
  else x.load(at.bias + 4 * f.o0, 1, 0, acc, TILE, outs, count);
}

/**
 * The outputs of panels q0 … q1 − 1 (channels 4·q0 …) of a prepared tile: the GEMM passes over the
 * depth, then the store into `out`.
 */
function finishTile(
  x: KernelCalls,
  f: ForwardCall,
  columns: number,
  acc: number,
  t0: number,
  count: number,
  q0: number,
  q1: number,
): void {
  const { at, depth } = f;
  const { single, bytes, passDepth } = f.precision;
  const rows = acc + 4 * bytes * TILE * q0;
  for (let k0 = 0; k0 < depth; k0 += passDepth) {
    const a = at.weightPanels + 4 * bytes * (depth * q0 + k0);
    gemmPass(
      x,
      single,
      a,
      depth,
      columns + bytes * TILE * k0,
      rows,
      q1 - q0,
      count,
      Math.min(passDepth, depth - k0),
    );
  }
  const outs = Math.min(f.outs, 4 * q1) - 4 * q0;
  const out = at.out + 4 * (4 * q0 * f.positions + t0);
  if (single) x.copy32(rows, TILE, 1, out, f.positions, 1, outs, count);
  else x.store(rows, TILE, out, f.positions, 1, outs, count);
}

/**
 * Output positions p0 … p1 − 1 (a multiple of TILE apart, or up to the last) of one sample and
 * group, from its input plane and the group's weight panels into `out`, tile by tile, with the
 * given im2col columns and accumulator.
 */
function forwardTiles(
  x: KernelCalls,
  f: ForwardCall,
  columns: number,
  acc: number,
  p0: number,
  p1: number,
): void {
  const panels = roundUp4(f.outs) >> 2;
  for (let t0 = p0; t0 < p1; t0 += TILE) {
    const count = Math.min(TILE, p1 - t0);
    prepareTile(x, f, columns, acc, t0, count);
    finishTile(x, f, columns, acc, t0, count, 0, panels);
  }
}

/**
 * z = conv(a; w, b) for a float32 batch (see the file header). Returns false, writing nothing,
 * when the kernels' memory cannot hold the call's buffers.
 *
 * NOTE: performance. A large call (threads.ts's `kernelTeamFor`) runs on the kernel threads: for
 * each sample and group the worker computes the second half of the tiles of positions, this thread
 * the first, each with its own columns and accumulator; or, where the positions make too few tiles
 * to halve (a 14 × 14 layer is one tile), this thread builds each tile's columns and the two then
 * compute half of its output channels each. `kernels` is then not used.
 */
export function convForwardWasm(
  kernels: WasmKernels,
  a: Float32Array,
  w: Float32Array,
  b: Float32Array,
  z: Float32Array,
  g: ConvShape,
  accumulation: Accumulation = 'float64',
): boolean {
  const precision = precisionOf(accumulation);
  const { single, bytes, passDepth } = precision;
  const perGroup = g.channels / g.group;
  const outs = g.outChannels / g.group;
  const depth = perGroup * g.kh * g.kw;
  const positions = g.oh * g.ow;
  const plane = perGroup * g.height * g.width;
  const tiles = Math.ceil(positions / TILE);
  const panels = roundUp4(outs) >> 2;
  // Two threads take either the tiles of positions (the first `mine` positions of each sample and
  // group stay on this thread) or, where that halves the work worse (few tiles: VGG-16's 14 × 14
  // and 28 × 28 layers), the output channels of each tile, its columns built here first.
  const mine = Math.floor(tiles / 2) * TILE;
  const byPositions = Math.max(mine, positions - mine) / positions;
  const byChannels = Math.ceil(panels / 2) / panels;
  const splitChannels = panels >= 2 && byChannels + 0.02 < byPositions;
  const half = panels >> 1;
  const team = splitChannels
    ? kernelTeamFor(4 * half * depth * positions)
    : tiles >= 2
      ? kernelTeamFor(outs * depth * mine)
      : null;
  const used = team?.kernels ?? kernels;
  const passes = Math.ceil(depth / passDepth);
  const theirs = team === null ? 0 : splitChannels ? 1 + passes : (tiles - mine / TILE) * (4 + passes);
  const at = used.layout({
    geometry: GEOMETRY_BYTES,
    bias: 4 * g.outChannels,
    weight: 4 * outs * depth,
    weightPanels: bytes * roundUp4(outs) * depth,
    input: 4 * plane,
    columns: bytes * TILE * depth,
    acc: bytes * roundUp4(outs) * TILE,
    out: 4 * outs * positions,
    theirColumns: team === null || splitChannels ? 0 : bytes * TILE * depth,
    theirAcc: team === null || splitChannels ? 0 : bytes * roundUp4(outs) * TILE,
    commands: commandBytes(theirs),
  });
  if (at === null) return false;
  const { f32, exports: x } = used;
  const direct = directCalls(used);
  writeGeometry(used, at.geometry, g);
  f32.set(b, at.bias >> 2);
  for (let grp = 0; grp < g.group; grp++) {
    const o0 = grp * outs;
    f32.set(w.subarray(o0 * depth, (o0 + outs) * depth), at.weight >> 2);
    if (single) x.pack32(at.weight, outs, depth, depth, at.weightPanels);
    else x.pack(at.weight, outs, depth, depth, at.weightPanels);
    for (let n = 0; n < g.batch; n++) {
      const plane0 = (n * g.channels + grp * perGroup) * g.height * g.width;
      f32.set(a.subarray(plane0, plane0 + plane), at.input >> 2);
      const f: ForwardCall = { at, precision, o0, outs, depth, positions };
      if (team === null) forwardTiles(direct, f, at.columns, at.acc, 0, positions);
      else if (splitChannels)
        for (let t0 = 0; t0 < positions; t0 += TILE) {
          const count = Math.min(TILE, positions - t0);
          prepareTile(direct, f, at.columns, at.acc, t0, count);
          team.run(
            at.commands,
            commandBytes(theirs),
            (y) => finishTile(y, f, at.columns, at.acc, t0, count, half, panels),
            (y) => finishTile(y, f, at.columns, at.acc, t0, count, 0, half),
          );
        }
      else
        team.run(
          at.commands,
          commandBytes(theirs),
          (y) => forwardTiles(y, f, at.theirColumns, at.theirAcc, mine, positions),
          (y) => forwardTiles(y, f, at.columns, at.acc, 0, mine),
        );
      const out0 = (n * g.outChannels + o0) * positions;
      z.set(f32.subarray(at.out >> 2, (at.out >> 2) + outs * positions), out0);
    }
  }
  return true;
}

/**
 * c += convᵀ(s; w) for float32 s ([N, O, oh, ow]), w and c ([N, C, H, W]) (see the file header).
 * Returns false, changing nothing, when the kernels' memory cannot hold the call's buffers.
 *
 * NOTE: performance. On the kernel threads (threads.ts's `kernelTeamFor`, for large tiles) the
 * worker computes the second half of each tile's column rows (panels of taps), this thread the
 * first; then each adds the taps of half the channels into their own planes of the image (col2im,
 * in the single-threaded order within a plane).
 */
export function convAdjointWasm(
  kernels: WasmKernels,
  w: Float32Array,
  s: Float32Array,
  c: Float32Array,
  g: ConvShape,
  accumulation: Accumulation = 'float64',
): boolean {
  const { single, bytes, passDepth } = precisionOf(accumulation);
  const perGroup = g.channels / g.group;
  const outs = g.outChannels / g.group;
  const depth = perGroup * g.kh * g.kw;
  const positions = g.oh * g.ow;
  const plane = perGroup * g.height * g.width;
  const panels = roundUp4(depth) >> 2;
  const half = panels >> 1;
  // NOTE: a hand-off per tile, with col2im on this thread alone, pays from about twice the
  // forward's block size (bench/gemm.bench.ts, `threads`): the block is counted at half its size.
  const team = half > 0 ? kernelTeamFor(2 * half * outs * Math.min(TILE, positions)) : null;
  const used = team?.kernels ?? kernels;
  // The worker's calls per tile: a zero and the gemm passes.
  const theirs = team === null ? 0 : 1 + Math.ceil(outs / passDepth);
  // col2im on two threads too, each adding the taps of half the channels into their planes.
  const lowChannels = perGroup >> 1;
  const at = used.layout({
    geometry: GEOMETRY_BYTES,
    lowGeometry: GEOMETRY_BYTES,
    highGeometry: GEOMETRY_BYTES,
    weight: 4 * outs * depth,
    weightPanels: bytes * roundUp4(depth) * outs,
    grad: 4 * outs * positions,
    gradColumns: bytes * TILE * outs,
    acc: bytes * roundUp4(depth) * TILE,
    image: 8 * plane,
    out: 4 * plane,
    commands: commandBytes(theirs),
  });
  if (at === null) return false;
  const { f32, f64, exports: x } = used;
  const direct = directCalls(used);
  // Column rows of panels q0 … q1 − 1 of a tile of `count` positions into the accumulator.
  const columnRows = (y: KernelCalls, count: number, q0: number, q1: number): void => {
    const rows = at.acc + 4 * bytes * TILE * q0;
    y.zero(rows, 4 * bytes * TILE * (q1 - q0));
    for (let k0 = 0; k0 < outs; k0 += passDepth) {
      const a = at.weightPanels + 4 * bytes * (outs * q0 + k0);
      gemmPass(
        y,
        single,
        a,
        outs,
        at.gradColumns + bytes * TILE * k0,
        rows,
        q1 - q0,
        count,
        Math.min(passDepth, outs - k0),
      );
    }
  };
  writeGeometry(used, at.geometry, g);
  writeGeometry(used, at.lowGeometry, { ...g, channels: lowChannels * g.group });
  writeGeometry(used, at.highGeometry, { ...g, channels: (perGroup - lowChannels) * g.group });
  const taps = g.kh * g.kw;
  const col2im = (y: KernelCalls, geometry: number, c0: number, p0: number, count: number): void => {
    const src = at.acc + bytes * TILE * taps * c0;
    const image = at.image + 8 * c0 * g.height * g.width;
    if (single) y.col2im32(geometry, src, TILE, image, p0, count);
    else y.col2im(geometry, src, TILE, image, p0, count);
  };
  for (let grp = 0; grp < g.group; grp++) {
    const o0 = grp * outs;
    f32.set(w.subarray(o0 * depth, (o0 + outs) * depth), at.weight >> 2);
    if (single) x.pack_t32(at.weight, outs, depth, depth, at.weightPanels);
    else x.pack_t(at.weight, outs, depth, depth, at.weightPanels);
    for (let n = 0; n < g.batch; n++) {
      const s0 = (n * g.outChannels + o0) * positions;
      const plane0 = (n * g.channels + grp * perGroup) * g.height * g.width;
      f32.set(s.subarray(s0, s0 + outs * positions), at.grad >> 2);
      f32.set(c.subarray(plane0, plane0 + plane), at.out >> 2);
      x.load(at.out, 0, 1, at.image, plane, 1, plane);
      for (let p0 = 0; p0 < positions; p0 += TILE) {
        const count = Math.min(TILE, positions - p0);
        // s[o, p0 + j] as [outs][TILE], 0 past the tile's last position
        f64.fill(0, at.gradColumns >> 3, (at.gradColumns + bytes * TILE * outs) >> 3);
        if (single) x.copy32(at.grad + 4 * p0, positions, 1, at.gradColumns, TILE, 1, outs, count);
        else x.load(at.grad + 4 * p0, positions, 1, at.gradColumns, TILE, outs, count);
        if (team === null) {
          columnRows(direct, count, 0, panels);
          col2im(direct, at.geometry, 0, p0, count);
        } else {
          team.run(
            at.commands,
            commandBytes(theirs),
            (y) => columnRows(y, count, half, panels),
            (y) => columnRows(y, count, 0, half),
          );
          if (lowChannels === 0) col2im(direct, at.geometry, 0, p0, count);
          else
            team.run(
              at.commands,
              commandBytes(1),
              (y) => col2im(y, at.highGeometry, lowChannels, p0, count),
              (y) => col2im(y, at.lowGeometry, 0, p0, count),
            );
        }
      }
      x.store(at.image, plane, at.out, 0, 1, 1, plane);
      c.set(f32.subarray(at.out >> 2, (at.out >> 2) + plane), plane0);
    }
  }
  return true;
}

/**
 * ∂W += Σ_n ∂z_n·col_nᵀ for a float32 batch a ([N, C, H, W]), ∂z ([N, O, oh, ow]) and ∂W (the
 * weight's shape) (see the file header). Returns false, changing nothing, when the kernels' memory
 * cannot hold the call's buffers.
 */
export function convWeightGradientWasm(
  kernels: WasmKernels,
  a: Float32Array,
  gz: Float32Array,
  gw: Float32Array,
  g: ConvShape,
): boolean {
  const perGroup = g.channels / g.group;
  const outs = g.outChannels / g.group;
  const depth = perGroup * g.kh * g.kw;
  const ldc = roundUp4(depth);
  const positions = g.oh * g.ow;
  const plane = perGroup * g.height * g.width;
  if (g.batch * positions === 0) return true;
  const tile = Math.min(TILE, positions);
  const tapBlock = Math.max(4, Math.floor(PANEL_BYTES / (8 * tile)) & ~3);
  const at = kernels.layout({
    geometry: GEOMETRY_BYTES,
    input: 4 * plane,
    grad: 4 * outs * positions,
    gradPanels: 8 * roundUp4(outs) * tile,
    columns: 8 * ldc * tile,
    weight: 4 * outs * depth,
    acc: 8 * roundUp4(outs) * ldc,
  });
  if (at === null) return false;
  const { f32, f64, exports: x } = kernels;
  writeGeometry(kernels, at.geometry, g);
  for (let grp = 0; grp < g.group; grp++) {
    const o0 = grp * outs;
    f32.set(gw.subarray(o0 * depth, (o0 + outs) * depth), at.weight >> 2);
    // Padding rows and columns of the accumulator start at 0 (never stored; no stray NaNs).
    f64.fill(0, at.acc >> 3, (at.acc >> 3) + roundUp4(outs) * ldc);
    x.load(at.weight, depth, 1, at.acc, ldc, outs, depth);
    for (let n = 0; n < g.batch; n++) {
      const plane0 = (n * g.channels + grp * perGroup) * g.height * g.width;
      const s0 = (n * g.outChannels + o0) * positions;
      f32.set(a.subarray(plane0, plane0 + plane), at.input >> 2);
      f32.set(gz.subarray(s0, s0 + outs * positions), at.grad >> 2);
      for (let p0 = 0; p0 < positions; p0 += tile) {
        const count = Math.min(tile, positions - p0);
        x.im2col_panels(at.geometry, at.input, at.columns, p0, count);
        x.pack(at.grad + 4 * p0, outs, count, positions, at.gradPanels);
        gemmColumnBlocks(x, at.gradPanels, at.columns, at.acc, ldc, outs, tapBlock, count);
      }
    }
    x.store(at.acc, ldc, at.weight, depth, 1, outs, depth);
    gw.set(f32.subarray(at.weight >> 2, (at.weight >> 2) + outs * depth), o0 * depth);
  }
  return true;
}

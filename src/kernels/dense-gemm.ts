/**
 * The dense layer's float32 loops on the WebAssembly GEMM (gemm.wat), W being [out, in]:
 *   forward          z[r, k] = b[k] + Σ_j W[k, j]·a[r, j]     (C = W·aᵀ: M = out, N = rows, depth in)
 *   adjoint          c[r, j] += Σ_k W[k, j]·s[r, k]           (C = Wᵀ·sᵀ: M = in, N = rows, depth out)
 *   weight gradient  ∂W[k, j] += Σ_r ∂z[r, k]·a[r, j]        (C = ∂zᵀ·a: M = out, N = in, depth rows)
 * The plain twins are the loops of src/nn/ops/dense.ts, src/nn/adjoints/dense.ts and
 * src/nn/train/dense-gradient.ts. The forward results equal theirs bit for bit; the adjoint and
 * the weight gradient round to float32 once per element where the JavaScript loops round after
 * every addition. The weight gradient is, bit for bit, ∂W plus the float64 sum of its rows'
 * products in order of r, rounded once (test/kernels/weight-gradient-gemm.test.ts).
 *
 * A single sample (a batch of one, as an explanation usually is) is not packed: gemm.wat's
 * `gemv_rows` and `gemv_t_rows` read W's float32 rows as they are and add each output's products
 * in the same order, so a sample's results are the same bits alone as in a batch.
 *
 * NOTE: performance. Rows are taken `ROWS` at a time and W in blocks of at most `BLOCK_BYTES`
 * (float32 copy and float64 panels), so that scratch memory stays small even for VGG-16's
 * 25088 × 4096 layer; the depth is split into passes of `DEPTH` so that a panel of A (DEPTH × 4
 * float64, 8 KiB) stays in L1 while the panels of B go by. The weight gradient keeps a block of ∂W
 * (at most `BLOCK_BYTES` of float64) in memory over all the rows, so each element is rounded once,
 * and splits the panels of the rows of a pass into blocks of `PANEL_BYTES`, which stay in L2 while
 * the panels of ∂z go by; with at most `DEPTH` rows (a training batch) a's panels are packed once.
 */
import { roundUp4 } from './gemm.js';
import { commandBytes, directCalls, type KernelCalls, kernelTeamFor } from './threads.js';
import { gemmColumnBlocks, type KernelExports, type Layout, type WasmKernels } from './wasm-kernels.js';

/** Rows (samples) per block. */
const ROWS = 64;
/** Depth per GEMM pass. */
const DEPTH = 256;
/** Bytes of a block of W (float32 copy plus float64 panels), or of a block of ∂W's accumulator. */
const BLOCK_BYTES = 4 * 2 ** 20;
/** Bytes of the block of a's panels one weight-gradient GEMM call reads. */
const PANEL_BYTES = 256 * 2 ** 10;

/**
 * C += A·Bᵀ for `mPanels` panels of A and the `n` rows of B's panels (B packed, `bStride` elements
 * from one panel to the next): `gemv` for a single row, where the 4 × 4 tile would multiply three
 * rows of padding; the same bits either way.
 */
function multiply(
  y: KernelCalls,
  a: number,
  aStride: number,
  b: number,
  bStride: number,
  c: number,
  ldc: number,
  mPanels: number,
  n: number,
  kc: number,
): void {
  if (n === 1) y.gemv(a, aStride, b, 4, c, ldc, mPanels, kc);
  else y.gemm(a, aStride, b, bStride, 4, c, ldc, mPanels, roundUp4(n) >> 2, kc);
}

/**
 * z = a·Wᵀ + b for float32 `a` ([rows, nIn]), W ([nOut, nIn]), b and z (see the file header).
 * Returns false, writing nothing, when the kernels' memory cannot hold the call's buffers.
 *
 * NOTE: performance. On the kernel threads (threads.ts's `kernelTeamFor`, for large blocks) the
 * worker packs, multiplies and stores the second half of the panels of each block of W, this thread
 * the first; each output is still one accumulator over the whole depth, in order.
 */
export function denseForwardWasm(
  kernels: WasmKernels,
  a: Float32Array,
  w: Float32Array,
  b: Float32Array,
  z: Float32Array,
  nIn: number,
  nOut: number,
): boolean {
  const rows = a.length / nIn;
  if (rows === 1) return sampleForward(kernels, a, w, b, z, nIn, nOut);
  const rowBlock = Math.min(rows, ROWS);
  const outBlock = Math.max(4, Math.min(roundUp4(nOut), Math.floor(BLOCK_BYTES / (12 * nIn)) & ~3));
  const ldc = roundUp4(rowBlock);
  const team = kernelTeamFor(4 * (outBlock >> 3) * nIn * rowBlock);
  const used = team?.kernels ?? kernels;
  // The worker's calls per block: pack, zero, load, the gemm passes and store.
  const theirs = team === null ? 0 : 4 + Math.ceil(nIn / DEPTH);
  const at = used.layout({
    bias: 4 * nOut,
    input: 4 * rowBlock * nIn,
    inputPanels: 8 * ldc * nIn,
    weight: 4 * outBlock * nIn,
    weightPanels: 8 * outBlock * nIn,
    acc: 8 * outBlock * ldc,
    out: 4 * rowBlock * nOut,
    commands: commandBytes(theirs),
  });
  if (at === null) return false;
  const { f32, exports: x } = used;
  const direct = directCalls(used);
  // Panels q0 … q1 − 1 of the block of W from output m0 (m outputs) for n rows: pack, multiply, store.
  const panels = (y: KernelCalls, m0: number, m: number, n: number, q0: number, q1: number): void => {
    const r0 = 4 * q0;
    const count = Math.min(m, 4 * q1) - r0;
    const acc = at.acc + 32 * ldc * q0;
    y.pack(at.weight + 4 * r0 * nIn, count, nIn, nIn, at.weightPanels + 32 * nIn * q0);
    // Padding rows and columns of the accumulator start at 0 (never stored; no stray NaNs).
    y.zero(acc, 32 * ldc * (q1 - q0));
    y.load(at.bias + 4 * (m0 + r0), 1, 0, acc, ldc, count, n);
    for (let k0 = 0; k0 < nIn; k0 += DEPTH)
      multiply(
        y,
        at.weightPanels + 32 * nIn * q0 + 32 * k0,
        4 * nIn,
        at.inputPanels + 32 * k0,
        4 * nIn,
        acc,
        ldc,
        q1 - q0,
        n,
        Math.min(DEPTH, nIn - k0),
      );
    y.store(acc, ldc, at.out + 4 * (m0 + r0), 1, nOut, count, n);
  };
  f32.set(b, at.bias >> 2);
  for (let r0 = 0; r0 < rows; r0 += rowBlock) {
    const n = Math.min(rowBlock, rows - r0);
    f32.set(a.subarray(r0 * nIn, (r0 + n) * nIn), at.input >> 2);
    x.pack(at.input, n, nIn, nIn, at.inputPanels);
    for (let m0 = 0; m0 < nOut; m0 += outBlock) {
      const m = Math.min(outBlock, nOut - m0);
      const q = roundUp4(m) >> 2;
      f32.set(w.subarray(m0 * nIn, (m0 + m) * nIn), at.weight >> 2);
      if (team === null || q < 2) panels(direct, m0, m, n, 0, q);
      else
        team.run(
          at.commands,
          commandBytes(theirs),
          (y) => panels(y, m0, m, n, q >> 1, q),
          (y) => panels(y, m0, m, n, 0, q >> 1),
        );
    }
    z.set(f32.subarray(at.out >> 2, (at.out >> 2) + n * nOut), r0 * nOut);
  }
  return true;
}

/**
 * c += s·W for float32 `s` ([rows, nOut]), W ([nOut, nIn]) and c ([rows, nIn]). Returns false,
 * changing nothing, when the kernels' memory cannot hold the call's buffers.
 */
export function denseAdjointWasm(
  kernels: WasmKernels,
  w: Float32Array,
  s: Float32Array,
  c: Float32Array,
  nIn: number,
  nOut: number,
): boolean {
  const rows = s.length / nOut;
  if (rows === 1) return sampleAdjoint(kernels, w, s, c, nIn, nOut);
  const rowBlock = Math.min(rows, ROWS);
  const ldc = roundUp4(rowBlock);
  // A pass over `depth` outputs copies depth rows of W and packs them in column blocks.
  const depth = Math.max(1, Math.min(DEPTH, nOut, Math.floor(BLOCK_BYTES / 2 / (4 * nIn))));
  const inBlock = Math.max(4, Math.min(roundUp4(nIn), Math.floor(BLOCK_BYTES / 2 / (8 * depth)) & ~3));
  const at = kernels.layout({
    grad: 4 * rowBlock * nOut,
    gradPanels: 8 * ldc * depth,
    weight: 4 * depth * nIn,
    weightPanels: 8 * inBlock * depth,
    acc: 8 * roundUp4(nIn) * ldc,
    out: 4 * rowBlock * nIn,
  });
  if (at === null) return false;
  const { f32, f64, exports: x } = kernels;
  const direct = directCalls(kernels);
  for (let r0 = 0; r0 < rows; r0 += rowBlock) {
    const n = Math.min(rowBlock, rows - r0);
    f32.set(s.subarray(r0 * nOut, (r0 + n) * nOut), at.grad >> 2);
    f32.set(c.subarray(r0 * nIn, (r0 + n) * nIn), at.out >> 2);
    f64.fill(0, at.acc >> 3, (at.acc >> 3) + roundUp4(nIn) * ldc);
    x.load(at.out, 1, nIn, at.acc, ldc, nIn, n);
    for (let k0 = 0; k0 < nOut; k0 += depth) {
      const kc = Math.min(depth, nOut - k0);
      x.pack(at.grad + 4 * k0, n, kc, nOut, at.gradPanels);
      f32.set(w.subarray(k0 * nIn, (k0 + kc) * nIn), at.weight >> 2);
      for (let j0 = 0; j0 < nIn; j0 += inBlock) {
        const m = Math.min(inBlock, nIn - j0);
        x.pack_t(at.weight + 4 * j0, kc, m, nIn, at.weightPanels);
        multiply(
          direct,
          at.weightPanels,
          4 * kc,
          at.gradPanels,
          4 * kc,
          at.acc + 8 * j0 * ldc,
          ldc,
          roundUp4(m) >> 2,
          n,
          kc,
        );
      }
    }
    x.store(at.acc, ldc, at.out, 1, nIn, nIn, n);
    c.set(f32.subarray(at.out >> 2, (at.out >> 2) + n * nIn), r0 * nIn);
  }
  return true;
}

/**
 * `denseForwardWasm` of a single sample: z = b + W·a on W's rows as they are (gemm.wat's
 * `gemv_rows`). The same bits as the packed GEMM.
 */
function sampleForward(
  kernels: WasmKernels,
  a: Float32Array,
  w: Float32Array,
  b: Float32Array,
  z: Float32Array,
  nIn: number,
  nOut: number,
): boolean {
  return throughRows(kernels, w, nIn, nOut, a, b, z, (x, at, k0, kc) =>
    x.gemv_rows(at.weight, nIn, at.vector, at.acc + 8 * k0, kc, nIn),
  );
}

/**
 * `denseAdjointWasm` of a single sample: c += Wᵀ·s on W's rows as they are (gemm.wat's
 * `gemv_t_rows`). The same bits as the packed GEMM.
 */
function sampleAdjoint(
  kernels: WasmKernels,
  w: Float32Array,
  s: Float32Array,
  c: Float32Array,
  nIn: number,
  nOut: number,
): boolean {
  return throughRows(kernels, w, nIn, nOut, s, c, c, (x, at, k0, kc) =>
    x.gemv_t_rows(at.weight, nIn, at.vector + 8 * k0, at.acc, kc, nIn),
  );
}

/**
 * One sample's pass over W ([nOut, nIn]) in blocks of its rows (at most `BLOCK_BYTES`): `vector`
 * and the accumulator (starting at `start`) in memory as float64, each block of rows k0 … k0 + kc − 1
 * copied in and handed to `pass`, then the accumulator rounded once into `out`.
 */
function throughRows(
  kernels: WasmKernels,
  w: Float32Array,
  nIn: number,
  nOut: number,
  vector: Float32Array,
  start: Float32Array,
  out: Float32Array,
  pass: (x: KernelExports, at: Layout<'weight' | 'vector' | 'acc'>, k0: number, kc: number) => void,
): boolean {
  const block = Math.max(1, Math.min(nOut, Math.floor(BLOCK_BYTES / (4 * nIn))));
  const at = kernels.layout({
    given: 4 * vector.length,
    vector: 8 * vector.length,
    weight: 4 * block * nIn,
    acc: 8 * start.length,
    result: 4 * start.length,
  });
  if (at === null) return false;
  const { f32, exports: x } = kernels;
  f32.set(vector, at.given >> 2);
  f32.set(start, at.result >> 2);
  x.load(at.given, 1, 0, at.vector, 1, vector.length, 1);
  x.load(at.result, 1, 0, at.acc, 1, start.length, 1);
  for (let k0 = 0; k0 < nOut; k0 += block) {
    const kc = Math.min(block, nOut - k0);
    f32.set(w.subarray(k0 * nIn, (k0 + kc) * nIn), at.weight >> 2);
    pass(x, at, k0, kc);
  }
  x.store(at.acc, 1, at.result, 1, 0, start.length, 1);
  out.set(f32.subarray(at.result >> 2, (at.result >> 2) + start.length));
  return true;
}

/**
 * ∂W += ∂zᵀ·a for float32 `a` ([rows, nIn]), ∂z ([rows, nOut]) and ∂W ([nOut, nIn]) (see the file
 * header). Returns false, changing nothing, when the kernels' memory cannot hold the call's buffers.
 */
export function denseWeightGradientWasm(
  kernels: WasmKernels,
  a: Float32Array,
  gz: Float32Array,
  gw: Float32Array,
  nIn: number,
  nOut: number,
): boolean {
  const rows = gz.length / nOut;
  if (rows === 0) return true;
  const depth = Math.min(rows, DEPTH);
  const ldc = roundUp4(nIn);
  const outBlock = Math.max(4, Math.min(roundUp4(nOut), Math.floor(BLOCK_BYTES / (8 * ldc)) & ~3));
  const inBlock = Math.max(4, Math.floor(PANEL_BYTES / (8 * depth)) & ~3);
  const at = kernels.layout({
    input: 4 * depth * nIn,
    inputPanels: 8 * ldc * depth,
    grad: 4 * depth * nOut,
    gradPanels: 8 * outBlock * depth,
    weight: 4 * outBlock * nIn,
    acc: 8 * outBlock * ldc,
  });
  if (at === null) return false;
  const { f32, f64, exports: x } = kernels;
  // Rows r0 … r0 + kc − 1 of a (packed, all columns) and of ∂z (as float32) into memory.
  const loadRows = (r0: number, kc: number): void => {
    f32.set(a.subarray(r0 * nIn, (r0 + kc) * nIn), at.input >> 2);
    x.pack_t(at.input, kc, nIn, nIn, at.inputPanels);
    f32.set(gz.subarray(r0 * nOut, (r0 + kc) * nOut), at.grad >> 2);
  };
  if (rows <= depth) loadRows(0, rows);
  for (let m0 = 0; m0 < nOut; m0 += outBlock) {
    const m = Math.min(outBlock, nOut - m0);
    f32.set(gw.subarray(m0 * nIn, (m0 + m) * nIn), at.weight >> 2);
    // Padding rows and columns of the accumulator start at 0 (never stored; no stray NaNs).
    f64.fill(0, at.acc >> 3, (at.acc >> 3) + roundUp4(m) * ldc);
    x.load(at.weight, nIn, 1, at.acc, ldc, m, nIn);
    for (let r0 = 0; r0 < rows; r0 += depth) {
      const kc = Math.min(depth, rows - r0);
      if (rows > depth) loadRows(r0, kc);
      // A: columns m0 … m0 + m − 1 of ∂z's rows, i.e. rows of ∂zᵀ, in panels of depth kc.
      x.pack_t(at.grad + 4 * m0, kc, m, nOut, at.gradPanels);
      gemmColumnBlocks(x, at.gradPanels, at.inputPanels, at.acc, ldc, m, inBlock, kc);
    }
    x.store(at.acc, ldc, at.weight, nIn, 1, m, nIn);
    gw.set(f32.subarray(at.weight >> 2, (at.weight >> 2) + m * nIn), m0 * nIn);
  }
  return true;
}

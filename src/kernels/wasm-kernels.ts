/**
 * The WebAssembly SIMD kernels of gemm.wat, instantiated once, and the scratch memory they work in.
 *
 * The module is compiled synchronously (`new WebAssembly.Module(bytes)`) from the committed bytes
 * of gemm-wasm.ts the first time a kernel asks for it. Operands are copied into its linear memory
 * (the kernels cannot read JavaScript arrays), packed there and multiplied; results are copied
 * back. A kernel call lays its buffers out with `layout`, which grows the memory when they do not
 * fit; the memory never shrinks, so its size is that of the largest call so far. A call whose
 * buffers would pass `MAX_BYTES` (or that the engine refuses memory for) is declined, and its
 * caller runs the JavaScript loop.
 *
 * `loadWasmKernels` returns null where WebAssembly or its SIMD proposal is unavailable (the
 * module then fails to validate), and the callers run their plain JavaScript loops instead.
 * `loadSharedWasmKernels` instantiates the same kernels on a shared memory for the kernel threads
 * (threads.ts); that memory is separate from this instance's and likewise never shrinks.
 */
import { GEMM_WASM_BASE64, GEMM_WASM_SHARED_BASE64 } from './gemm-wasm.js';

/** The exports of gemm.wat (pointers in bytes; lengths and strides in elements). */
export interface KernelExports {
  readonly memory: WasmMemory;
  /** C += A·Bᵀ over `kc` steps, A in panels, B in panels or row-major (see gemm.wat). */
  gemm(
    a: number,
    aStride: number,
    b: number,
    bStride: number,
    bStep: number,
    c: number,
    ldc: number,
    mPanels: number,
    nPanels: number,
    kc: number,
  ): void;
  /** `gemm` for one column of B (a batch of one): C[4p + i, 0] += Σ_k A_p[k·4 + i]·B[k·bStep]. */
  gemv(
    a: number,
    aStride: number,
    b: number,
    bStep: number,
    c: number,
    ldc: number,
    mPanels: number,
    kc: number,
  ): void;
  /** z[k] += Σ_{j < n} W[k·ld + j]·x[j] for k < m, W float32 rows, x and z float64 (one sample). */
  gemv_rows(w: number, ld: number, x: number, z: number, m: number, n: number): void;
  /** c[j] += Σ_{k < kc} W[k·ld + j]·s[k] for j < n, W float32 rows, s and c float64 (one sample). */
  gemv_t_rows(w: number, ld: number, s: number, c: number, kc: number, n: number): void;
  /** Packs `rows` float32 rows of length `depth` (row stride `ld`) into float64 panels. */
  pack(src: number, rows: number, depth: number, ld: number, dst: number): void;
  /** Packs `cols` columns of a float32 [depth × ld] matrix into float64 panels. */
  pack_t(src: number, depth: number, cols: number, ld: number, dst: number): void;
  /** dst[i·ldc + j] = src[i·si + j·sj], float32 → float64. */
  load(src: number, si: number, sj: number, dst: number, ldc: number, m: number, n: number): void;
  /** dst[i·si + j·sj] = src[i·ldc + j], float64 → float32. */
  store(src: number, ldc: number, dst: number, si: number, sj: number, m: number, n: number): void;
  /** im2col of `count` output positions from p0 into a float64 [depth × ld] block. */
  im2col(geo: number, src: number, dst: number, ld: number, p0: number, count: number): void;
  /** im2col of `count` output positions from p0 into float64 panels of 4 taps (`count` per panel). */
  im2col_panels(geo: number, src: number, dst: number, p0: number, count: number): void;
  /** C += A·Bᵀ in float32 over `kc` steps, A in float32 panels, B row-major in blocks of 8 columns. */
  gemm32(
    a: number,
    aStride: number,
    b: number,
    bStep: number,
    c: number,
    ldc: number,
    mPanels: number,
    nBlocks: number,
    kc: number,
  ): void;
  /** Packs `rows` float32 rows of length `depth` (row stride `ld`) into float32 panels. */
  pack32(src: number, rows: number, depth: number, ld: number, dst: number): void;
  /** im2col of `count` output positions from p0 into a float32 [depth × ld] block (padded to 8). */
  im2col32(geo: number, src: number, dst: number, ld: number, p0: number, count: number): void;
  /** Packs `cols` columns of a float32 [depth × ld] matrix into float32 panels. */
  pack_t32(src: number, depth: number, cols: number, ld: number, dst: number): void;
  /** col2im: adds a float32 [depth × ld] block of columns into a float64 image. */
  col2im32(geo: number, src: number, ld: number, dst: number, p0: number, count: number): void;
  /** dst[i·di + j·dj] = src[i·si + j·sj], float32. */
  copy32(
    src: number,
    si: number,
    sj: number,
    dst: number,
    di: number,
    dj: number,
    m: number,
    n: number,
  ): void;
  /** col2im: adds a float64 [depth × ld] block of columns into a float64 image. */
  col2im(geo: number, src: number, ld: number, dst: number, p0: number, count: number): void;
  /**
   * A semiring pass of a convolution over output channels [lo, hi) (mode 0) or input channels
   * [lo, hi) of each group (modes 1 … 5); see gemm.wat's section "Semiring layer passes".
   */
  sr_conv(
    geo: number,
    ranges: number,
    w: number,
    x: number,
    a: number,
    f: number,
    out: number,
    mode: number,
    lo: number,
    hi: number,
  ): void;
}

/** A `WebAssembly.Memory` (the library is typed without the DOM's WebAssembly declarations). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** What `loadWasmKernels` needs of the `WebAssembly` namespace (tests pass stand-ins). */
export interface WebAssemblyLike {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports?: object) => { readonly exports: object };
}

/** The global `WebAssembly` namespace, if the runtime has one. */
const globalWebAssembly = (): WebAssemblyLike | undefined =>
  (globalThis as { WebAssembly?: WebAssemblyLike }).WebAssembly;

const PAGE = 65536;

/**
 * C[:, 0 … ldc) += A·Bᵀ in column blocks of `block`, both operands in panels of depth `depth`:
 * the weight gradients' GEMM, which keeps a whole block of C in float64 across the depth.
 */
export function gemmColumnBlocks(
  x: Pick<KernelExports, 'gemm'>,
  a: number,
  b: number,
  c: number,
  ldc: number,
  rows: number,
  block: number,
  depth: number,
): void {
  for (let c0 = 0; c0 < ldc; c0 += block)
    x.gemm(
      a,
      4 * depth,
      b + 8 * depth * c0,
      4 * depth,
      4,
      c + 8 * c0,
      ldc,
      ((rows + 3) & ~3) >> 2,
      Math.min(block, ldc - c0) >> 2,
      depth,
    );
}

/**
 * The most linear memory the kernels use, 2 GiB: byte offsets then fit in a signed 32-bit integer
 * (the JavaScript side indexes its views with `offset >> 2` and `offset >> 3`).
 */
export const MAX_BYTES = 2 ** 31;

/** Bytes of one geometry block (gemm.wat's im2col and col2im). */
export const GEOMETRY_BYTES = 48;

/** The byte offsets of the buffers of one kernel call, by name. */
export type Layout<K extends string> = Readonly<Record<K, number>>;

/** The instantiated kernels with views of their memory. */
export class WasmKernels {
  private f32View: Float32Array;
  private f64View: Float64Array;
  private i32View: Int32Array;
  private calls = 0;

  constructor(
    readonly exports: KernelExports,
    /** The most bytes of memory a call may lay out (at most `MAX_BYTES`). */
    readonly maxBytes: number = MAX_BYTES,
  ) {
    this.f32View = new Float32Array(exports.memory.buffer);
    this.f64View = new Float64Array(exports.memory.buffer);
    this.i32View = new Int32Array(exports.memory.buffer);
  }

  /** The memory as float32 (index = byte offset / 4). Valid until the next `layout`. */
  get f32(): Float32Array {
    return this.f32View;
  }

  /** The memory as float64 (index = byte offset / 8). Valid until the next `layout`. */
  get f64(): Float64Array {
    return this.f64View;
  }

  /** The memory as int32 (index = byte offset / 4). Valid until the next `layout`. */
  get i32(): Int32Array {
    return this.i32View;
  }

  /** How many kernel calls have laid out their buffers so far (one successful `layout` each). */
  get layouts(): number {
    return this.calls;
  }

  /** Bytes of linear memory now. */
  get byteLength(): number {
    return this.exports.memory.buffer.byteLength;
  }

  /**
   * Lays out buffers of the given byte sizes one after the other (each 16-byte aligned), growing
   * the memory if they do not fit, and returns their offsets; earlier offsets become invalid.
   * Returns null, changing nothing, when they would take more than `maxBytes` or the memory
   * cannot grow.
   */
  layout<K extends string>(sizes: Readonly<Record<K, number>>): Layout<K> | null {
    const offsets = {} as Record<K, number>;
    let end = 0;
    for (const key of Object.keys(sizes) as K[]) {
      offsets[key] = end;
      end += Math.ceil(sizes[key] / 16) * 16;
    }
    if (!(end <= Math.min(this.maxBytes, MAX_BYTES))) return null;
    const memory = this.exports.memory;
    if (end > memory.buffer.byteLength) {
      try {
        memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      } catch {
        // A RangeError: the engine has no more memory for this instance.
        return null;
      }
      this.f32View = new Float32Array(memory.buffer);
      this.f64View = new Float64Array(memory.buffer);
      this.i32View = new Int32Array(memory.buffer);
    }
    this.calls++;
    return offsets;
  }
}

/** Bytes decoded from base64. */
function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The module's bytes, decoded from gemm-wasm.ts. */
export const kernelBytes = (): Uint8Array => decode(GEMM_WASM_BASE64);

/** The bytes of the shared-memory variant (imports `env.memory`, shared), from gemm-wasm.ts. */
export const sharedKernelBytes = (): Uint8Array => decode(GEMM_WASM_SHARED_BASE64);

/** Pages of the shared memory at most: 2 GiB, `MAX_BYTES`. */
const SHARED_MAX_PAGES = MAX_BYTES / PAGE;

/** The shared-memory kernels of one thread, with what another thread needs to join them. */
export interface SharedKernels {
  readonly kernels: WasmKernels;
  /** The compiled shared-memory variant, a `WebAssembly.Module` (other threads instantiate it). */
  readonly module: object;
  /** The shared `WebAssembly.Memory` the kernels work in. */
  readonly memory: WasmMemory;
}

/** What `loadSharedWasmKernels` needs of the `WebAssembly` namespace beyond `WebAssemblyLike`. */
interface SharedWebAssembly extends WebAssemblyLike {
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

/**
 * Instantiates the shared-memory variant of the kernels on a new shared memory, or returns null
 * where the runtime has no WebAssembly, no SIMD, no shared memory (no `SharedArrayBuffer`, or the
 * engine refuses one) or fails to instantiate.
 */
export function loadSharedWasmKernels(): SharedKernels | null {
  const wasm = globalWebAssembly() as SharedWebAssembly | undefined;
  if (typeof SharedArrayBuffer !== 'function' || wasm === undefined) return null;
  try {
    const bytes = sharedKernelBytes();
    if (!wasm.validate(bytes)) return null;
    const module = new wasm.Module(bytes);
    const memory = new wasm.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    const instance = new wasm.Instance(module, { env: { memory } });
    return { kernels: new WasmKernels(instance.exports as unknown as KernelExports), module, memory };
  } catch {
    // NOTE: as in loadWasmKernels, any failure means the single-threaded kernels run instead.
    return null;
  }
}

/**
 * Instantiates the kernels with the given `WebAssembly` namespace (by default the global one; an
 * explicit `undefined` stands for a runtime without WebAssembly), or returns null when there is
 * none, when it rejects the module (no SIMD support) or when instantiation fails.
 */
export function loadWasmKernels(...given: [] | [WebAssemblyLike | undefined]): WasmKernels | null {
  const wasm = given.length === 0 ? globalWebAssembly() : given[0];
  if (wasm === undefined || typeof wasm.validate !== 'function') return null;
  try {
    const bytes = kernelBytes();
    if (!wasm.validate(bytes)) return null;
    const instance = new wasm.Instance(new wasm.Module(bytes), {});
    return new WasmKernels(instance.exports as unknown as KernelExports);
  } catch {
    // NOTE: any failure (a runtime without SIMD that validates lazily, a memory limit) means the
    // plain JavaScript loops run instead; they compute the same numbers.
    return null;
  }
}

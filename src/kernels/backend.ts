/**
 * Which implementation runs the float32 dense and convolution loops: the WebAssembly SIMD kernels
 * where the runtime has them, the plain JavaScript loops otherwise. Both compute the same float32
 * forward results bit for bit (see gemm.wat), and adjoints that differ by the JavaScript loops'
 * float32 roundings (the kernels round once), so the choice changes speed, not results; float64
 * computations always run the JavaScript loops, whose results stay exactly as they were.
 *
 * The kernels are loaded on first use. `configureKernels` forces the JavaScript loops, detects
 * again with another `WebAssembly` namespace or sets the threads of the large GEMMs (threads.ts);
 * tests and benchmarks use it to compare them.
 *
 * The accumulation chooses the numbers, not only the speed: by default (`float64`) a float32
 * convolution sums each output in float64 and rounds once; `float32` sums in float32, rounding
 * every product and partial sum, as float32 libraries do (twice the multiply-adds per SIMD
 * instruction, at float32's rounding error). Both backends compute either one bit for bit.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { configureKernelThreads } from './threads.js';
import { loadWasmKernels, type WasmKernels, type WebAssemblyLike } from './wasm-kernels.js';

/** The implementation in use. */
export type KernelBackend = 'wasm' | 'js';

/** Options of `configureKernels`. */
export interface KernelOptions {
  /** `auto` (default): WebAssembly where it loads, else JavaScript; `js`: always JavaScript. */
  readonly backend?: 'auto' | 'js';
  /**
   * Load the kernels with this namespace instead of `globalThis.WebAssembly` (given as
   * `undefined`: as if the runtime had no WebAssembly).
   */
  readonly webAssembly?: WebAssemblyLike | undefined;
  /** Threads of the large float32 GEMMs, 1 or 2 (threads.ts's `configureKernelThreads`). */
  readonly threads?: number;
  /** How float32 convolutions sum their products (see the file header); default `float64`. */
  readonly accumulation?: Accumulation;
}

/** What a float32 convolution accumulates its products in. */
export type Accumulation = 'float64' | 'float32';

let accumulation: Accumulation = 'float64';

/** What float32 convolutions accumulate in now. */
export const kernelAccumulation = (): Accumulation => accumulation;

/**
 * Multiply-adds below which a float32 loop stays in JavaScript: copying operands into WebAssembly
 * memory and packing them costs more than it saves on smaller computations (bench/gemm.bench.ts).
 */
export const WASM_MIN_MACS = 4096;

/** The loaded kernels (null: unavailable); undefined until first asked for. */
let loaded: WasmKernels | null | undefined;
let forceJs = false;

/** The WebAssembly kernels when they are in use, else null (run the JavaScript loops). */
export function activeWasmKernels(): WasmKernels | null {
  if (forceJs) return null;
  if (loaded === undefined) loaded = loadWasmKernels();
  return loaded;
}

/**
 * The WebAssembly kernels for a float32 computation of `macs` multiply-adds, or null when they
 * are not in use or the computation is too small to gain from them.
 */
export const wasmKernelsFor = (macs: number): WasmKernels | null =>
  macs >= WASM_MIN_MACS ? activeWasmKernels() : null;

/** The implementation the float32 dense and conv loops use now. */
export const kernelBackend = (): KernelBackend => (activeWasmKernels() === null ? 'js' : 'wasm');

/**
 * Chooses the implementation (see `KernelOptions`) and returns the one now in use.
 *
 * @throws InvalidArgumentError for a backend other than `auto` or `js`, threads other than 1 or 2,
 *   or an accumulation other than `float64` or `float32`.
 */
export function configureKernels(options: KernelOptions = {}): KernelBackend {
  const backend = options.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'js')
    throw new InvalidArgumentError(
      'configureKernels',
      `backend must be "auto" or "js", got ${JSON.stringify(backend)}`,
    );
  if (
    options.accumulation !== undefined &&
    options.accumulation !== 'float64' &&
    options.accumulation !== 'float32'
  )
    throw new InvalidArgumentError(
      'configureKernels',
      `accumulation must be "float64" or "float32", got ${JSON.stringify(options.accumulation)}`,
    );
  if (options.threads !== undefined) configureKernelThreads(options.threads);
  if (options.accumulation !== undefined) accumulation = options.accumulation;
  forceJs = backend === 'js';
  if ('webAssembly' in options) loaded = loadWasmKernels(options.webAssembly);
  return kernelBackend();
}

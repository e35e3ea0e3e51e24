/**
 * Kernel threads: a second thread that runs part of a large float32 GEMM on the same WebAssembly
 * memory, so that a call uses two cores.
 *
 * The shared-memory variant of gemm.wat (wasm-kernels.ts's `loadSharedWasmKernels`) is
 * instantiated once here and once in a worker thread, both on one shared `WebAssembly.Memory`. A
 * caller splits its outputs into two disjoint blocks (tiles of output positions, say): it records
 * the kernel calls of the worker's block as a command list in that memory, hands it over with
 * `Atomics.notify`, computes its own block meanwhile and waits with `Atomics.wait` (which Node
 * allows on the main thread) until the worker is done. Each output element is still computed by
 * one thread with one float64 accumulator, in the order of the single-threaded kernels, so the
 * results are bit-identical to theirs; only which thread computes which outputs changes.
 *
 * The worker is started on the first call large enough (`THREAD_MIN_MACS`), is `unref`'d so that it
 * never keeps the process alive, and is reused by every later call. Where workers, shared memory
 * or the shared-memory kernels are unavailable, or threads are set to 1 (`configureKernelThreads`),
 * `kernelTeamFor` returns null and callers run single-threaded (so does a browser bundle: the worker
 * is a Node `worker_threads` worker, looked up when first needed, not imported); a worker that fails a command has
 * its block recomputed on the calling thread, and is not used again.
 */
import type { Worker } from 'node:worker_threads';
import { InvalidArgumentError, LimitError, UnsupportedError } from '../core/errors.js';
import { nodeBuiltin, requireNodeBuiltin } from '../core/node-builtin.js';
import { type KernelExports, loadSharedWasmKernels, type WasmKernels } from './wasm-kernels.js';

/**
 * The kernel calls a block of work is written with: gemm.wat's exports (but the single-sample dense
 * passes, which run on the calling thread) and a byte fill with 0.
 */
export type KernelCalls = Omit<KernelExports, 'memory' | 'gemv_rows' | 'gemv_t_rows'> & {
  /** Sets `bytes` bytes from byte offset `at` to 0. */
  zero(at: number, bytes: number): void;
};

/** Op codes of the command list, in this order, with the number of int32 arguments of each. */
const OPS = [
  ['gemm', 10],
  ['pack', 5],
  ['pack_t', 5],
  ['load', 7],
  ['store', 7],
  ['im2col', 6],
  ['im2col_panels', 5],
  ['col2im', 6],
  ['zero', 2],
  ['sr_conv', 10],
  ['gemm32', 9],
  ['pack32', 5],
  ['im2col32', 6],
  ['copy32', 8],
  ['pack_t32', 5],
  ['col2im32', 6],
  ['gemv', 8],
] as const satisfies readonly (readonly [keyof KernelCalls, number])[];

/** Bytes of a command list of at most `calls` kernel calls (an op code and ≤ 10 arguments each). */
export const commandBytes = (calls: number): number => 4 * 11 * calls;

/**
 * Multiply-adds of one thread's block of work below which a call stays on one thread. Handing a
 * block to the worker costs tens of microseconds: on two cores (bench/gemm.bench.ts, `threads`) a
 * conv forward split in two breaks even near 0.8 M multiply-adds per thread, gains ≈ 1.3–1.4× at
 * 2.5 M and ≈ 1.5–1.9× from 5 M on.
 */
export const THREAD_MIN_MACS = 2 ** 21;

// Control words (int32 × 4, in a SharedArrayBuffer): state, then the command list's byte offset
// and end. The worker waits while the state is IDLE, DONE or FAILED, and runs the list on WORK.
const STARTING = 0;
const IDLE = 1;
const WORK = 2;
const DONE = 3;
const FAILED = 4;
const STOP = 5;

/** Milliseconds to wait for a new worker to instantiate the kernels before giving up on it. */
const START_TIMEOUT = 10_000;

/**
 * The worker's program (CommonJS, run with `eval`): instantiate the kernels on the shared memory,
 * then run command lists as they are handed over.
 */
const WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
// Not \`module\`: Deno runs an eval'd worker inside a CommonJS wrapper that declares it.
const { wasmModule, memory, control, ops } = workerData;
const ctl = new Int32Array(control);
let x;
try {
  x = new WebAssembly.Instance(wasmModule, { env: { memory } }).exports;
  Atomics.store(ctl, 0, ${IDLE});
} catch {
  Atomics.store(ctl, 0, ${FAILED});
}
Atomics.notify(ctl, 0);
const zero = (at, bytes) => new Uint8Array(memory.buffer).fill(0, at, at + bytes);
const calls = ops.map(([name, arity]) => [name === 'zero' ? zero : x[name], arity]);
function run(begin, end) {
  const words = new Int32Array(memory.buffer);
  for (let p = begin >> 2; p < end >> 2; ) {
    const [call, arity] = calls[words[p]];
    call(...words.subarray(p + 1, p + 1 + arity));
    p += 1 + arity;
  }
}
while (x !== undefined) {
  const state = Atomics.load(ctl, 0);
  if (state === ${STOP}) break;
  if (state !== ${WORK}) {
    Atomics.wait(ctl, 0, state);
    continue;
  }
  try {
    run(ctl[1], ctl[2]);
    Atomics.store(ctl, 0, ${DONE});
  } catch {
    Atomics.store(ctl, 0, ${FAILED});
  }
  Atomics.notify(ctl, 0);
}
`;

/** The calls of `kernels` made directly on this thread. */
export function directCalls(kernels: WasmKernels): KernelCalls {
  const x = kernels.exports;
  return {
    gemm: x.gemm,
    pack: x.pack,
    pack_t: x.pack_t,
    load: x.load,
    store: x.store,
    im2col: x.im2col,
    im2col_panels: x.im2col_panels,
    col2im: x.col2im,
    sr_conv: x.sr_conv,
    gemm32: x.gemm32,
    pack32: x.pack32,
    im2col32: x.im2col32,
    copy32: x.copy32,
    pack_t32: x.pack_t32,
    col2im32: x.col2im32,
    gemv: x.gemv,
    zero: (at, bytes) => kernels.f64.fill(0, at >> 3, (at + bytes) >> 3),
  };
}

/** Kernel calls recorded as a command list at byte offset `begin` of the kernels' memory. */
function recorder(kernels: WasmKernels, begin: number, bytes: number): KernelCalls & { end(): number } {
  let p = begin >> 2;
  const limit = (begin + bytes) >> 2;
  const record =
    (op: number, arity: number) =>
    (...args: number[]): void => {
      if (p + 1 + arity > limit)
        throw new LimitError(
          'kernel threads: command list',
          4 * (p + 1 + arity) - begin,
          bytes,
          'the caller laid out too little room for its commands',
        );
      const words = kernels.i32;
      words[p] = op;
      for (let i = 0; i < arity; i++) words[p + 1 + i] = args[i] as number;
      p += 1 + arity;
    };
  const calls = Object.fromEntries(OPS.map(([name, arity], op) => [name, record(op, arity)]));
  return { ...(calls as unknown as KernelCalls), end: () => 4 * p };
}

/** The shared-memory kernels of the calling thread and one worker thread on the same memory. */
export class KernelTeam {
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private readonly worker: Worker;
  private healthy = true;
  private runs = 0;

  /** Starts the worker; throws if it cannot be created or fails to instantiate the kernels. */
  constructor(
    /** The kernels of the calling thread, on the shared memory. */
    readonly kernels: WasmKernels,
    module: object,
    memory: object,
  ) {
    const { Worker } = requireNodeBuiltin('node:worker_threads', 'kernel threads', 'run single-threaded');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { wasmModule: module, memory, control: this.control.buffer, ops: OPS },
    });
    // NOTE: the worker never keeps the process alive; an idle one is blocked in Atomics.wait.
    this.worker.unref();
    // A worker that dies reports it here, not as an uncaught error of the process: run single-threaded.
    this.worker.on('error', () => {
      this.healthy = false;
    });
    Atomics.wait(this.control, 0, STARTING, START_TIMEOUT);
    if (Atomics.load(this.control, 0) !== IDLE) {
      this.close();
      throw new UnsupportedError(
        'kernel threads: the worker could not instantiate the kernels; run single-threaded',
      );
    }
  }

  /** How many blocks of work have been handed to the worker so far. */
  get jobs(): number {
    return this.runs;
  }

  /** Whether the worker has run every command list so far. */
  get usable(): boolean {
    return this.healthy;
  }

  /**
   * Runs `theirs` on the worker and `mine` on this thread at the same time, and returns when both
   * are done. `theirs` is recorded into the `bytes` bytes at byte offset `at` of the kernels'
   * memory (laid out by the caller, `commandBytes`); it must not lay out memory, and the two must
   * write disjoint outputs. Should the worker fail, `theirs` runs here afterwards.
   */
  run(at: number, bytes: number, theirs: (x: KernelCalls) => void, mine: (x: KernelCalls) => void): void {
    const direct = directCalls(this.kernels);
    const list = recorder(this.kernels, at, bytes);
    theirs(list);
    this.runs++;
    const ctl = this.control;
    ctl[1] = at;
    ctl[2] = list.end();
    Atomics.store(ctl, 0, WORK);
    Atomics.notify(ctl, 0);
    let state = DONE;
    try {
      mine(direct);
    } finally {
      // The worker's outputs are complete, and the list may be overwritten, only after this.
      while (Atomics.load(ctl, 0) === WORK) Atomics.wait(ctl, 0, WORK);
      state = Atomics.load(ctl, 0);
      Atomics.store(ctl, 0, IDLE);
      Atomics.notify(ctl, 0);
    }
    if (state !== DONE) {
      this.healthy = false;
      theirs(direct);
    }
  }

  /** Stops the worker (it exits at once if idle). */
  close(): void {
    Atomics.store(this.control, 0, STOP);
    Atomics.notify(this.control, 0);
    void this.worker.terminate().catch(() => undefined);
  }
}

/** Threads the large GEMMs use now (1: single-threaded). */
let threads = Math.min(2, nodeBuiltin('node:os')?.availableParallelism() ?? 1);
/** Multiply-adds per thread from which a call is split (`THREAD_MIN_MACS` unless configured). */
let minMacs = THREAD_MIN_MACS;
/** The team (null: unavailable); undefined until first asked for. */
let team: KernelTeam | null | undefined;

/** Starts a team, or returns null where shared memory, the kernels or workers are unavailable. */
function startTeam(): KernelTeam | null {
  const shared = loadSharedWasmKernels();
  if (shared === null) return null;
  try {
    return new KernelTeam(shared.kernels, shared.module, shared.memory);
  } catch {
    // NOTE: no worker threads (or one that cannot instantiate the kernels): run single-threaded.
    return null;
  }
}

/**
 * The team for a block of `macs` multiply-adds per thread, or null when the call should run on one
 * thread (threads set to 1, a small block, or no team available).
 */
export function kernelTeamFor(macs: number): KernelTeam | null {
  if (threads < 2 || macs < minMacs) return null;
  if (team === undefined) team = startTeam();
  return team?.usable ? team : null;
}

/**
 * Sets the number of threads the large float32 GEMMs use (1 or 2; by default 2 where the machine
 * has two cores) and, optionally, the multiply-adds per thread from which a call is split (by
 * default `THREAD_MIN_MACS`; bench/gemm.bench.ts lowers it to measure small calls), and returns the
 * number of threads. Setting 1 stops the worker; a later 2 starts a new one on demand.
 *
 * @throws InvalidArgumentError for a count other than 1 or 2, or a threshold that is not a
 *   non-negative number.
 */
export function configureKernelThreads(count: number, threshold: number = THREAD_MIN_MACS): number {
  if (count !== 1 && count !== 2)
    throw new InvalidArgumentError('configureKernelThreads', `threads must be 1 or 2, got ${String(count)}`);
  if (!(threshold >= 0))
    throw new InvalidArgumentError(
      'configureKernelThreads',
      `the threshold must be a non-negative number of multiply-adds, got ${String(threshold)}`,
    );
  threads = count;
  minMacs = threshold;
  if (count === 1) stopKernelThreads();
  return threads;
}

/** The number of threads the large float32 GEMMs use now. */
export const kernelThreads = (): number => threads;

/** Stops the worker, if one runs; the next large call starts a new one (unless threads are 1). */
export function stopKernelThreads(): void {
  team?.close();
  team = undefined;
}

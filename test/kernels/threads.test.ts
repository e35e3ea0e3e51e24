import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import {
  commandBytes,
  configureKernels,
  configureKernelThreads,
  convAdjointWasm,
  convForwardWasm,
  denseForwardWasm,
  kernelTeamFor,
  kernelThreads,
  stopKernelThreads,
  THREAD_MIN_MACS,
} from '../../src/kernels/index.js';
import type { Node } from '../../src/nn/graph.js';
import { applyOp } from '../nn/support.js';
import { type ConvCase, convNode, convShapes, sameConv3x3, wasmKernels, withJsKernels } from './support.js';

/**
 * 2 groups of 16 → 36 channels, 3 × 3 (144 taps), 65 × 63 = 4095 positions: 16 tiles, the last
 * one short; each thread's block is 36 · 144 · 2048 ≈ 10.6 M multiply-adds, over THREAD_MIN_MACS.
 */
const LARGE: ConvCase = sameConv3x3({
  group: 2,
  perGroupIn: 16,
  perGroupOut: 36,
  batch: 2,
  seed: 0x7e4d,
  height: 65,
  width: 63,
});

/** Strides, dilations and asymmetric pads, 129 × 127 → 64 × 62 = 3968 positions (16 tiles). */
const STRIDED: ConvCase = {
  ...LARGE,
  group: 1,
  perGroupIn: 24,
  perGroupOut: 40,
  strides: [2, 2],
  dilations: [2, 1],
  pads: [2, 0, 1, 1],
  batch: 1,
  seed: 0x5d1,
  height: 129,
  width: 127,
};

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** The plain loop's forward and the WebAssembly forward for a case, with the team's new jobs. */
function forwardBoth(c: ConvCase) {
  const node = convNode(c);
  const { input, output, geometry } = convShapes(c, node);
  const x = {
    shape: [c.batch, ...input],
    data: new Rng(c.seed + 3).uniformArray(c.batch * sizeOf(input), -1, 1),
  };
  const plain = withJsKernels(() => applyOp(node, [x])).data;
  const fast = new Float32Array(c.batch * sizeOf(output));
  const jobs = () => kernelTeamFor(THREAD_MIN_MACS)?.jobs ?? 0;
  const before = jobs();
  const { weight, bias } = node.params;
  expect(convForwardWasm(wasmKernels(), x.data, weight.data, bias.data, fast, geometry)).toBe(true);
  return { plain, fast, jobs: jobs() - before };
}

describe('kernels/threads', () => {
  afterEach(() => {
    configureKernelThreads(2);
  });
  afterAll(() => {
    stopKernelThreads();
  });

  it('runs on two threads by default on a machine with two cores', () => {
    expect(kernelThreads()).toBe(2);
    expect(kernelTeamFor(THREAD_MIN_MACS)).not.toBeNull();
  });

  it('keeps calls below THREAD_MIN_MACS on one thread, or below the configured threshold', () => {
    expect(kernelTeamFor(THREAD_MIN_MACS - 1)).toBeNull();
    configureKernelThreads(2, 1000);
    expect(kernelTeamFor(1000)).not.toBeNull();
    expect(kernelTeamFor(999)).toBeNull();
  });

  for (const [name, c] of [
    ['groups, a batch of 2 and a short last tile', LARGE],
    ['strides, dilations and asymmetric pads', STRIDED],
  ] as const)
    it(`splits a large conv forward over two threads, bit for bit the plain loop (${name})`, () => {
      const { plain, fast, jobs } = forwardBoth(c);
      expect(jobs).toBe(c.batch * c.group);
      expect(fast).toEqual(plain);
    });

  for (const [name, c] of [
    ['groups, a batch of 2 and a short last tile', LARGE],
    ['strides, dilations and asymmetric pads', STRIDED],
  ] as const)
    it(`splits each tile of a conv adjoint over two threads, bit for bit one thread (${name})`, () => {
      const node = convNode(c);
      const { input, output, geometry } = convShapes(c, node);
      const s = new Rng(c.seed + 5).uniformArray(c.batch * sizeOf(output), -1, 1);
      const start = new Rng(c.seed + 6).uniformArray(c.batch * sizeOf(input), -1, 1);
      const adjoint = () => {
        const out = Float32Array.from(start);
        expect(convAdjointWasm(wasmKernels(), node.params.weight.data, s, out, geometry)).toBe(true);
        return out;
      };
      configureKernelThreads(1);
      const one = adjoint();
      // A threshold of 0 splits every tile, however small.
      configureKernelThreads(2, 0);
      const before = kernelTeamFor(0)?.jobs ?? 0;
      const two = adjoint();
      const tiles = Math.ceil((geometry.oh * geometry.ow) / 256);
      // Two hand-offs per tile, the GEMM's and col2im's (by halves of the channels), with two or
      // more channels per group.
      const perTile = c.perGroupIn >= 2 ? 2 : 1;
      expect((kernelTeamFor(0)?.jobs ?? 0) - before).toBe(c.batch * c.group * tiles * perTile);
      expect(two).toEqual(one);
      expect(two).not.toEqual(start);
    });

  for (const [rows, nIn, nOut] of [
    [70, 300, 37],
    [3, 5000, 230],
  ] as const)
    it(`splits each block of a ${rows} × ${nIn} → ${nOut} dense forward over two threads, bit for bit the plain loop`, () => {
      const rng = new Rng(rows + nIn + nOut);
      const node: Node<'dense'> = {
        op: 'dense',
        name: 'fc',
        layer: 'classifier.0',
        inputs: ['x'],
        output: 'y',
        attributes: {},
        params: {
          weight: { shape: [nOut, nIn], data: rng.uniformArray(nOut * nIn, -1, 1) },
          bias: { shape: [nOut], data: rng.uniformArray(nOut, -1, 1) },
        },
      };
      const x = { shape: [rows, nIn], data: rng.uniformArray(rows * nIn, -1, 1) };
      const plain = withJsKernels(() => applyOp(node, [x])).data;
      configureKernelThreads(2, 0);
      const before = kernelTeamFor(0)?.jobs ?? 0;
      const fast = new Float32Array(rows * nOut);
      const { weight, bias } = node.params;
      expect(denseForwardWasm(wasmKernels(), x.data, weight.data, bias.data, fast, nIn, nOut)).toBe(true);
      expect((kernelTeamFor(0)?.jobs ?? 0) - before).toBeGreaterThan(0);
      expect(fast).toEqual(plain);
    });

  it('runs single-threaded, with the same results, when threads are set to 1', () => {
    const two = forwardBoth(LARGE);
    expect(configureKernelThreads(1)).toBe(1);
    expect(kernelTeamFor(THREAD_MIN_MACS)).toBeNull();
    const one = forwardBoth(LARGE);
    expect(one.jobs).toBe(0);
    expect(one.fast).toEqual(two.fast);
    expect(configureKernels({ threads: 2 })).toBe('wasm');
    expect(kernelThreads()).toBe(2);
  });

  it('starts a new worker after stopKernelThreads', () => {
    const first = kernelTeamFor(THREAD_MIN_MACS);
    stopKernelThreads();
    const second = kernelTeamFor(THREAD_MIN_MACS);
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    expect(forwardBoth(LARGE).jobs).toBe(LARGE.batch * LARGE.group);
  });

  it('runs single-threaded, with the same results, where shared memory is unavailable', () => {
    const two = forwardBoth(LARGE);
    const global = globalThis as { SharedArrayBuffer?: unknown };
    const saved = global.SharedArrayBuffer;
    stopKernelThreads();
    delete global.SharedArrayBuffer;
    try {
      expect(kernelTeamFor(THREAD_MIN_MACS)).toBeNull();
      const one = forwardBoth(LARGE);
      expect(one.jobs).toBe(0);
      expect(one.fast).toEqual(two.fast);
    } finally {
      global.SharedArrayBuffer = saved;
      stopKernelThreads();
    }
    expect(kernelTeamFor(THREAD_MIN_MACS)).not.toBeNull();
  });

  it('recomputes the block here, and stops using the worker, when the worker fails', () => {
    configureKernelThreads(2, 0);
    const team = kernelTeamFor(0);
    if (team === null) throw new Error('no kernel team on this runtime');
    const at = team.kernels.layout({ commands: commandBytes(1), out: 32 });
    if (at === null) throw new Error('the kernels could not lay out the test’s buffers');
    team.kernels.f64.fill(1, at.out >> 3, (at.out >> 3) + 4);
    const seen: string[] = [];
    team.run(
      at.commands,
      commandBytes(1),
      (y) => {
        seen.push('theirs');
        // Recorded for the worker: a gemm far outside the memory traps there.
        if (seen.length === 1) y.gemm(2 ** 31 - 64, 4, 0, 4, 4, 0, 4, 1, 1, 1);
        else y.zero(at.out, 32);
      },
      () => seen.push('mine'),
    );
    expect(seen).toEqual(['theirs', 'mine', 'theirs']);
    expect(Array.from(team.kernels.f64.subarray(at.out >> 3, (at.out >> 3) + 4))).toEqual([0, 0, 0, 0]);
    expect(team.usable).toBe(false);
    expect(kernelTeamFor(0)).toBeNull();
    stopKernelThreads();
    expect(kernelTeamFor(0)?.usable).toBe(true);
  });

  it('rejects a thread count other than 1 or 2 with an InvalidArgumentError', () => {
    expect(() => configureKernelThreads(3)).toThrow(InvalidArgumentError);
    expect(() => configureKernelThreads(2, Number.NaN)).toThrow(/threshold must be a non-negative/);
    expect(() => configureKernels({ threads: 0 })).toThrow(/threads must be 1 or 2, got 0/);
    expect(kernelThreads()).toBe(2);
  });
});

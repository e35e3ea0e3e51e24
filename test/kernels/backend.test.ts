import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import {
  activeWasmKernels,
  configureKernels,
  kernelAccumulation,
  kernelBackend,
  loadWasmKernels,
  WASM_MIN_MACS,
  type WebAssemblyLike,
} from '../../src/kernels/index.js';
import { convAdjoint, denseAdjoint } from '../../src/nn/adjoints/index.js';
import type { Node } from '../../src/nn/graph.js';
import { applyOp } from '../nn/support.js';
import { type ConvCase, convNode, convShapes, sameConv3x3 } from './support.js';

/** A 4 → 6 channel 3 × 3 convolution on 12 × 12 (23,328 multiply-adds). */
const CONV: ConvCase = sameConv3x3({
  group: 1,
  perGroupIn: 4,
  perGroupOut: 6,
  batch: 1,
  seed: 5,
  height: 12,
  width: 12,
});

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** The runtime's WebAssembly, typed as the loader takes it. */
const realWasm = (globalThis as { WebAssembly?: WebAssemblyLike }).WebAssembly!;

/** A runtime whose WebAssembly has no SIMD: it rejects the kernels' module. */
const withoutSimd: WebAssemblyLike = {
  validate: () => false,
  Module: realWasm.Module,
  Instance: realWasm.Instance,
};

function denseNode(nIn: number, nOut: number): Node<'dense'> {
  const rng = new Rng(11);
  return {
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
}

describe('kernels/backend', () => {
  afterEach(() => configureKernels({ backend: 'auto', webAssembly: realWasm }));

  it('uses the WebAssembly kernels on this runtime', () => {
    expect(kernelBackend()).toBe('wasm');
    expect(activeWasmKernels()).not.toBeNull();
  });

  it('falls back to null without WebAssembly, without SIMD, or when instantiation fails', () => {
    expect(loadWasmKernels(undefined)).toBeNull();
    expect(loadWasmKernels(withoutSimd)).toBeNull();
    const failing: WebAssemblyLike = {
      validate: () => true,
      Module: realWasm.Module,
      Instance: class {
        constructor() {
          throw new RangeError('out of memory');
        }
      } as unknown as WebAssemblyLike['Instance'],
    };
    expect(loadWasmKernels(failing)).toBeNull();
    expect(loadWasmKernels(realWasm)).not.toBeNull();
  });

  it('switches the float32 loops to JavaScript when WebAssembly or SIMD is unavailable', () => {
    const node = denseNode(64, 64);
    const x = { shape: [8, 64], data: new Rng(2).uniformArray(8 * 64, -1, 1) };
    const withWasm = applyOp(node, [x]).data;
    for (const webAssembly of [undefined, withoutSimd]) {
      expect(configureKernels({ webAssembly })).toBe('js');
      expect(activeWasmKernels()).toBeNull();
      // Same numbers from the plain loop, bit for bit.
      expect(applyOp(node, [x]).data).toEqual(withWasm);
    }
    expect(configureKernels({ webAssembly: realWasm })).toBe('wasm');
  });

  it('routes float32 dense and conv layers of WASM_MIN_MACS or more through WebAssembly, nothing else', () => {
    const kernels = activeWasmKernels()!;
    const calls = () => kernels.layouts;
    const node = denseNode(64, 64);
    const big = (dtype: 'float32' | 'float64') => {
      const data = new Rng(3).uniformArray(8 * 64, -1, 1);
      return { shape: [8, 64], data: dtype === 'float32' ? data : Float64Array.from(data) };
    };
    expect(8 * 64 * 64).toBeGreaterThanOrEqual(WASM_MIN_MACS);
    let before = calls();
    applyOp(node, [big('float32')]);
    expect(calls()).toBe(before + 1);
    before = calls();
    applyOp(node, [big('float64')]);
    expect(calls()).toBe(before);
    // A layer below the threshold stays in JavaScript.
    const tiny = denseNode(4, 3);
    applyOp(tiny, [{ shape: [2, 4], data: new Float32Array(8) }]);
    expect(calls()).toBe(before);
    // The adjoint too: float32 through WebAssembly, float64 not.
    denseAdjoint(node, new Float32Array(8 * 64), new Float32Array(8 * 64));
    expect(calls()).toBe(before + 1);
    denseAdjoint(node, new Float64Array(8 * 64), new Float64Array(8 * 64));
    expect(calls()).toBe(before + 1);
    // A convolution, forward and adjoint.
    const conv = convNode(CONV);
    const { input, output } = convShapes(CONV, conv);
    const x = { shape: [1, ...input], data: new Rng(4).uniformArray(sizeOf(input), -1, 1) };
    applyOp(conv, [x]);
    convAdjoint(conv, input, output, new Float32Array(sizeOf(output)), new Float32Array(sizeOf(input)));
    expect(calls()).toBe(before + 3);
    // Forced onto JavaScript: no call at all.
    configureKernels({ backend: 'js' });
    applyOp(node, [big('float32')]);
    applyOp(conv, [x]);
    expect(calls()).toBe(before + 3);
  });

  it('rejects an unknown backend', () => {
    expect(() => configureKernels({ backend: 'gpu' as 'js' })).toThrow(InvalidArgumentError);
    expect(() => configureKernels({ backend: 'gpu' as 'js' })).toThrow(/backend must be "auto" or "js"/);
    expect(() => configureKernels({ accumulation: 'float16' as 'float32' })).toThrow(
      /accumulation must be "float64" or "float32"/,
    );
    expect(kernelAccumulation()).toBe('float64');
  });
});

/**
 * The trainer's float32 gradients on the WebAssembly kernels: which computations go there (dense
 * and conv ∂W, dense ∂x), that the backward pass still matches central finite differences when
 * they do, and that the plain loops take over, bit for bit, when the kernels are switched off,
 * missing, or cannot get the memory. The kernels' numbers themselves are checked against their
 * plain twins in test/kernels/weight-gradient-gemm.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import {
  activeWasmKernels,
  configureKernels,
  type KernelExports,
  kernelBackend,
  WASM_MIN_MACS,
  type WebAssemblyLike,
} from '../../../src/kernels/index.js';
import { denseAdjoint } from '../../../src/nn/adjoints/index.js';
import { conv2d, flatten, linear, relu, sequential } from '../../../src/nn/builder/index.js';
import { forward } from '../../../src/nn/forward.js';
import type { Model, Node } from '../../../src/nn/graph.js';
import {
  backward,
  convWeightGradient,
  denseBackward,
  GradientBuffers,
  softmaxCrossEntropy,
} from '../../../src/nn/train/index.js';
import { expectGradientsMatch, randomCase } from './finite-differences.js';

/** The runtime's WebAssembly, typed as the loader takes it. */
const realWasm = (globalThis as { WebAssembly?: WebAssemblyLike }).WebAssembly!;

/** A runtime whose kernels keep their first page of memory: every larger layout is declined. */
const cannotGrow: WebAssemblyLike = {
  validate: (bytes) => realWasm.validate(bytes),
  Module: realWasm.Module,
  Instance: class {
    readonly exports: object;
    constructor(module: object, imports?: object) {
      const exports = new realWasm.Instance(module, imports).exports as KernelExports;
      const memory = exports.memory;
      this.exports = {
        ...exports,
        memory: {
          get buffer() {
            return memory.buffer;
          },
          grow: () => {
            throw new RangeError('no more memory');
          },
        },
      };
    }
  },
};

/** The first node of a one-layer model. */
const onlyNode = <N>(model: Model): N => model.nodes[0] as N;

/** A dense layer's backward context for `rows` random samples. */
function denseContext(nIn: number, nOut: number, rows: number, seed: number) {
  const node = onlyNode<Node<'dense'>>(sequential([nIn], [linear(nIn, nOut)], { seed }));
  const rng = new Rng(seed);
  return {
    node,
    inputs: [{ shape: [rows, nIn], data: rng.uniformArray(rows * nIn, -1, 1) }],
    output: { shape: [rows, nOut], data: new Float32Array(rows * nOut) },
    gradOutput: rng.uniformArray(rows * nOut, -1, 1),
    gradParams: { weight: new Float32Array(nOut * nIn), bias: new Float32Array(nOut) },
  };
}

/** Every parameter gradient of one backward pass on a seeded batch, concatenated. */
function parameterGradients(model: Model, batch: number, seed: number): Float32Array {
  const c = randomCase(model, batch, seed);
  const activations = forward(model, { shape: [...c.shape], data: Float32Array.from(c.x) });
  const buffers = new GradientBuffers(model, batch);
  backward(model, activations, softmaxCrossEntropy(activations.output, c.labels).gradient, buffers);
  const parts = [...buffers.params.values()].flatMap((grads) => Object.values(grads));
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

describe('the trainer on the WebAssembly kernels', () => {
  afterEach(() => configureKernels({ backend: 'auto', webAssembly: realWasm }));

  it('routes float32 ∂W of dense and conv layers, and dense ∂x, of WASM_MIN_MACS or more there, and nothing else', () => {
    const kernels = activeWasmKernels()!;
    const dense = denseContext(64, 64, 8, 1);
    expect(8 * 64 * 64).toBeGreaterThanOrEqual(WASM_MIN_MACS);
    let before = kernels.layouts;
    denseBackward({ ...dense, gradInputs: [null] });
    expect(kernels.layouts).toBe(before + 1);
    denseBackward({ ...dense, gradInputs: [new Float32Array(8 * 64)] });
    expect(kernels.layouts).toBe(before + 3);
    // Below the threshold: the plain loops.
    before = kernels.layouts;
    denseBackward({ ...denseContext(4, 3, 2, 2), gradInputs: [new Float32Array(8)] });
    expect(kernels.layouts).toBe(before);
    // A 4 → 6 channel 3 × 3 convolution on 12 × 12, float32 and float64 inputs.
    const conv = onlyNode<Node<'conv'>>(
      sequential([4, 12, 12], [conv2d(4, 6, 3, { padding: 1 })], { seed: 3 }),
    );
    const rng = new Rng(4);
    const a = rng.uniformArray(4 * 144, -1, 1);
    const gz = rng.uniformArray(6 * 144, -1, 1);
    const gw = new Float32Array(6 * 36);
    convWeightGradient(conv, a, [1, 4, 12, 12], [1, 6, 12, 12], gz, gw);
    expect(kernels.layouts).toBe(before + 1);
    convWeightGradient(conv, Float64Array.from(a), [1, 4, 12, 12], [1, 6, 12, 12], gz, gw);
    expect(kernels.layouts).toBe(before + 1);
    // Forced onto JavaScript: no call at all.
    configureKernels({ backend: 'js' });
    denseBackward({ ...dense, gradInputs: [new Float32Array(8 * 64)] });
    convWeightGradient(conv, a, [1, 4, 12, 12], [1, 6, 12, 12], gz, gw);
    expect(kernels.layouts).toBe(before + 1);
  });

  it('matches central finite differences with the weight gradients on WebAssembly', () => {
    const dense = sequential([64], [linear(64, 32), relu(), linear(32, 3)], { seed: 5 });
    const conv = sequential(
      [4, 11, 9],
      [
        conv2d(4, 6, [3, 2], { stride: [1, 2], padding: [1, 0, 2, 1], dilation: [2, 1], groups: 2 }),
        relu(),
        flatten(),
        linear(300, 3),
      ],
      { seed: 6 },
    );
    // dense: ∂W of 64 → 32 on 4 samples (8192 multiply-adds; 2179 parameters); conv: ∂W of 3 samples
    // (10,800; 981 parameters).
    for (const [model, batch] of [
      [dense, 4],
      [conv, 3],
    ] as const) {
      const kernels = activeWasmKernels()!;
      const c = randomCase(model, batch, 7);
      const activations = forward(model, { shape: [...c.shape], data: Float32Array.from(c.x) });
      const { gradient } = softmaxCrossEntropy(activations.output, c.labels);
      const before = kernels.layouts;
      backward(model, activations, gradient, new GradientBuffers(model, batch));
      expect(kernels.layouts, 'the first layer’s ∂W ran on WebAssembly').toBe(before + 1);
      expect(expectGradientsMatch(c).checked).toBeGreaterThan(900);
    }
  });

  it('takes a float32 dense layer’s ∂x from the adjoint map c += ∂z·W, bit for bit, on both backends', () => {
    const context = denseContext(96, 40, 7, 8);
    const gx0 = new Rng(9).uniformArray(7 * 96, -1, 1);
    for (const backend of ['auto', 'js'] as const) {
      configureKernels({ backend });
      const viaBackward = gx0.slice();
      denseBackward({ ...context, gradInputs: [viaBackward] });
      const viaAdjoint = gx0.slice();
      denseAdjoint(context.node, context.gradOutput, viaAdjoint);
      expect(viaBackward).toEqual(viaAdjoint);
    }
  });

  it('falls back to the plain loops, bit for bit, without WebAssembly or when its memory cannot grow', () => {
    const models: [Model, number][] = [
      [sequential([256], [linear(256, 64), relu(), linear(64, 3)], { seed: 10 }), 16],
      [sequential([4, 20, 20], [conv2d(4, 8, 3, { padding: 1 }), relu(), flatten(), linear(3200, 3)]), 16],
    ];
    for (const [model, batch] of models) {
      configureKernels({ backend: 'js' });
      const plain = parameterGradients(model, batch, 11);
      configureKernels({ backend: 'auto', webAssembly: undefined });
      expect(kernelBackend()).toBe('js');
      expect(parameterGradients(model, batch, 11)).toEqual(plain);
      // Every computation these models route is larger than the first page: all are declined.
      configureKernels({ backend: 'auto', webAssembly: cannotGrow });
      expect(kernelBackend()).toBe('wasm');
      expect(parameterGradients(model, batch, 11)).toEqual(plain);
      expect(activeWasmKernels()!.layouts).toBe(0);
      // With the kernels: the same gradients up to float32 rounding, not the same bits.
      configureKernels({ backend: 'auto', webAssembly: realWasm });
      const fast = parameterGradients(model, batch, 11);
      expect(fast).not.toEqual(plain);
      const scale = plain.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let i = 0; i < fast.length; i++)
        expect(Math.abs(fast[i]! - plain[i]!)).toBeLessThanOrEqual(1e-5 * scale);
    }
  });
});

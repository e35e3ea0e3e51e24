/**
 * Shared support for the kernel tests: the WebAssembly kernels, running a block of code on the
 * plain JavaScript loops, random conv nodes with their geometry, and the error bound of a float32
 * sum that rounds after every addition.
 */
import fc from 'fast-check';
import { Rng } from '../../src/core/rng.js';
import {
  type ConvShape,
  configureKernels,
  type Layout,
  loadWasmKernels,
  type WasmKernels,
} from '../../src/kernels/index.js';
import type { Node } from '../../src/nn/graph.js';
import { axes2d, opOf } from '../../src/nn/ops/index.js';

/** A fresh instance of the WebAssembly kernels (this runtime has SIMD: Node ≥ 16.4). */
export function wasmKernels(): WasmKernels {
  const k = loadWasmKernels();
  if (k === null) throw new Error('the WebAssembly SIMD kernels did not load on this runtime');
  return k;
}

/** `kernels.layout(sizes)`, which the tests' small sizes always fit. */
export function layoutOf<K extends string>(
  kernels: WasmKernels,
  sizes: Readonly<Record<K, number>>,
): Layout<K> {
  const at = kernels.layout(sizes);
  if (at === null) throw new Error('the kernels could not lay out a test’s buffers');
  return at;
}

/** Runs `fn` with the float32 loops forced onto the plain JavaScript twins. */
export function withJsKernels<T>(fn: () => T): T {
  configureKernels({ backend: 'js' });
  try {
    return fn();
  } finally {
    configureKernels({ backend: 'auto' });
  }
}

/** The unit roundoff of float32, 2⁻²⁴. */
export const F32_UNIT = 2 ** -24;

/** A float64 copy of an array. */
export const f64 = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);

/** Random conv attributes (groups, asymmetric pads, strides, dilations) with an input that fits. */
export const convCase = fc
  .record({
    group: fc.integer({ min: 1, max: 3 }),
    perGroupIn: fc.integer({ min: 1, max: 4 }),
    perGroupOut: fc.integer({ min: 1, max: 7 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilations: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    pads: fc.tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
    ),
    extra: fc.tuple(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 13 })),
    batch: fc.integer({ min: 1, max: 2 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((c) => {
    const extent = (a: 0 | 1) => c.dilations[a] * (c.kernel[a] - 1) + 1;
    const height = Math.max(1, extent(0) - c.pads[0] - c.pads[2] + c.extra[0]);
    const width = Math.max(1, extent(1) - c.pads[1] - c.pads[3] + c.extra[1]);
    return { ...c, height, width };
  });

/** One case of `convCase`. */
export type ConvCase = typeof convCase extends fc.Arbitrary<infer T> ? T : never;

/** A "same" 3 × 3 convolution case: stride 1, dilation 1, padding 1 on every side. */
export const sameConv3x3 = (
  c: Pick<ConvCase, 'group' | 'perGroupIn' | 'perGroupOut' | 'batch' | 'seed' | 'height' | 'width'>,
): ConvCase => ({
  ...c,
  kernel: [3, 3],
  strides: [1, 1],
  dilations: [1, 1],
  pads: [1, 1, 1, 1],
  extra: [0, 0],
});

/** 20 × 3 × 3 = 180 taps (passes of 128), 19 × 21 = 399 positions (tiles of 256), 2 groups of 5. */
export const TILED_CONV: ConvCase = sameConv3x3({
  group: 2,
  perGroupIn: 20,
  perGroupOut: 5,
  batch: 2,
  seed: 9,
  height: 19,
  width: 21,
});

/** A conv node with seeded random float32 weight and bias for a case. */
export function convNode(c: ConvCase): Node<'conv'> {
  const rng = new Rng(c.seed);
  const out = c.group * c.perGroupOut;
  const weightSize = out * c.perGroupIn * c.kernel[0] * c.kernel[1];
  return {
    op: 'conv',
    name: 'conv',
    layer: 'features.0',
    inputs: ['x'],
    output: 'y',
    attributes: { strides: c.strides, pads: c.pads, dilations: c.dilations, group: c.group },
    params: {
      weight: {
        shape: [out, c.perGroupIn, c.kernel[0], c.kernel[1]],
        data: rng.uniformArray(weightSize, -1, 1),
      },
      bias: { shape: [out], data: rng.uniformArray(out, -1, 1) },
    },
  };
}

/** The per-sample input and output shapes of a case and the geometry the kernels take. */
export function convShapes(
  c: ConvCase,
  node: Node<'conv'>,
): {
  input: number[];
  output: number[];
  geometry: ConvShape;
} {
  const input = [c.group * c.perGroupIn, c.height, c.width];
  const output = opOf(node).inferShape(node, [input]);
  const [outChannels, oh, ow] = output as [number, number, number];
  const [rows, cols] = axes2d(c.kernel, c.strides, c.pads, c.dilations);
  const geometry = {
    batch: c.batch,
    channels: input[0]!,
    height: c.height,
    width: c.width,
    outChannels,
    group: c.group,
    kh: c.kernel[0],
    kw: c.kernel[1],
    oh,
    ow,
    rows,
    cols,
  };
  return { input, output, geometry };
}

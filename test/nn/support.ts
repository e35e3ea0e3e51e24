/**
 * Shared test support for the network core: seeded random tensors, running one operator on a
 * batch, and comparing a result with a reference (shape first, then values).
 */
import { expect } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { allocate, type DType, dtypeOf, sizeOf, type Tensor } from '../../src/core/tensor.js';
import type { AnyNode, Node } from '../../src/nn/graph.js';
import { opOf } from '../../src/nn/ops/index.js';

/** A plain float64 result of a reference implementation. */
export interface Reference {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** A tensor of uniform values in [low, high) from a seeded generator. */
export function randomTensor(
  rng: Rng,
  shape: readonly number[],
  dtype: DType = 'float32',
  low = -1,
  high = 1,
): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(low, high);
  return { shape: [...shape], data };
}

/** A float32 parameter tensor of uniform values. */
export function randomParam(rng: Rng, shape: readonly number[], low = -1, high = 1): Tensor<Float32Array> {
  return { shape: [...shape], data: rng.uniformArray(sizeOf(shape), low, high) };
}

/** Runs one operator on batch inputs through its definition (shape inference, then forward). */
export function applyOp(node: AnyNode, inputs: readonly Tensor[]): Tensor {
  const definition = opOf(node);
  const shape = definition.inferShape(
    node,
    inputs.map((t) => t.shape.slice(1)),
  );
  const out: Tensor = {
    shape: [inputs[0]!.shape[0]!, ...shape],
    data: allocate(dtypeOf(inputs[0]!.data), sizeOf([inputs[0]!.shape[0]!, ...shape])),
  };
  definition.forward(node, inputs, out);
  return out;
}

/**
 * Expects `actual` to have the reference's shape, then every element within
 * rtol·max|reference| of it (a norm-wise relative error; exact equality for an all-zero reference).
 */
export function expectClose(actual: Tensor, expected: Reference | Tensor, rtol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.data.length).toBe(expected.data.length);
  let scale = 0;
  for (let i = 0; i < expected.data.length; i++) scale = Math.max(scale, Math.abs(expected.data[i]!));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const error = Math.abs(actual.data[i]! - expected.data[i]!);
    if (!(error <= worst)) {
      worst = error;
      at = i;
    }
  }
  if (!(worst <= rtol * scale))
    expect.fail(
      `element ${at}: got ${actual.data[at]}, expected ${expected.data[at]} ` +
        `(error ${worst} over the tolerance ${rtol} × ${scale})`,
    );
}

/** The relative tolerance of each compute dtype. */
export const RTOL: Record<DType, number> = { float32: 1e-5, float64: 1e-12 };

/** A generator for a property run, from the run's seed. */
export const rngOf = (seed: number): Rng => new Rng(seed);

/** A dense layer nIn → nOut with weights and bias uniform in [−1, 1) from `rng`. */
export function denseNode(rng: Rng, nIn: number, nOut: number): Node<'dense'> {
  return {
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
}

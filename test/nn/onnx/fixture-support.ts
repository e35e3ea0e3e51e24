/**
 * Reading the ONNX test fixtures (the zennit references beside the repository, the PyTorch exports
 * in test/fixtures/onnx) and comparing outputs sample by sample.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Tensor } from '../../../src/core/tensor.js';

/** The zennit fixture folder. */
export const ZENNIT = fileURLToPath(new URL('../../../../shared/fixtures/zennit/', import.meta.url));

/** The PyTorch export fixture folder. */
export const EXPORTS = fileURLToPath(new URL('../../fixtures/onnx/', import.meta.url));

/** A raw little-endian float32 file. */
export function readFloat32(path: string): Float32Array {
  const bytes = readFileSync(path);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** A JSON file. */
export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/**
 * Expects `actual` [N, …] to match `expected` sample by sample: max|Δ| over a sample at most
 * rtol · max|expected| over that sample.
 */
export function expectPerSample(
  actual: Tensor,
  expected: Float32Array,
  shape: readonly number[],
  rtol: number,
): void {
  expect(actual.shape).toEqual(shape);
  const batch = shape[0]!;
  const per = expected.length / batch;
  for (let n = 0; n < batch; n++) {
    let scale = 0;
    let worst = 0;
    for (let i = n * per; i < (n + 1) * per; i++) {
      scale = Math.max(scale, Math.abs(expected[i]!));
      worst = Math.max(worst, Math.abs(actual.data[i]! - expected[i]!));
    }
    expect(worst, `sample ${n}: max|Δ| ${worst} over ${rtol} × ${scale}`).toBeLessThanOrEqual(rtol * scale);
  }
}

/** Softmax or log-softmax over the last axis of [N, K], in float64 (to compare with probability outputs). */
export function probabilities(logits: Tensor, kind: 'softmax' | 'log_softmax'): Tensor {
  const k = logits.shape[logits.shape.length - 1]!;
  const out = new Float64Array(logits.data.length);
  for (let base = 0; base < out.length; base += k) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, logits.data[base + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logits.data[base + c]! - max);
    for (let c = 0; c < k; c++) {
      const shifted = logits.data[base + c]! - max;
      out[base + c] = kind === 'softmax' ? Math.exp(shifted) / sum : shifted - Math.log(sum);
    }
  }
  return { shape: logits.shape, data: out };
}

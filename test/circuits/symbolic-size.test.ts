import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/circuits/index.js';
import { LimitError } from '../../src/core/errors.js';
import { importOnnx } from '../../src/nn/onnx/index.js';
import type { Polynomial } from '../../src/semirings/index.js';
import { arbNetSpec, randomBatch, tinyNet } from '../support/random-nets.js';

/** Σ over the inputs of the number of paths (monomials with multiplicity) of ℕ[X] relevance. */
const paths = (values: readonly Polynomial[]): number =>
  values.reduce((n, p) => n + p.terms.reduce((m, t) => m + Number(t.coefficient), 0), 0);

describe('symbolic size prediction', () => {
  for (const annotate of [undefined, 'threshold:0.05', 'identity'] as const)
    it(`predicts exactly the paths of ℕ[X] relevance (annotation ${annotate ?? 'token'}), refusing only above the limit`, () => {
      fc.assert(
        fc.property(arbNetSpec(), fc.integer({ min: 0, max: 1000 }), (spec, seed) => {
          const model = tinyNet(spec);
          const trace = compile(model).trace(randomBatch(model, 2, seed));
          const options = { semiring: 'polynomial', ...(annotate ? { annotate } : {}) } as const;
          const built = trace.relevance<Polynomial>({ ...options, limit: 1e12 });
          const exact = paths(built.values);
          // At the limit it is built; one below it is refused before anything is built.
          expect(paths(trace.relevance<Polynomial>({ ...options, limit: exact }).values)).toBe(exact);
          if (exact > 0) expect(() => trace.relevance({ ...options, limit: exact - 1 })).toThrow(LimitError);
        }),
        { seed: 0x515e, numRuns: 40 },
      );
    });

  it('refuses ℕ[X] relevance of VGG-16-slim on one 224×224 image in under 2 s', () => {
    const dir = new URL('../fixtures/vgg16-slim/', import.meta.url).pathname;
    const model = importOnnx(`${dir}vgg16-slim.onnx`);
    const bytes = readFileSync(`${dir}vgg16-slim.input.bin`);
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, 3 * 224 * 224).slice();
    const trace = compile(model).trace({ shape: [1, 3, 224, 224], data });
    const start = performance.now();
    expect(() => trace.relevance({ semiring: 'polynomial' })).toThrow(
      /^relevance in polynomial: result would have up to \S+ elements, over the limit of 1000000; restrict it/,
    );
    const seconds = (performance.now() - start) / 1000;
    // An upper bound with a wide margin over the measured ≈0.3 s, not a benchmark.
    expect(seconds).toBeLessThan(2);
  }, 30_000);
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, relevanceToArray } from '../../src/circuits/index.js';
import { arbNetSpec, randomBatch, tinyNet } from '../support/random-nets.js';

const SEMIRINGS = ['real', 'boolean', 'counting', 'viterbi', 'tropical'] as const;

describe('relevance arrays', () => {
  it.each(SEMIRINGS)(
    '%s: the array read from the kernel data equals the one built from the values',
    (semiring) => {
      fc.assert(
        fc.property(arbNetSpec(), fc.integer({ min: 1, max: 3 }), (spec, batch) => {
          const model = tinyNet(spec);
          const r = compile(model)
            .trace(randomBatch(model, batch, spec.seed))
            .relevance({ semiring });
          expect(r.data).toBeDefined();
          const array = relevanceToArray(r);
          const expected =
            semiring === 'boolean'
              ? Uint8Array.from(r.values as unknown as boolean[], (b) => (b ? 1 : 0))
              : Float64Array.from(r.values as unknown as number[]);
          expect(array.dtype).toBe(semiring === 'boolean' ? 'uint8' : 'float64');
          expect(array.shape).toEqual([...r.shape]);
          expect(Array.from(array.data)).toEqual(Array.from(expected));
          // The array is the caller's: changing it leaves the result as it was.
          array.data.fill(7);
          expect(Array.from(relevanceToArray(r).data)).toEqual(Array.from(expected));
          // Values are decoded once.
          expect(r.values).toBe(r.values);
        }),
        { numRuns: 15 },
      );
    },
  );
});

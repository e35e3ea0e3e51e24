import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayPool } from '../../src/core/array-pool.js';

describe('ArrayPool', () => {
  it('hands back a given array of the same dtype and length, filled with the value asked for', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('float32' as const, 'float64' as const),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ noNaN: true }),
        (dtype, length, value) => {
          const pool = new ArrayPool(1 << 20);
          const first = pool.take(dtype, length, 1);
          first[0] = 7;
          pool.give(first);
          expect(pool.heldBytes).toBe(first.byteLength);
          const again = pool.take(dtype, length, value);
          expect(again).toBe(first);
          expect(Array.from(again)).toEqual(
            Array.from(
              dtype === 'float32'
                ? new Float32Array(length).fill(value)
                : new Float64Array(length).fill(value),
            ),
          );
          expect(pool.heldBytes).toBe(0);
          // Another length or dtype is a new array.
          pool.give(again);
          expect(pool.take(dtype, length + 1, 0)).not.toBe(again);
          expect(pool.take(dtype === 'float32' ? 'float64' : 'float32', length, 0)).not.toBe(again);
        },
      ),
    );
  });

  it('keeps at most its bound, and never a view into a larger buffer', () => {
    const pool = new ArrayPool(100);
    pool.give(new Float64Array(10)); // 80 bytes
    pool.give(new Float64Array(10)); // would pass 100: dropped
    expect(pool.heldBytes).toBe(80);
    const buffer = new Float32Array(8);
    pool.give(buffer.subarray(0, 4));
    pool.give(buffer.subarray(4));
    expect(pool.heldBytes).toBe(80);
    expect(pool.take('float32', 4, 0).buffer).not.toBe(buffer.buffer);
  });
});

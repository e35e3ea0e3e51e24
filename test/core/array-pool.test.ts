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

  it('keeps at most its bound, the arrays given last, and never a view into a larger buffer', () => {
    const pool = new ArrayPool(100);
    const first = new Float64Array(10); // 80 bytes
    const second = new Float64Array(10);
    pool.give(first);
    pool.give(second); // would pass 100: the first, given longest ago, makes room
    pool.give(second); // given already: kept once
    expect(pool.heldBytes).toBe(80);
    expect(pool.take('float64', 10, 0)).toBe(second);
    expect(pool.take('float64', 10, 0)).not.toBe(first);
    pool.give(new Float64Array(13)); // larger than the pool: not kept
    expect(pool.heldBytes).toBe(0);
    pool.give(first);
    const buffer = new Float32Array(8);
    pool.give(buffer.subarray(0, 4));
    pool.give(buffer.subarray(4));
    expect(pool.heldBytes).toBe(80);
    expect(pool.take('float32', 4, 0).buffer).not.toBe(buffer.buffer);
  });

  it('holds the arrays given most recently that fit its bound, each at most once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }), (gifts) => {
        const pool = new ArrayPool(40);
        const arrays = Array.from({ length: 6 }, (_, i) => new Float64Array(1 + (i % 3)));
        // The model: a queue of the arrays held, oldest first.
        let held: Float64Array[] = [];
        for (const i of gifts) {
          const a = arrays[i]!;
          pool.give(a);
          if (held.includes(a)) continue;
          while (held.reduce((b, h) => b + h.byteLength, 0) + a.byteLength > 40) held = held.slice(1);
          held.push(a);
        }
        expect(pool.heldBytes).toBe(held.reduce((b, h) => b + h.byteLength, 0));
        // Taken back per length, most recently given first.
        for (const length of [1, 2, 3]) {
          const expected = held.filter((h) => h.length === length).reverse();
          for (const a of expected) expect(pool.take('float64', length, 0)).toBe(a);
          expect(expected).not.toContain(pool.take('float64', length, 0));
        }
        expect(pool.heldBytes).toBe(0);
      }),
    );
  });
});

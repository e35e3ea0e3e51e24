/**
 * Typed arrays kept for reuse: relevance accumulators that a propagation dropped (see
 * propagate.ts's `release`) are handed to the next propagation of the same circuit instead of
 * being allocated again. A data-set pass traces chunk after chunk of samples: without reuse every
 * chunk allocates the relevance of every tensor afresh, and V8 collects that external memory with
 * full garbage collections that take a quarter of the work (and, with a thread per core, the
 * cores the threads compute on). The pool holds at most `maxBytes`, so a large network's arrays
 * are only kept up to that bound.
 */
import { allocate, type DType, type FloatArray } from './tensor.js';

export class ArrayPool {
  private readonly free = new Map<string, FloatArray[]>();
  private bytes = 0;

  constructor(
    /** The most bytes the pool keeps. */
    readonly maxBytes: number,
  ) {}

  /** An array of `length` elements of `dtype`, every element `value`. */
  take(dtype: DType, length: number, value: number): FloatArray {
    const array = this.free.get(`${dtype}:${length}`)?.pop();
    if (array === undefined) {
      const fresh = allocate(dtype, length);
      return value === 0 ? fresh : fresh.fill(value);
    }
    this.bytes -= array.byteLength;
    return array.fill(value);
  }

  /** Gives `array` back for reuse; the caller keeps no reference to it. */
  give(array: FloatArray): void {
    // A view into a larger buffer is not the pool's to keep.
    if (array.byteOffset !== 0 || array.buffer.byteLength !== array.byteLength) return;
    if (this.bytes + array.byteLength > this.maxBytes) return;
    const key = `${array instanceof Float64Array ? 'float64' : 'float32'}:${array.length}`;
    let arrays = this.free.get(key);
    if (arrays === undefined) {
      arrays = [];
      this.free.set(key, arrays);
    }
    arrays.push(array);
    this.bytes += array.byteLength;
  }

  /** The bytes held now. */
  get heldBytes(): number {
    return this.bytes;
  }
}

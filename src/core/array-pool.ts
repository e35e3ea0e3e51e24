/**
 * Typed arrays kept for reuse: the arrays a trace is done with (relevance accumulators that a
 * propagation dropped, see propagate.ts's `release`, and everything `Trace.release` hands back)
 * serve the next traces of the same circuit instead of being allocated again. A data-set pass
 * traces chunk after chunk of samples: without reuse every chunk allocates its activations and
 * the relevance of every tensor afresh, and V8 collects that external memory with full garbage
 * collections that take a quarter of the work (and, with a thread per core, the cores the threads
 * compute on). The pool holds at most `maxBytes`; when an array would pass that bound, the arrays
 * given longest ago make room for it, so that arrays no trace asks for again (a layer's relevance
 * asked for once) cannot crowd out the ones every chunk needs.
 */
import { allocate, type DType, dtypeOf, type FloatArray } from './tensor.js';

export class ArrayPool {
  /** The free arrays per dtype and length, most recently given last. */
  private readonly free = new Map<string, FloatArray[]>();
  /** Every free array, in the order given (a Set keeps insertion order). */
  private readonly given = new Set<FloatArray>();
  private bytes = 0;

  constructor(
    /** The most bytes the pool keeps. */
    readonly maxBytes: number,
  ) {}

  /** An array of `length` elements of `dtype`, every element `value`. */
  take(dtype: DType, length: number, value: number): FloatArray {
    const array = this.free.get(keyOf(dtype, length))?.pop();
    if (array === undefined) {
      const fresh = allocate(dtype, length);
      return value === 0 ? fresh : fresh.fill(value);
    }
    this.given.delete(array);
    this.bytes -= array.byteLength;
    return array.fill(value);
  }

  /** Gives `array` back for reuse; the caller keeps no reference to it. */
  give(array: FloatArray): void {
    // A view into a larger buffer is not the pool's to keep, nor an array larger than the pool.
    if (array.byteOffset !== 0 || array.buffer.byteLength !== array.byteLength) return;
    if (array.byteLength > this.maxBytes || this.given.has(array)) return;
    if (this.bytes + array.byteLength > this.maxBytes)
      for (const oldest of this.given) {
        if (this.bytes + array.byteLength <= this.maxBytes) break;
        this.drop(oldest);
      }
    const key = keyOf(dtypeOf(array), array.length);
    let arrays = this.free.get(key);
    if (arrays === undefined) {
      arrays = [];
      this.free.set(key, arrays);
    }
    arrays.push(array);
    this.given.add(array);
    this.bytes += array.byteLength;
  }

  /** The bytes held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Forgets a free array (for the garbage collector). */
  private drop(array: FloatArray): void {
    const arrays = this.free.get(keyOf(dtypeOf(array), array.length))!;
    arrays.splice(arrays.indexOf(array), 1);
    this.given.delete(array);
    this.bytes -= array.byteLength;
  }
}

const keyOf = (dtype: DType, length: number): string => `${dtype}:${length}`;

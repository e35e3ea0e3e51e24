/**
 * Finding the first value that is not finite, the one test behind every overflow check (the
 * forward pass after each layer, relevance at the result boundary).
 */

/**
 * The index of the first element of `data` that is NaN or ±∞ and not `allowed` (the tropical
 * semiring's zero +∞, "no path", is a value), or −1 when there is none.
 */
export function firstNonFinite(data: ArrayLike<number>, allowed?: number): number {
  // NOTE: one loop per array type, so that each loop's element loads see one type only (a single
  // loop over float32, float64 and plain arrays runs several times slower on VGG-16's activations).
  if (data instanceof Float32Array) return firstNonFinite32(data, allowed);
  if (data instanceof Float64Array) return firstNonFinite64(data, allowed);
  return firstNonFiniteIn(data, 0, data.length, allowed);
}

// NOTE: v − v is 0 for every finite v and NaN for NaN and ±∞, so a sum of four such differences
// is 0 exactly when all four are finite: one test per four elements (twice as fast as one per
// element); a block that fails is searched element by element.

function firstNonFinite32(data: Float32Array, allowed: number | undefined): number {
  const n = data.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = data[i]!;
    const b = data[i + 1]!;
    const c = data[i + 2]!;
    const d = data[i + 3]!;
    if (a - a + (b - b) + (c - c) + (d - d) !== 0) {
      const at = firstNonFiniteIn(data, i, i + 4, allowed);
      if (at >= 0) return at;
    }
  }
  return firstNonFiniteIn(data, i, n, allowed);
}

function firstNonFinite64(data: Float64Array, allowed: number | undefined): number {
  const n = data.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = data[i]!;
    const b = data[i + 1]!;
    const c = data[i + 2]!;
    const d = data[i + 3]!;
    if (a - a + (b - b) + (c - c) + (d - d) !== 0) {
      const at = firstNonFiniteIn(data, i, i + 4, allowed);
      if (at >= 0) return at;
    }
  }
  return firstNonFiniteIn(data, i, n, allowed);
}

/** `firstNonFinite` over the elements [from, to), one by one. */
function firstNonFiniteIn(
  data: ArrayLike<number>,
  from: number,
  to: number,
  allowed: number | undefined,
): number {
  for (let i = from; i < to; i++) {
    const v = data[i]!;
    if (v - v !== 0 && v !== allowed) return i;
  }
  return -1;
}

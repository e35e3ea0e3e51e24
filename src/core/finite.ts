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
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // NOTE: v − v is 0 for every finite v and NaN for NaN and ±∞: one test, no call.
    if (v - v !== 0 && v !== allowed) return i;
  }
  return -1;
}

function firstNonFinite32(data: Float32Array, allowed: number | undefined): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0 && v !== allowed) return i;
  }
  return -1;
}

function firstNonFinite64(data: Float64Array, allowed: number | undefined): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0 && v !== allowed) return i;
  }
  return -1;
}

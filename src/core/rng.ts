/**
 * A small seeded pseudo-random generator, so that weight initialisation, data shuffling and
 * property tests are reproducible from one integer.
 *
 * Algorithm: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * 2021) on four 32-bit words, seeded by splitmix32 from the seed. `next()` joins two outputs into a
 * 53-bit float in [0, 1); `normal` uses the Box–Muller transform.
 */
import { assertArgument } from './errors.js';

/** A seeded random generator; the same seed always gives the same sequence. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** A generator from an integer seed (any safe integer; only its value modulo 2³² matters). */
  constructor(seed: number) {
    assertArgument(Number.isSafeInteger(seed), 'Rng', () => `the seed must be a safe integer, got ${seed}`);
    let x = seed >>> 0;
    const splitmix = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
  }

  /** A generator in a saved state (four 32-bit words, not all zero), as `state()` returns it. */
  static fromState(state: readonly number[]): Rng {
    assertArgument(
      state.length === 4 &&
        state.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32) &&
        state.some((w) => w !== 0),
      'Rng.fromState',
      () => `a state is four 32-bit unsigned integers, not all zero; got ${JSON.stringify(state)}`,
    );
    const rng = new Rng(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state as [number, number, number, number];
    return rng;
  }

  /** The current state, to resume the sequence later with `Rng.fromState`. */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** The next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float uniform in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A float uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** A Float32Array of `length` floats uniform in [low, high). */
  uniformArray(length: number, low = 0, high = 1): Float32Array {
    assertArgument(Number.isInteger(length) && length >= 0, 'Rng.uniformArray', () => `bad length ${length}`);
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** A normally distributed float (Box–Muller). */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.next(); // in (0, 1], so the logarithm is finite
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An integer uniform in [low, high). */
  int(low: number, high: number): number {
    assertArgument(
      Number.isSafeInteger(low) && Number.isSafeInteger(high) && low < high,
      'Rng.int',
      () => `needs integers low < high, got ${low} and ${high}`,
    );
    return low + Math.floor(this.next() * (high - low));
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}

/** A 32-bit left rotation. */
const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/**
 * Reductions over a data set, pixel by pixel (or neuron by neuron): what masks combine. `sum` and
 * `mean` add in float64 in sample order; `min` and `max` keep the least and greatest value; `and`
 * and `or` ask whether a value is > 0 (a relevant pixel in 𝔹, a pixel with a path in ℕ: the same
 * support, DESIGN.md §1) in every sample or in some, as uint8 0/1. The shards are read in sample
 * order, so a reduction does not depend on where or in which order its jobs ran.
 */
import { join } from 'node:path';
import { makeFolder } from '../core/file-io.js';
import { type NpyArray, writeNpyFile } from '../core/npy.js';
import { forEachShard, type ManifestJob } from './manifest.js';

/** The reductions, by name. */
export const REDUCTIONS = ['mean', 'sum', 'and', 'or', 'min', 'max'] as const;

/** A reduction's name. */
export type Reduction = (typeof REDUCTIONS)[number];

/** A running reduction: its accumulator, how one sample's values enter it, and its result. */
interface Accumulator {
  readonly add: (values: ArrayLike<number>, at: number) => void;
  readonly result: (samples: number) => NpyArray;
}

function accumulator(reduction: Reduction, size: number, shape: number[]): Accumulator {
  const acc = new Float64Array(size);
  const bits = new Uint8Array(size);
  switch (reduction) {
    case 'sum':
    case 'mean':
      return {
        add: (v, at) => {
          for (let p = 0; p < size; p++) acc[p] = acc[p]! + v[at + p]!;
        },
        result: (n) => ({
          dtype: 'float64',
          shape,
          data: reduction === 'sum' ? acc : acc.map((s) => s / n),
        }),
      };
    case 'min':
    case 'max': {
      acc.fill(reduction === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
      const better = reduction === 'min' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
      return {
        add: (v, at) => {
          for (let p = 0; p < size; p++) if (better(v[at + p]!, acc[p]!)) acc[p] = v[at + p]!;
        },
        result: () => ({ dtype: 'float64', shape, data: acc }),
      };
    }
    case 'and':
    case 'or': {
      if (reduction === 'and') bits.fill(1);
      return {
        add: (v, at) => {
          for (let p = 0; p < size; p++) {
            const set = v[at + p]! > 0 ? 1 : 0;
            bits[p] = reduction === 'and' ? bits[p]! & set : bits[p]! | set;
          }
        },
        result: () => ({ dtype: 'uint8', shape, data: bits }),
      };
    }
    default: {
      const unknown: never = reduction;
      throw new Error(`no reduction ${String(unknown)}`);
    }
  }
}

/**
 * Writes `<out>/reductions/<semiring>.<reduction>.npy` for every semiring and reduction, over the
 * jobs' shards in order, and returns the files written by `<semiring>.<reduction>`.
 */
export function writeReductions(
  out: string,
  jobs: readonly ManifestJob[],
  semirings: readonly string[],
  reductions: readonly Reduction[],
): Record<string, string> {
  if (reductions.length === 0) return {};
  const accumulators = new Map<string, Accumulator>();
  let samples = 0;
  forEachShard(out, jobs, (arrays, job) => {
    const n = job.end - job.start;
    for (const semiring of semirings) {
      const array = arrays.get(semiring)!;
      const size = array.data.length / n;
      const values = array.data as ArrayLike<number>;
      for (const reduction of reductions) {
        const name = `${semiring}.${reduction}`;
        let acc = accumulators.get(name);
        if (acc === undefined) {
          acc = accumulator(reduction, size, array.shape.slice(1));
          accumulators.set(name, acc);
        }
        for (let i = 0; i < n; i++) acc.add(values, i * size);
      }
    }
    samples += n;
  });
  makeFolder(join(out, 'reductions'));
  const files: Record<string, string> = {};
  for (const [name, acc] of accumulators) {
    files[name] = `reductions/${name}.npy`;
    writeNpyFile(join(out, files[name]), acc.result(samples));
  }
  return files;
}

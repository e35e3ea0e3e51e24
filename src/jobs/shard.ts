/**
 * A shard: one job's result, an `.npz`-like bundle (a zip of `.npy` files, as `numpy.savez`
 * writes; `numpy.load` reads it) holding `targets.npy` (int32 [n], the class each sample is
 * explained for; absent for `--targets all`) and `<semiring>.npy` per semiring: the relevance of
 * the n samples, [n, …sample] (or [n, classes, …sample] for every class), uint8 0/1 for Boolean,
 * float64 for the number-valued semirings (DESIGN.md §1b).
 *
 * The bytes depend on the job alone: entries in a fixed order, stored uncompressed, every
 * timestamp the zip format's earliest (1980-01-01 in local time, the same DOS fields in every time
 * zone), so a shard computed by a thread, another process or another machine is byte-identical.
 */
import { unzipSync, zipSync } from 'fflate';
import type { Circuit } from '../circuits/index.js';
import { copyRelevance, emptyRelevanceArray, type Relevance } from '../circuits/index.js';
import { FormatError, InvalidArgumentError } from '../core/errors.js';
import { type NpyArray, readNpy, writeNpy } from '../core/npy.js';
import { sizeOf, type Tensor } from '../core/tensor.js';
import { resolveTargets } from '../nn/lrp/index.js';
import type { Samples } from './data-source.js';
import type { ExplainOptions } from './job.js';

/** The arrays of a shard, by entry name without `.npy`. */
export type ShardArrays = ReadonlyMap<string, NpyArray>;

/** The timestamp of every entry (see the file header). */
const EPOCH = new Date(1980, 0, 1);

/** A shard's bytes from its arrays, in the order given. */
export function encodeShard(arrays: ShardArrays): Uint8Array {
  const entries: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  for (const [name, array] of arrays) entries[`${name}.npy`] = [writeNpy(array), { level: 0, mtime: EPOCH }];
  return zipSync(entries);
}

/** A shard's arrays from its bytes. */
export function decodeShard(bytes: Uint8Array, path: string): ShardArrays {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new FormatError(
      'shard',
      `${path}: not a zip of .npy files (${error instanceof Error ? error.message : String(error)}); ` +
        'delete it and run again to recompute it',
    );
  }
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(files)) {
    if (!name.endsWith('.npy')) throw new FormatError('shard', `${path}: unexpected entry ${name}`);
    arrays.set(name.slice(0, -4), readNpy(data));
  }
  return arrays;
}

/** The class each sample is explained for (label or argmax), or undefined for every class. */
function targetsOf(logits: Tensor, samples: Samples, options: ExplainOptions): Int32Array | undefined {
  if (options.targets === 'all') return undefined;
  if (options.targets === 'argmax') return resolveTargets(logits, {});
  if (samples.labels === undefined)
    throw new InvalidArgumentError(
      'explain-dataset --targets label',
      'the data has no labels (only mnist:test and mnist:train do); use --targets argmax or all',
    );
  return Int32Array.from(samples.labels);
}

/** Samples traced together within a job: their tensors stay in the core's caches (see below). */
export const CHUNK_SAMPLES = 100;

/**
 * Computes one job, `CHUNK_SAMPLES` at a time (a whole job's activations and relevance in one
 * trace outgrow the caches, and the pool's threads then wait on memory instead of computing;
 * each sample's relevance does not depend on the others traced with it), as the arrays of a shard.
 * Each chunk's results are written into the job's arrays and its trace released, so that the next
 * chunk computes in the same arrays (see core/array-pool.ts).
 */
export function computeShard(
  circuit: Circuit,
  samples: Samples,
  sampleShape: readonly number[],
  options: ExplainOptions,
): ShardArrays {
  const per = sizeOf(sampleShape);
  const n = samples.images.length / per;
  const arrays = new Map<string, NpyArray>();
  for (let from = 0; from < n; from += CHUNK_SAMPLES) {
    const to = Math.min(n, from + CHUNK_SAMPLES);
    const chunk: Samples = {
      images: samples.images.subarray(from * per, to * per),
      ...(samples.labels !== undefined ? { labels: samples.labels.subarray(from, to) } : {}),
    };
    computeChunk(circuit, chunk, sampleShape, options, (key, make) => {
      let array = arrays.get(key);
      if (array === undefined) {
        array = make(n);
        arrays.set(key, array);
      }
      return { data: array.data as Float64Array | Uint8Array | Int32Array, at: from };
    });
  }
  return arrays;
}

/**
 * Where a chunk writes its part of an entry: the job's array of `key` (made by `make` for the
 * job's n samples at the first chunk) and the chunk's first sample in it.
 */
type ChunkTarget = (
  key: string,
  make: (n: number) => NpyArray,
) => { readonly data: Float64Array | Uint8Array | Int32Array; readonly at: number };

/** One trace of some samples, then the relevance in each semiring with its settings, into `into`. */
function computeChunk(
  circuit: Circuit,
  samples: Samples,
  sampleShape: readonly number[],
  options: ExplainOptions,
  into: ChunkTarget,
): void {
  const per = sizeOf(sampleShape);
  const n = samples.images.length / per;
  const trace = circuit.trace({ shape: [n, ...sampleShape], data: samples.images });
  try {
    const logits = trace.activations.get(circuit.model.output);
    const targets = targetsOf(logits, samples, options);
    if (targets !== undefined) {
      const out = into('targets', (total) => ({
        dtype: 'int32',
        shape: [total],
        data: new Int32Array(total),
      }));
      out.data.set(targets, out.at);
    }
    const classes = logits.data.length / n;
    for (const semiring of options.semirings) {
      const relevance = (t: ArrayLike<number>) =>
        trace.relevance({
          semiring,
          targets: t,
          ...(options.composite !== undefined ? { composite: options.composite } : {}),
          ...(options.annotate !== undefined ? { annotate: options.annotate } : {}),
          ...(options.layer !== undefined ? { layer: options.layer } : {}),
        });
      // Each target's relevance [n, …] goes to [total, …], or to class c of [total, classes, …].
      const write = (r: Relevance<unknown>, c: number, of: number) => {
        const size = (r.data?.length ?? r.values.length) / n;
        const out = into(
          semiring,
          (total) =>
            emptyRelevanceArray(
              r.semiring,
              (of === 1 ? [total] : [total, of]).concat(r.shape.slice(1)),
            ) as NpyArray,
        );
        const data = out.data as Float64Array | Uint8Array;
        if (of === 1) copyRelevance(r, data, out.at * size, 0, n * size);
        else
          for (let i = 0; i < n; i++)
            copyRelevance(r, data, ((out.at + i) * of + c) * size, i * size, (i + 1) * size);
      };
      if (targets !== undefined) write(relevance(targets), 0, 1);
      else for (let c = 0; c < classes; c++) write(relevance(new Int32Array(n).fill(c)), c, classes);
    }
  } finally {
    // The results are written out: their arrays, with the trace's, serve the next chunk.
    trace.release({ results: true });
  }
}

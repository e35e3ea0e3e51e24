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
import { relevanceToArray } from '../circuits/index.js';
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

/** Lays the per-class arrays [n, …] out as [n, classes, …]. */
function interleave(perClass: NpyArray[], n: number): NpyArray {
  const first = perClass[0]!;
  const per = first.data.length / n;
  const classes = perClass.length;
  const data = new (first.data.constructor as Float64ArrayConstructor)(first.data.length * classes);
  perClass.forEach((array, c) => {
    for (let i = 0; i < n; i++)
      data.set((array.data as Float64Array).subarray(i * per, (i + 1) * per), (i * classes + c) * per);
  });
  return { dtype: first.dtype, shape: [n, classes, ...first.shape.slice(1)], data } as NpyArray;
}

/** Samples traced together within a job: their tensors stay in the core's caches (see below). */
export const CHUNK_SAMPLES = 100;

/** Lays arrays [n_i, …] of one key end to end as [Σ n_i, …]. */
function concatenate(parts: readonly NpyArray[]): NpyArray {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const data = new (first.data.constructor as Float64ArrayConstructor)(
    parts.reduce((n, p) => n + p.data.length, 0),
  );
  let at = 0;
  for (const p of parts) {
    data.set(p.data as Float64Array, at);
    at += p.data.length;
  }
  const n = parts.reduce((count, p) => count + p.shape[0]!, 0);
  return { dtype: first.dtype, shape: [n, ...first.shape.slice(1)], data } as NpyArray;
}

/**
 * Computes one job, `CHUNK_SAMPLES` at a time (a whole job's activations and relevance in one
 * trace outgrow the caches, and the pool's threads then wait on memory instead of computing;
 * each sample's relevance does not depend on the others traced with it), as the arrays of a shard.
 */
export function computeShard(
  circuit: Circuit,
  samples: Samples,
  sampleShape: readonly number[],
  options: ExplainOptions,
): ShardArrays {
  const per = sizeOf(sampleShape);
  const n = samples.images.length / per;
  const chunks: ShardArrays[] = [];
  for (let from = 0; from < n; from += CHUNK_SAMPLES) {
    const to = Math.min(n, from + CHUNK_SAMPLES);
    chunks.push(
      computeChunk(
        circuit,
        {
          images: samples.images.subarray(from * per, to * per),
          ...(samples.labels !== undefined ? { labels: samples.labels.subarray(from, to) } : {}),
        },
        sampleShape,
        options,
      ),
    );
  }
  return new Map([...chunks[0]!.keys()].map((key) => [key, concatenate(chunks.map((c) => c.get(key)!))]));
}

/** One trace of some samples, then the relevance in each semiring with its settings. */
function computeChunk(
  circuit: Circuit,
  samples: Samples,
  sampleShape: readonly number[],
  options: ExplainOptions,
): ShardArrays {
  const per = sizeOf(sampleShape);
  const n = samples.images.length / per;
  const trace = circuit.trace({ shape: [n, ...sampleShape], data: samples.images });
  const logits = trace.activations.get(circuit.model.output);
  const targets = targetsOf(logits, samples, options);
  const arrays = new Map<string, NpyArray>();
  if (targets !== undefined) arrays.set('targets', { dtype: 'int32', shape: [n], data: targets });
  const classes = logits.data.length / n;
  for (const semiring of options.semirings) {
    const relevance = (t: ArrayLike<number>): NpyArray =>
      relevanceToArray(
        trace.relevance({
          semiring,
          targets: t,
          ...(options.composite !== undefined ? { composite: options.composite } : {}),
          ...(options.annotate !== undefined ? { annotate: options.annotate } : {}),
          ...(options.layer !== undefined ? { layer: options.layer } : {}),
        }),
      ) as NpyArray;
    arrays.set(
      semiring,
      targets !== undefined
        ? relevance(targets)
        : interleave(
            Array.from({ length: classes }, (_, c) => relevance(new Int32Array(n).fill(c))),
            n,
          ),
    );
  }
  return arrays;
}

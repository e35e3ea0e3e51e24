/**
 * The manifest, `<out>/manifest.json`: what a run explains (the model file and its hash, the
 * data, every setting with its defaults resolved), its jobs in sample order with their shards, the
 * reductions written, whether it is complete, and the last run's timing. The shards hold the
 * results; the manifest is how to read them, and the only file of a run that holds timing.
 */
import { join } from 'node:path';
import { FormatError } from '../core/errors.js';
import { readFileBytes, writeFileAtomic } from '../core/file-io.js';
import type { NpyArray } from '../core/npy.js';
import type { ExplainOptions, resolvedSettings } from './job.js';
import { decodeShard, type ShardArrays } from './shard.js';

/** The manifest's format name and version. */
export const MANIFEST_FORMAT = 'provlrp-dataset/1';

/** One job as the manifest lists it. */
export interface ManifestJob {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  /** Its shard, relative to the run's folder. */
  readonly shard: string;
}

/** `<out>/manifest.json`. */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly model: { readonly path: string; readonly sha256: string };
  readonly data: {
    readonly spec: string;
    readonly id: string;
    readonly start: number;
    readonly end: number;
    readonly sampleShape: readonly number[];
  };
  readonly settings: {
    readonly targets: ExplainOptions['targets'];
    readonly layer: string | null;
    readonly semirings: ReturnType<typeof resolvedSettings>;
  };
  readonly shardSize: number;
  readonly jobs: readonly ManifestJob[];
  /** The reduction files by `<semiring>.<reduction>`, relative to the run's folder. */
  readonly reductions: Readonly<Record<string, string>>;
  /** Whether every job's shard is present. */
  readonly complete: boolean;
  /** The last run: how long it took, jobs computed and found present, and where they ran. */
  readonly run?: {
    readonly seconds: number;
    readonly computed: number;
    readonly present: number;
    readonly executor: string;
  };
}

/** Writes the manifest atomically. */
export function writeManifest(out: string, manifest: Manifest): void {
  writeFileAtomic(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
}

/** Reads a run's manifest. */
export function readManifest(out: string): Manifest {
  const path = join(out, 'manifest.json');
  const text = new TextDecoder().decode(readFileBytes(path, 'manifest'));
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (error) {
    throw new FormatError('manifest', `${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (manifest.format !== MANIFEST_FORMAT)
    throw new FormatError(
      'manifest',
      `${path} is not a ${MANIFEST_FORMAT} manifest; run explain-dataset again`,
    );
  return manifest;
}

/** Calls `visit` with each job's shard, in sample order. */
export function forEachShard(
  out: string,
  jobs: readonly ManifestJob[],
  visit: (arrays: ShardArrays, job: ManifestJob) => void,
): void {
  for (const job of jobs) {
    const path = join(out, job.shard);
    visit(decodeShard(readFileBytes(path, 'shard'), path), job);
  }
}

/**
 * The relevance of one semiring over the whole run, shards laid end to end, as float64 (Boolean
 * 0/1), with its shape [samples, …].
 */
export function readRelevance(out: string, semiring: string): { shape: number[]; data: Float64Array } {
  const manifest = readManifest(out);
  if (!manifest.complete)
    throw new FormatError(
      'manifest',
      `${join(out, 'manifest.json')}: the run is not complete; run it again to finish it`,
    );
  const parts: NpyArray[] = [];
  forEachShard(out, manifest.jobs, (arrays) => {
    const array = arrays.get(semiring);
    if (array === undefined)
      throw new FormatError(
        'shard',
        `no ${semiring} relevance in the run at ${out}; it has ${[...arrays.keys()].join(', ')}`,
      );
    parts.push(array);
  });
  const per = parts[0]!.data.length / parts[0]!.shape[0]!;
  const samples = parts.reduce((n, p) => n + p.shape[0]!, 0);
  const data = new Float64Array(samples * per);
  let at = 0;
  for (const p of parts) {
    data.set(Float64Array.from(p.data as ArrayLike<number>), at);
    at += p.data.length;
  }
  return { shape: [samples, ...parts[0]!.shape.slice(1)], data };
}

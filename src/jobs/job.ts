/**
 * Jobs: a data set's explanation cut into ranges of samples, each explained in a list of
 * semirings and stored as one shard.
 *
 * A job's key is the SHA-256 of everything its result depends on: the model file's bytes (their
 * hash), the data's identity, the range, the semirings and every option with its default resolved
 * (the composite and the annotation each semiring would take), so that the same job is never
 * computed twice and a changed option never reuses a shard. Job boundaries sit at multiples of the
 * shard size in the source's numbering, so a range of the data reuses the shards of a run over all
 * of it.
 */
import { createHash } from 'node:crypto';
import { DEFAULTS } from '../core/defaults.js';
import { assertArgument, UnsupportedError } from '../core/errors.js';
import { Fraction, semiringByName } from '../semirings/index.js';

/** Which class each sample is explained for: its label, the model's argmax, or every class. */
export const TARGET_CHOICES = ['label', 'argmax', 'all'] as const;

/** A choice of targets. */
export type TargetChoice = (typeof TARGET_CHOICES)[number];

/** What is computed for every sample. */
export interface ExplainOptions {
  /** Registry names of the semirings, in the order of the shard's entries. */
  readonly semirings: readonly string[];
  /** The composite (default per semiring, DESIGN.md §1b). */
  readonly composite?: string;
  /** The annotation Θ (default per semiring). */
  readonly annotate?: string;
  readonly targets: TargetChoice;
  /** The relevance at this layer's output instead of at the input. */
  readonly layer?: string;
}

/** Everything a worker needs to compute one job, as plain data (it crosses threads and machines). */
export interface JobTask {
  /** The run's folder (shared by every machine). */
  readonly out: string;
  /** The model file's path (the same bytes on every machine) and the SHA-256 of its bytes. */
  readonly model: string;
  readonly modelHash: string;
  /** The data spec, paths absolute. */
  readonly data: string;
  readonly options: ExplainOptions;
  readonly key: string;
  /** Its samples: [start, end) in the source's numbering. */
  readonly start: number;
  readonly end: number;
}

/** The version of the shard layout, part of every key: a new layout never reads an old shard. */
export const SHARD_FORMAT = 'provlrp-shard/1';

/** The SHA-256 of some bytes, in hex. */
export const sha256 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** The composite and annotation each semiring takes, defaults resolved. */
export function resolvedSettings(
  options: ExplainOptions,
): { semiring: string; composite: string; annotate: string | null }[] {
  return options.semirings.map((name) => {
    const K = semiringByName(name);
    const composite =
      options.composite ?? (name === 'real' ? DEFAULTS.composite.real : DEFAULTS.composite.semiring);
    return { semiring: name, composite, annotate: options.annotate ?? K.defaultAnnotation ?? null };
  });
}

/**
 * Checks that every semiring has an array form (a shard holds arrays; symbolic semirings such as
 * ℕ[X] write JSON with `provlrp explain` instead) and that there is at least one, without repeats.
 */
export function assertArraySemirings(semirings: readonly string[]): void {
  assertArgument(semirings.length > 0, 'explain-dataset --semiring', () => 'give at least one semiring');
  assertArgument(
    new Set(semirings).size === semirings.length,
    'explain-dataset --semiring',
    () => `a semiring is named twice in ${semirings.join(', ')}`,
  );
  for (const name of semirings) {
    const zero: unknown = semiringByName(name).zero;
    const scalar =
      typeof zero === 'number' ||
      typeof zero === 'boolean' ||
      typeof zero === 'bigint' ||
      zero instanceof Fraction;
    if (!scalar)
      throw new UnsupportedError(
        `explain-dataset --semiring ${name}: its relevance is symbolic and has no array form for a shard; ` +
          'explain a batch with `provlrp explain --out R.json` instead',
      );
  }
}

/** The key of the job over samples [start, end). */
export function jobKey(
  modelHash: string,
  dataId: string,
  options: ExplainOptions,
  start: number,
  end: number,
): string {
  const identity = {
    format: SHARD_FORMAT,
    model: modelHash,
    data: dataId,
    start,
    end,
    targets: options.targets,
    layer: options.layer ?? null,
    semirings: resolvedSettings(options),
  };
  return sha256(JSON.stringify(identity));
}

/** The ranges of [start, end) cut at multiples of `shardSize`. */
export function jobRanges(start: number, end: number, shardSize: number): [number, number][] {
  assertArgument(
    Number.isSafeInteger(shardSize) && shardSize > 0,
    'explain-dataset --shard-size',
    () => `${shardSize} is not a whole number ≥ 1`,
  );
  const ranges: [number, number][] = [];
  for (let a = start; a < end; a = (Math.floor(a / shardSize) + 1) * shardSize)
    ranges.push([a, Math.min(end, (Math.floor(a / shardSize) + 1) * shardSize)]);
  return ranges;
}

/** A shard's path relative to the run's folder. */
export const shardPath = (key: string): string => `shards/${key}.npz`;

/**
 * `provlrp explain`: real-valued LRP of a batch from the command line.
 *
 *   provlrp explain MODEL --input X.npy --out R.npy|R.json [--target K|argmax] [--targets T.npy]
 *     [--composite NAME] [--low L --high H] [--output-relevance onehot|logit] [--layer NAME]
 *     [--dtype float32|float64] [--semiring NAME | --semiring-file S.json] [--annotate SPEC|FILE.json]
 *
 * X carries the batch axis; R has X's exact shape (or the layer output's with --layer). Every run is
 * K-LRP through the provenance circuit, real LRP (the same as `lrp()`) without --semiring: ℝ in the
 * compute dtype, Boolean as uint8, counting, tropical and the other number-valued semirings as
 * float64, symbolic semirings (ℕ[X], Why(X), …) as JSON only.
 * A semiring file holds a semiring as formulas (`defineSemiringFromFormulas`); its laws are always
 * checked before it is used. `--annotate expr:FORMULA` is a formula annotation.
 */

import {
  compile,
  type EvaluationProgress,
  type PerLayerSpec,
  type Relevance,
  relevanceToArray,
  relevanceToJson,
} from '../circuits/index.js';
import { parseDecimal } from '../core/decimal.js';
import { DEFAULTS } from '../core/defaults.js';
import { FormatError, InvalidArgumentError } from '../core/errors.js';
import { readFileBytes, writeFileAtomic } from '../core/file-io.js';
import { type NpyArray, readNpyFile, writeNpyFile } from '../core/npy.js';
import { type DType, showShape, type Tensor } from '../core/tensor.js';
import type { Model } from '../nn/graph.js';
import { assertBoxBounds, COMPOSITE_NAMES } from '../nn/lrp/index.js';
import { readModelFile } from '../nn/model-file.js';
import {
  defineSemiringFromFormulas,
  real,
  SEMIRING_NAMES,
  type Semiring,
  type SemiringFormulas,
} from '../semirings/index.js';

/** The options as commander parses them (strings). */
export interface ExplainFlags {
  readonly input: string;
  readonly out: string;
  readonly target?: string;
  readonly targets?: string;
  readonly composite?: string;
  readonly semiring?: string;
  readonly semiringFile?: string;
  readonly annotate?: string;
  readonly low: string;
  readonly high: string;
  readonly outputRelevance: string;
  readonly layer?: string;
  readonly dtype: string;
}

/**
 * Runs `explain`; returns a one-line summary. A long evaluation in a semiring of growing values
 * (ℚ) tells `progress` how it advances, a line every second or so after the first two.
 */
export function explain(modelPath: string, flags: ExplainFlags, progress?: (line: string) => void): string {
  const dtype = choice('--dtype', flags.dtype, ['float32', 'float64']) as DType;
  const outputRelevance = choice('--output-relevance', flags.outputRelevance, ['onehot', 'logit']) as
    | 'onehot'
    | 'logit';
  const composite =
    flags.composite === undefined ? undefined : choice('--composite', flags.composite, COMPOSITE_NAMES);
  if (flags.semiring !== undefined && flags.semiringFile !== undefined)
    throw new InvalidArgumentError('explain', 'give --semiring or --semiring-file, not both');
  const semiring: string | Semiring<unknown> | undefined =
    flags.semiringFile !== undefined
      ? semiringFromFile(flags.semiringFile)
      : flags.semiring === undefined
        ? undefined
        : choice('--semiring', flags.semiring, SEMIRING_NAMES);
  if (flags.annotate !== undefined && semiring === undefined)
    throw new InvalidArgumentError(
      'explain --annotate',
      'an annotation needs a semiring; add --semiring NAME',
    );
  const model = readModelFile(modelPath);
  const x = inputBatch(model, readNpyFile(flags.input), flags.input);
  if (flags.target !== undefined && flags.targets !== undefined)
    throw new InvalidArgumentError('explain', 'give --target or --targets, not both');
  const targets = flags.targets === undefined ? undefined : readTargets(flags.targets);
  const target =
    flags.target === undefined || flags.target === 'argmax' ? undefined : integer('--target', flags.target);
  const low = number('--low', flags.low);
  const high = number('--high', flags.high);
  assertBoxBounds(low, high, 'explain --low/--high');
  const options = {
    dtype,
    outputRelevance,
    low,
    high,
    ...(composite !== undefined ? { composite } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(targets !== undefined ? { targets } : {}),
    ...(flags.layer !== undefined ? { layer: flags.layer } : {}),
  };
  // One engine: real LRP is the circuit's real relevance, with or without --semiring real.
  const annotate = flags.annotate === undefined ? undefined : annotationSpec(flags.annotate);
  const R = compile(model)
    .trace(x, dtype)
    .relevance({
      ...options,
      semiring: semiring ?? 'real',
      ...(annotate !== undefined ? { annotate } : {}),
      ...(progress ? { onProgress: progressReporter(semiringName(semiring), progress) } : {}),
    });
  writeRelevance(flags.out, R, dtype);
  if (semiring === undefined)
    return `wrote ${flags.out}: relevance ${showShape(R.shape)} (${dtype}, composite ${composite ?? DEFAULTS.composite.real})`;
  return `wrote ${flags.out}: ${R.semiring.name} relevance ${showShape(R.shape)}`;
}

const semiringName = (semiring: string | Semiring<unknown> | undefined): string =>
  semiring === undefined ? 'real' : typeof semiring === 'string' ? semiring : semiring.name;

function progressReporter(semiring: string, progress: (line: string) => void) {
  return ({ operations, seconds }: EvaluationProgress): void => {
    if (seconds >= 2)
      progress(
        `${semiring} relevance: ${operations.toLocaleString('en')} operations, ${seconds.toFixed(0)} s`,
      );
  };
}

/** Writes K-LRP relevance as .npy (number-valued and Boolean semirings) or .json (any). */
function writeRelevance(path: string, R: Relevance<unknown>, dtype: DType): void {
  if (isJson(path)) writeJson(path, relevanceToJson(R));
  else if (R.semiring === real) {
    const values = R.values as number[];
    const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
    writeNpyFile(path, toNpy({ shape: R.shape, data }));
  } else {
    const array = relevanceToArray(R);
    writeNpyFile(
      path,
      array.dtype === 'uint8' ? { dtype: 'uint8', shape: array.shape, data: array.data } : array,
    );
  }
}

/**
 * An annotation spec, or the per-layer thresholds of a JSON file (checked, as any spec is, where
 * the annotation is resolved: an array or `null` there is refused with what to write instead).
 */
function annotationSpec(spec: string): string | PerLayerSpec {
  if (!spec.toLowerCase().endsWith('.json')) return spec;
  const bytes = readFileBytes(spec, 'annotation file');
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as PerLayerSpec;
  } catch (error) {
    throw new FormatError(
      'annotation JSON',
      `${spec}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The semiring of a semiring file, its laws checked (a `SemiringLawError` names the law broken). */
function semiringFromFile(path: string): Semiring<unknown> {
  const bytes = readFileBytes(path, 'semiring file');
  let spec: SemiringFormulas;
  try {
    spec = JSON.parse(new TextDecoder().decode(bytes)) as SemiringFormulas;
  } catch (error) {
    throw new FormatError(
      'semiring JSON',
      `${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return defineSemiringFromFormulas(spec) as Semiring<unknown>;
}

const isJson = (path: string): boolean => path.toLowerCase().endsWith('.json');

function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value)}\n`);
}

/** The defaults shown in `--help`. */
export const EXPLAIN_DEFAULTS = {
  low: '0',
  high: '1',
  outputRelevance: 'onehot',
  dtype: 'float32',
} as const;

function inputBatch(model: Model, npy: NpyArray, path: string): Tensor {
  if (npy.dtype !== 'float32' && npy.dtype !== 'float64')
    throw new InvalidArgumentError(
      'explain --input',
      `${path} holds ${npy.dtype}; save the input as float32 or float64`,
    );
  const perSample = model.shapes.get(model.input)!;
  const expected = `[N, ${perSample.join(', ')}]`;
  if (npy.shape.length !== perSample.length + 1 || npy.shape.slice(1).some((d, i) => d !== perSample[i]))
    throw new InvalidArgumentError(
      'explain --input',
      `${path} has shape ${showShape(npy.shape)}; the model takes ${expected} (a batch axis first${
        npy.shape.length === perSample.length ? ': add one, e.g. x[None]' : ''
      })`,
    );
  if (npy.shape[0] === 0) throw new InvalidArgumentError('explain --input', `${path} holds an empty batch`);
  return { shape: npy.shape, data: npy.data };
}

/** One class per sample, from any integer or float dtype (numpy saves integers as int64). */
function readTargets(path: string): number[] {
  const npy = readNpyFile(path);
  const values = Array.from(npy.data as ArrayLike<number | bigint>, Number);
  if (
    npy.shape.length !== 1 ||
    npy.dtype === 'bool' ||
    !values.every((v) => Number.isSafeInteger(v) && v >= 0)
  )
    throw new InvalidArgumentError(
      'explain --targets',
      `${path} must hold one class index (a non-negative integer) per sample, shape [N]`,
    );
  return values;
}

function toNpy(t: Tensor): NpyArray {
  return t.data instanceof Float64Array
    ? { dtype: 'float64', shape: [...t.shape], data: t.data }
    : { dtype: 'float32', shape: [...t.shape], data: t.data };
}

function choice(flag: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value))
    throw new InvalidArgumentError(`explain ${flag}`, `"${value}" is not one of ${allowed.join(', ')}`);
  return value;
}

function number(flag: string, value: string): number {
  const n = parseDecimal(value);
  if (n === undefined)
    throw new InvalidArgumentError(
      `explain ${flag}`,
      `"${value}" is not a finite number in decimal notation (such as 0, -1 or 0.5)`,
    );
  return n;
}

function integer(flag: string, value: string): number {
  const n = number(flag, value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(
      `explain ${flag}`,
      `"${value}" is not a class index (a non-negative whole number in decimal)`,
    );
  return n;
}

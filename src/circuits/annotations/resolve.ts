/**
 * Annotation specs (DESIGN.md §1b names) and the default annotation of each semiring.
 *
 * A spec is a name (`identity`, `threshold:T`, `abs_threshold:T`, `quantile:Q`, `top_k:K`,
 * `viterbi`, `neglog`, `report_boolean`, `report_counting`, `report_formula`, `token`), per-layer
 * thresholds `{ default?, layers?, kind? }` (the JSON file form), a formula (`expr:FORMULA` or
 * `{ formula }`, see formula.ts), or a user's own `Annotation`.
 *
 * Defaults are the semiring's own `defaultAnnotation`: ℝ identity; 𝔹 and ℕ (float64)
 * `threshold:1e-9`; Viterbi `viterbi`; tropical `neglog`; the provenance semirings their edge
 * tokens (top-k weighs them by the Viterbi annotation). Every other semiring needs an explicit
 * annotation: a missing one is an error, not a guess.
 */
import { parseDecimal } from '../../core/decimal.js';
import { InvalidArgumentError, NotFoundError } from '../../core/errors.js';
import type { Model } from '../../nn/graph.js';
import { layerNames } from '../../nn/layers.js';
import type { Semiring } from '../../semirings/index.js';
import { type Annotation, lift, type RawAnnotation } from './annotation.js';
import { type FormulaSpec, formulaAnnotation } from './formula.js';
import { perLayerThreshold, quantileAnnotation, thresholdAnnotation, topKAnnotation } from './indicator.js';
import { identityAnnotation, neglogAnnotation, viterbiAnnotation } from './numeric.js';
import { reportBooleanAnnotation, reportCountingAnnotation, reportFormulaAnnotation } from './report.js';
import { assertAnnotationObject, checkedAnnotation } from './user-annotation.js';

/** Per-layer thresholds, as in an annotation JSON file. */
export interface PerLayerSpec {
  readonly default?: number;
  readonly layers?: Readonly<Record<string, number>>;
  /** `threshold` (signed d ≥ T, the default) or `abs_threshold` (|d| ≥ T). */
  readonly kind?: 'threshold' | 'abs_threshold';
}

/** Any way of giving an annotation. */
// biome-ignore lint/suspicious/noExplicitAny: a user annotation's statistics type is its own business.
export type AnnotationSpec<T = any> = string | PerLayerSpec | FormulaSpec | Annotation<T, any>;

/** The names of the parameterless built-in annotations, and the parameterised forms. */
export const ANNOTATION_NAMES = [
  'identity',
  'threshold:T',
  'abs_threshold:T',
  'quantile:Q',
  'top_k:K',
  'viterbi',
  'neglog',
  'report_boolean',
  'report_counting',
  'report_formula',
  'token',
  'expr:FORMULA',
] as const;

const TOKEN: RawAnnotation = { name: 'token', kind: 'token', value: () => true };

/** The annotation a spec names, lifted into `K` (the default of `K` when `spec` is undefined). */
export function resolveAnnotation<T>(
  spec: AnnotationSpec<T> | undefined,
  K: Semiring<T>,
  model: Model,
): Annotation<T> {
  assertSpec(spec);
  if (spec !== undefined && typeof spec === 'object' && isUserAnnotation(spec))
    return checkedAnnotation(spec as Annotation<T>, K);
  return lift(resolveRaw(spec, K, model)!, K);
}

/**
 * The built-in annotation a spec names before it is lifted into `K` (the default of `K` when
 * `spec` is undefined), or undefined for a user's own annotation object.
 */
function resolveRaw<T>(
  spec: AnnotationSpec<T> | undefined,
  K: Semiring<T>,
  model: Model,
): RawAnnotation | undefined {
  if (spec === undefined) {
    const fallback = K.defaultAnnotation;
    if (fallback === undefined)
      throw new InvalidArgumentError(
        'relevance',
        `semiring ${K.name} has no default annotation; give one (annotate: e.g. threshold:1e-9, viterbi, ` +
          'or your own { name, prepare?, map })',
      );
    return parseRaw(fallback, model);
  }
  assertSpec(spec);
  if (typeof spec === 'string') return parseRaw(spec, model);
  if (isUserAnnotation(spec)) return undefined;
  if ('formula' in spec) return formulaAnnotation(spec.formula) as RawAnnotation;
  return perLayer(spec, model);
}

/** Throws unless a spec is a string, an annotation object or a per-layer object. */
function assertSpec(spec: unknown): asserts spec is AnnotationSpec | undefined {
  if (spec === undefined || typeof spec === 'string') return;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new InvalidArgumentError(
      'relevance annotate',
      `${Array.isArray(spec) ? 'an array' : String(spec)} is not an annotation; give a name such as ` +
        'threshold:1e-9, per-layer thresholds { "default": T, "layers": { NAME: T } }, or { name, prepare?, map }',
    );
  if ('map' in spec || 'prepare' in spec) assertAnnotationObject(spec);
}

/** Whether a spec is a user's own annotation object. */
export function isUserAnnotation(spec: object): spec is Annotation<unknown> {
  return typeof spec === 'object' && spec !== null && typeof (spec as { map?: unknown }).map === 'function';
}

const PER_LAYER_KEYS = ['default', 'layers', 'kind'];

function perLayer(spec: PerLayerSpec, model: Model): RawAnnotation {
  const unknown = Object.keys(spec).filter((key) => !PER_LAYER_KEYS.includes(key));
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      'annotation',
      `per-layer thresholds take the keys ${PER_LAYER_KEYS.join(', ')}, not ${unknown.join(', ')}`,
    );
  const { layers } = spec;
  if (layers !== undefined && (typeof layers !== 'object' || layers === null || Array.isArray(layers)))
    throw new InvalidArgumentError('annotation', 'per-layer "layers" must map layer names to thresholds');
  if (spec.default !== undefined && typeof spec.default !== 'number')
    throw new InvalidArgumentError(
      'annotation',
      `per-layer "default" must be a number, got ${JSON.stringify(spec.default)}`,
    );
  const known = layerNames(model);
  for (const [layer, t] of Object.entries(layers ?? {})) {
    // A misspelt name would silently fall back to the default: refuse it instead.
    if (!known.includes(layer)) throw new NotFoundError('layer', layer, known);
    if (typeof t !== 'number')
      throw new InvalidArgumentError(
        'annotation',
        `the threshold of layer "${layer}" must be a number, got ${JSON.stringify(t)}`,
      );
  }
  const kind = spec.kind ?? 'threshold';
  if (kind !== 'threshold' && kind !== 'abs_threshold')
    throw new InvalidArgumentError(
      'annotation',
      `per-layer "kind" must be threshold or abs_threshold, got ${String(kind)}`,
    );
  if (spec.default === undefined && spec.layers === undefined)
    throw new InvalidArgumentError('annotation', 'per-layer thresholds need "default", "layers" or both');
  return perLayerThreshold(spec.default, spec.layers ?? {}, kind === 'abs_threshold') as RawAnnotation;
}

/** A built-in annotation by its spec string. */
export function parseRaw(spec: string, model: Model): RawAnnotation {
  // A formula may hold colons itself (`c ? a : b`): everything after `expr:` is the formula.
  if (spec.startsWith('expr:')) return formulaAnnotation(spec.slice('expr:'.length)) as RawAnnotation;
  const [name, argument, ...rest] = spec.split(':');
  const number = (): number => {
    const v = argument === undefined ? undefined : parseDecimal(argument);
    if (v === undefined || rest.length > 0)
      throw new InvalidArgumentError(
        'annotation',
        `"${spec}" needs one number (decimal, such as 0.01 or -1) after the colon, e.g. ${name}:0.01`,
      );
    return v;
  };
  const none = (a: RawAnnotation): RawAnnotation => {
    if (argument !== undefined) throw new InvalidArgumentError('annotation', `"${name}" takes no parameter`);
    return a;
  };
  switch (name) {
    case 'identity':
      return none(identityAnnotation);
    case 'viterbi':
      return none(viterbiAnnotation as RawAnnotation);
    case 'neglog':
      return none(neglogAnnotation as RawAnnotation);
    case 'token':
      return none(TOKEN);
    case 'threshold':
      return thresholdAnnotation(number());
    case 'abs_threshold':
      return thresholdAnnotation(number(), true);
    case 'quantile':
      return quantileAnnotation(number()) as RawAnnotation;
    case 'top_k':
      return topKAnnotation(number()) as RawAnnotation;
    case 'report_boolean':
      return none(reportBooleanAnnotation(model) as RawAnnotation);
    case 'report_counting':
      return none(reportCountingAnnotation(model) as RawAnnotation);
    case 'report_formula':
      return none(reportFormulaAnnotation(model) as RawAnnotation);
    default:
      throw new InvalidArgumentError(
        'annotation',
        `unknown annotation "${spec}"; known: ${ANNOTATION_NAMES.join(', ')}, or a JSON file of per-layer thresholds`,
      );
  }
}

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
import { InvalidArgumentError } from '../../core/errors.js';
import type { Model } from '../../nn/graph.js';
import type { Semiring } from '../../semirings/index.js';
import { type Annotation, lift, type RawAnnotation } from './annotation.js';
import { type FormulaSpec, formulaAnnotation } from './formula.js';
import { perLayerThreshold, quantileAnnotation, thresholdAnnotation, topKAnnotation } from './indicator.js';
import { identityAnnotation, neglogAnnotation, viterbiAnnotation } from './numeric.js';
import { reportBooleanAnnotation, reportCountingAnnotation, reportFormulaAnnotation } from './report.js';

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
  if (spec === undefined) {
    const fallback = K.defaultAnnotation;
    if (fallback === undefined)
      throw new InvalidArgumentError(
        'relevance',
        `semiring ${K.name} has no default annotation; give one (annotate: e.g. threshold:1e-9, viterbi, ` +
          'or your own { name, prepare?, map })',
      );
    return lift(parseRaw(fallback, model), K);
  }
  if (typeof spec === 'string') return lift(parseRaw(spec, model), K);
  if (isUserAnnotation(spec)) return spec as Annotation<T>;
  if ('formula' in spec) return lift(formulaAnnotation(spec.formula) as RawAnnotation, K);
  return lift(perLayer(spec), K);
}

/** Whether a spec is a user's own annotation object. */
export function isUserAnnotation(spec: object): spec is Annotation<unknown> {
  return typeof (spec as { map?: unknown }).map === 'function';
}

function perLayer(spec: PerLayerSpec): RawAnnotation {
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
    const v = Number(argument);
    if (argument === undefined || argument.trim() === '' || rest.length > 0 || !Number.isFinite(v))
      throw new InvalidArgumentError(
        'annotation',
        `"${spec}" needs one number after the colon, e.g. ${name}:0.01`,
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

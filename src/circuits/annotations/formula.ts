/**
 * Formula annotations: Θ written as a mathjs expression, `expr:abs(d) / colmax` on the command
 * line or `annotate: { formula: 'abs(d) / colmax' }` in the API, compiled once per request.
 *
 * A formula reads the edge's coefficient `d`, the layer's name `layer` (a string), the edge's
 * `j` and `k` (DESIGN.md §1b), and per-column statistics of the layer in this sample:
 * `colmax` = max_j' |d_j'k|, `colsum` = Σ_j' d_j'k (signed) and `z` = z_k, the layer's output. A
 * formula that gives a number is a `number` annotation (lifted with `fromNumber`, or as the token
 * weighted by it), one that gives true/false an `indicator`, so `expr:d >= 1e-9` is
 * `threshold:1e-9` and `expr:abs(d) / colmax` the Viterbi annotation on columns whose maximum is
 * not 0 (guard the others with `colmax > 0 ? abs(d) / colmax : 0`). A value that is not a finite
 * number (an overflow, 0 / 0) stops the run with a `FormulaError` naming the edge.
 */
import { FormulaError } from '../../core/errors.js';
import {
  type CompiledFormula,
  compileFormula,
  type FormulaSignature,
  type FormulaValue,
} from '../../core/formula.js';
import type { EdgeInfo, LayerView, RawAnnotation } from './annotation.js';
import { columnMaxAbs } from './numeric.js';

/** An annotation given as a formula (the API form of `expr:…`). */
export interface FormulaSpec {
  readonly formula: string;
}

/** The symbols a formula annotation reads, in slot order. */
export const ANNOTATION_FORMULA_SIGNATURE: FormulaSignature = {
  where: 'annotation expr',
  symbols: [
    ['d', 'number'],
    ['layer', 'string'],
    ['j', 'number'],
    ['k', 'number'],
    ['colmax', 'number'],
    ['colsum', 'number'],
    ['z', 'number'],
  ],
};

/** One layer's statistics, only those the formula reads. */
interface FormulaStatistics {
  readonly colmax?: Float64Array;
  readonly colsum?: Float64Array;
  readonly z?: ArrayLike<number>;
  /** The slots, reused for every edge of the layer. */
  readonly values: FormulaValue[];
}

/** The annotation of a formula over `ANNOTATION_FORMULA_SIGNATURE`; refused before any work. */
export function formulaAnnotation(source: string): RawAnnotation<FormulaStatistics> {
  const formula = compileFormula(source, ANNOTATION_FORMULA_SIGNATURE);
  const { uses } = formula;
  return {
    name: `expr:${source}`,
    kind: formula.type === 'number' ? 'number' : 'indicator',
    prepare: (view) => ({
      ...(uses.has('colmax') ? { colmax: columnMaxAbs(view) } : {}),
      ...(uses.has('colsum') ? { colsum: columnSum(view) } : {}),
      ...(uses.has('z') ? { z: outputsOf(formula, view) } : {}),
      values: [0, view.layer, 0, 0, 0, 0, 0],
    }),
    value: (d, edge, stats) => valueAt(formula, d, edge, stats),
  };
}

function valueAt(
  formula: CompiledFormula,
  d: number,
  edge: EdgeInfo,
  stats: FormulaStatistics,
): number | boolean {
  const { values } = stats;
  const k = edge.k;
  values[0] = d;
  values[1] = edge.layer;
  values[2] = edge.j;
  values[3] = k;
  if (stats.colmax) values[4] = stats.colmax[k]!;
  if (stats.colsum) values[5] = stats.colsum[k]!;
  if (stats.z) values[6] = stats.z[k]!;
  const v = formula.evaluate(values) as number | boolean;
  if (typeof v === 'number' && !Number.isFinite(v))
    throw new FormulaError(
      'annotation expr',
      formula.source,
      undefined,
      `it gives ${v} on the edge (layer ${edge.layer}, j ${edge.j}, k ${k}) with d = ${d}; ` +
        'an annotation must give finite numbers: guard the division or bound the power',
    );
  return v;
}

/** Σ_j d_jk for every output k of the layer (per sample). */
function columnSum(view: LayerView): Float64Array {
  const sum = new Float64Array(view.outputSize);
  view.forEachEdge((_j, k, d) => {
    sum[k] = sum[k]! + d;
  });
  return sum;
}

function outputsOf(formula: CompiledFormula, view: LayerView): ArrayLike<number> {
  if (view.z === undefined)
    throw new FormulaError(
      'annotation expr',
      formula.source,
      formula.source.search(/\bz\b/),
      `the view of layer ${view.layer} has no outputs z; drop z from the formula or give the view its z`,
    );
  return view.z;
}

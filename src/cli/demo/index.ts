/**
 * `provlrp demo`: what provlrp does, on data that ships with it. It evaluates the hand-written
 * annotated DAG of `tiny-dag.ts` in every numeric semiring and prints one row per semiring.
 */
import { NUMERIC_SEMIRING_NAMES } from '../../semirings/index.js';
import { formatTable } from '../table.js';
import { dagEquations, EDGES, evaluateDag, INPUTS, tokenOf } from './tiny-dag.js';
import { VALUATIONS } from './valuations.js';

/** The demo's result: the relevance of each input, shown, per semiring. */
export interface DemoRow {
  readonly semiring: string;
  readonly valuation: string;
  readonly relevance: readonly string[];
}

/** Evaluates the tiny DAG in every registered numeric semiring. */
export function tinyDagRows(): DemoRow[] {
  return NUMERIC_SEMIRING_NAMES.map((name) => {
    const { semiring, theta, rule } = VALUATIONS[name] as (typeof VALUATIONS)['real'];
    const relevance = evaluateDag(semiring, theta);
    return {
      semiring: name,
      valuation: rule,
      relevance: INPUTS.map((i) => semiring.show(relevance.get(i)!)),
    };
  });
}

/** Runs the demo, writing its report to `print`. */
export function runDemo(print: (line: string) => void): void {
  print('provlrp demo: K-LRP on a hand-written annotated DAG (3 inputs, 2 hidden, 1 output)');
  print('');
  print('Edges (token = coefficient d, the share of the upper neuron’s relevance passed down):');
  for (const e of EDGES) print(`  ${e.from} → ${e.to}   ${tokenOf(e)} = ${e.d}`);
  print('');
  print('The circuit, R[out] = 1:');
  for (const line of dagEquations()) print(`  ${line}`);
  print('');
  print('Relevance of each input, R[j] = ⊕_k Θ(x) ⊗ R[k], in every numeric semiring:');
  const rows = tinyDagRows().map((r) => [r.semiring, ...r.relevance, r.valuation]);
  for (const line of formatTable(['semiring', ...INPUTS, 'Θ(x) for an edge with coefficient d'], rows))
    print(`  ${line}`);
}

/**
 * `provlrp demo`: what provlrp does, on data that ships with it, with no other setup.
 *
 * 1. K-LRP on a hand-written annotated DAG in every numeric semiring (a table).
 * 2. The shipped MNIST MLP on the embedded MNIST test set: its accuracy, five test digits
 *    explained in the K-LRP set from one trace, the figure grid of the report
 *    (input | ℝ | 𝔹 | ℕ | Viterbi | tropical) and a short report, written into the output folder.
 */
import { join, resolve } from 'node:path';
import { makeFolder, writeFileAtomic } from '../../core/file-io.js';
import { loadMnist } from '../../nn/datasets/index.js';
import { NUMERIC_SEMIRING_NAMES } from '../../semirings/index.js';
import { formatTable } from '../table.js';
import { digitFigure, explainDigits, testAccuracy } from './mnist-demo.js';
import { demoReport } from './report.js';
import { dagEquations, EDGES, evaluateDag, INPUTS, tokenOf } from './tiny-dag.js';
import { valuationOf } from './valuations.js';

/** The demo's result: the relevance of each input, shown, per semiring. */
export interface DemoRow {
  readonly semiring: string;
  readonly valuation: string;
  readonly relevance: readonly string[];
}

/** Evaluates the tiny DAG in every numeric semiring. */
export function tinyDagRows(): DemoRow[] {
  return NUMERIC_SEMIRING_NAMES.map((name) => {
    const { semiring, theta, rule } = valuationOf(name);
    const relevance = evaluateDag(semiring, theta);
    return {
      semiring: name,
      valuation: rule,
      relevance: INPUTS.map((i) => semiring.show(relevance.get(i)!)),
    };
  });
}

/** Options of the demo. */
export interface DemoOptions {
  /** The output folder (default ./provlrp-out). */
  readonly out?: string;
  /** How many test digits to explain (default 5). */
  readonly digits?: number;
}

/** Runs the demo, writing its report to `print` and its files to the output folder. */
export function runDemo(print: (line: string) => void, options: DemoOptions = {}): void {
  const started = performance.now();
  const out = resolve(options.out ?? 'provlrp-out');
  // The folder first: a path that cannot be written to is refused before a minute of work.
  makeFolder(out);
  printTinyDag(print);
  const count = options.digits ?? 5;
  print('');
  print('2. The shipped MNIST MLP (784-300-100-10) on the embedded MNIST test set');
  const test = loadMnist('test');
  const accuracy = testAccuracy(test);
  print(`   test accuracy: ${(100 * accuracy).toFixed(2)} % of 10,000 images`);
  const explained = explainDigits(count, test);
  print(`   explained ${count} test digits from one trace, in ms per digit:`);
  for (const [semiring, ms] of Object.entries(explained.msPerDigit))
    print(`     ${semiring.padEnd(9)} ${ms.toFixed(2)}`);
  const figure = digitFigure(explained);
  writeFileAtomic(join(out, 'figure.png'), figure.png);
  writeFileAtomic(join(out, 'figure.svg'), figure.svg);
  writeFileAtomic(join(out, 'report.md'), demoReport(explained, accuracy));
  print('');
  print(`Wrote, in ${((performance.now() - started) / 1000).toFixed(1)} s:`);
  print(
    `  ${join(out, 'figure.png')}  (input | ℝ | 𝔹 | ℕ | Viterbi | tropical, one row per digit; also .svg)`,
  );
  print(`  ${join(out, 'report.md')}   (accuracy, timings, path counts, a best path, an ℕ[X] polynomial)`);
}

function printTinyDag(print: (line: string) => void): void {
  print('provlrp demo');
  print('');
  print('1. K-LRP on a hand-written annotated DAG (3 inputs, 2 hidden, 1 output)');
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

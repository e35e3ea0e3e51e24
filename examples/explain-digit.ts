/**
 * Explain one MNIST test digit with the shipped CNN in several semirings and write a figure.
 *
 *   npx tsx examples/explain-digit.ts [index]      (index of the test digit, default 0)
 *
 * Shows the public API end to end: a shipped model, the embedded MNIST data, one trace, relevance
 * in ℝ, 𝔹, ℕ and Viterbi, a best path, and a figure grid.
 */

import { writeFileSync } from 'node:fs';
import {
  bestPaths,
  compile,
  figureGridPng,
  loadMnist,
  loadShippedModel,
  RELEVANCE_STYLES,
} from '../src/index.js';

const index = Number(process.argv[2] ?? 0);
const model = loadShippedModel('cnn');
const test = loadMnist('test');
const image = { shape: [1, 1, 28, 28], data: test.images.data.slice(index * 784, (index + 1) * 784) };
const trace = compile(model).trace(image);

const panels = (['real', 'boolean', 'counting', 'viterbi'] as const).map((semiring) => {
  const r = trace.relevance({ semiring });
  return { semiring, relevance: { shape: [1, 28, 28], data: Float64Array.from(r.values, Number) } };
});
const figure = figureGridPng({
  columns: ['input', ...panels.map((p) => ({ title: p.semiring, ...RELEVANCE_STYLES[p.semiring] }))],
  rows: [
    {
      label: `label ${test.labels[index]}`,
      panels: [{ image }, ...panels.map((p) => ({ relevance: p.relevance }))],
    },
  ],
});
writeFileSync('explain-digit.png', figure.png);

const { values, path } = bestPaths(trace);
const pixel = values.indexOf(Math.max(...values));
console.log(`digit ${index} (label ${test.labels[index]}): figure written to explain-digit.png`);
console.log(`strongest pixel ${pixel}: best path with Viterbi relevance ${values[pixel]!.toPrecision(4)}`);
for (const step of path(pixel)?.steps ?? [])
  console.log(`  ${step.from} → ${step.to}  ${step.token ?? '(constant)'}`);

/**
 * The demo's report, as Markdown: test accuracy, time per explanation per semiring, path counts,
 * the best path of one pixel, and the ℕ[X] polynomial of one input of the worked example.
 */
import { compile, expand, inputPolynomials } from '../../circuits/index.js';
import { polynomialLatex, polynomialText } from '../../semirings/index.js';
import { DEMO_SEMIRINGS, type DigitExplanations, strongestPixelPath } from './mnist-demo.js';
import { workedExampleInput, workedExampleNet } from './tiny-net.js';

/** The report's sections. */
export function demoReport(explained: DigitExplanations, accuracy: number): string {
  const { digits, relevance } = explained;
  const lines = ['# provlrp demo', ''];
  lines.push(
    `The shipped MNIST MLP (784-300-100-10) classifies ${(100 * accuracy).toFixed(2)} % of the 10,000 MNIST test images correctly.`,
    '',
    `## Time per explanation (${digits.labels.length} digits, one trace)`,
    '',
    '| semiring | ms per digit |',
    '|---|---|',
    ...DEMO_SEMIRINGS.map(
      ({ semiring, title }) => `| ${title} | ${explained.msPerDigit[semiring].toFixed(2)} |`,
    ),
    '',
    '## Relevant paths per digit',
    '',
    'Paths whose every coefficient is at least 1e-9 (composite epsilon), from any pixel to the predicted class.',
    '',
    '| digit | label → predicted | pixels with a relevant path (𝔹) | relevant paths (ℕ, all pixels) | most paths through one pixel |',
    '|---|---|---|---|---|',
  );
  digits.labels.forEach((label, n) => {
    const counts = relevance.counting.subarray(n * 784, (n + 1) * 784);
    const marked = relevance.boolean.subarray(n * 784, (n + 1) * 784).reduce((s, v) => s + v, 0);
    const total = counts.reduce((s, v) => s + v, 0);
    lines.push(
      `| ${n} | ${label} → ${digits.predictions[n]} | ${marked} | ${total} | ${Math.max(...counts)} |`,
    );
  });
  const { pixel, path } = strongestPixelPath(explained);
  lines.push(
    '',
    `## The best path of pixel ${pixel} (row ${Math.floor(pixel / 28)}, column ${pixel % 28}) of digit 0`,
    '',
    `Its Viterbi relevance ${path.value.toPrecision(6)} is the product of the annotated coefficients Θ(d) along it:`,
    '',
    '| from | to | token | d | Θ(d) |',
    '|---|---|---|---|---|',
    ...path.steps.map(
      (s) =>
        `| ${s.from} | ${s.to} | ${s.token ?? '(constant)'} | ${s.d.toPrecision(4)} | ${s.theta.toPrecision(4)} |`,
    ),
  );
  const tiny = workedExampleNet();
  const expanded = expand(compile(tiny).trace(workedExampleInput(), 'float64'));
  const p = inputPolynomials(expanded).get('R[input,0]')!;
  lines.push(
    '',
    '## The ℕ[X] polynomial of one input of a tiny net',
    '',
    'The worked example 3-4-2 network (fc1, ReLU, fc2) with input (1, 2, 1): the relevance of input 0 for class 0',
    'is the sum over its paths of the product of their edge tokens x[layer, j, k]:',
    '',
    `    R[input,0] = ${polynomialText(p)}`,
    '',
    `    $R^{(input)}_{0} = ${polynomialLatex(p)}$`,
    '',
  );
  return lines.join('\n');
}

import { describe, expect, it } from 'vitest';
import { circuitEquations, compile, expand, inputPolynomials } from '../../src/circuits/index.js';
import { displayOf, JUPYTER_DISPLAY, tensor } from '../../src/core/index.js';
import { linear, loadMnist, loadShippedModel, relu, sequential } from '../../src/nn/index.js';
import { boolean, defineSemiring, semiringByName } from '../../src/semirings/index.js';
import { decodePng, figureGrid } from '../../src/viz/index.js';

/** A 2-2-1 net with fixed weights, every path relevant. */
const net = () =>
  sequential(
    [2],
    [
      linear(2, 2, { weight: [1, 2, 3, 4], bias: false }),
      relu(),
      linear(2, 1, { weight: [1, 1], bias: false }),
    ],
  );

const pngOf = (bundle: Record<string, string> | undefined) =>
  decodePng(Uint8Array.from(atob(bundle?.['image/png'] ?? ''), (c) => c.charCodeAt(0)));

describe('rich display (Symbol.for("Jupyter.display"))', () => {
  it('shows an image tensor as a PNG of its samples side by side, at least 112 pixels high', () => {
    const t = tensor([2, 1, 28, 28], new Float32Array(2 * 784).fill(0.5));
    expect(typeof (t as unknown as Record<symbol, unknown>)[Symbol.for('Jupyter.display')]).toBe('function');
    const bundle = displayOf(t) as Record<string, string>;
    expect(bundle['text/plain']).toMatch(/Tensor \[2, 1, 28, 28\] float32/);
    const image = pngOf(bundle);
    expect([image.width, image.height]).toEqual([2 * 112 + 4, 112]);
  });

  it('keeps the display method out of comparisons, spreads and JSON', () => {
    const t = tensor([2], Float32Array.of(1, 2));
    expect(Object.keys(t)).toEqual(['shape', 'data']);
    expect(JUPYTER_DISPLAY in { ...t }).toBe(false);
    expect(t).toEqual({ shape: [2], data: Float32Array.of(1, 2) });
  });

  it('shows a tensor that is no image as text only', () => {
    const bundle = displayOf(tensor([3], Float32Array.of(-1, 0, 2)));
    expect(bundle).toEqual({ 'text/plain': 'Tensor [3] float32, values in [-1.000, 2.000]' });
  });

  it('shows relevance as heatmaps and names its semiring', () => {
    const trace = compile(net()).trace(tensor([1, 2], Float32Array.of(1, 1)));
    const bundle = displayOf(trace.relevance({ semiring: 'boolean' })) as Record<string, string>;
    expect(bundle['text/plain']).toMatch(/^Relevance in boolean \[1, 2\]: ⊤, ⊤/);
  });

  it('shows an MNIST digit’s relevance as a 112-pixel heatmap, in every K-LRP semiring', () => {
    const { images } = loadMnist('test', { limit: 1 });
    const trace = compile(loadShippedModel('mlp')).trace(images);
    for (const semiring of ['real', 'boolean', 'counting', 'viterbi', 'tropical']) {
      const image = pngOf(displayOf(trace.relevance({ semiring })) as Record<string, string>);
      expect([image.width, image.height]).toEqual([112, 112]);
    }
  });

  it('draws compiled and expanded circuits as SVG, neurons named as in equations', () => {
    const circuit = compile(net());
    expect(displayOf(circuit)?.['image/svg+xml']).toMatch(/^<svg[\s\S]*dense/);
    const expanded = expand(circuit.trace(tensor([1, 2], Float32Array.of(1, 1))), { target: 0 });
    const svg = displayOf(expanded)?.['image/svg+xml'] ?? '';
    expect(svg).toContain('R[input,0]');
    expect(svg).toContain('x[0,1,0]');
  });

  it('renders polynomials and LaTeX equations as text/latex', () => {
    const expanded = expand(compile(net()).trace(tensor([1, 2], Float32Array.of(1, 1))), { target: 0 });
    const p = inputPolynomials(expanded).get('R[input,0]');
    expect(displayOf(p)?.['text/latex']).toMatch(/^\$\$.*x\^\{\(0\)\}_\{0,0\}.*\$\$$/);
    const equations = circuitEquations(expanded, { format: 'latex' });
    expect(displayOf(equations)?.['text/latex']).toMatch(
      /^\$\$\\begin\{aligned\}R\^\{\(2\)\}_\{0\} &= 1 \\\\ /,
    );
  });

  it('shows registered and user-defined semirings with their flags', () => {
    expect(displayOf(boolean)?.['text/plain']).toMatch(/^Semiring boolean: 0 = ⊥, 1 = ⊤; idempotent: yes/);
    expect(displayOf(semiringByName('viterbi'))?.['text/html']).toContain('<code>viterbi</code>');
    const mine = defineSemiring<number>({
      name: 'max_times',
      zero: 0,
      one: 1,
      plus: Math.max,
      times: (a, b) => a * b,
      equals: (a, b) => a === b,
    });
    expect(displayOf(mine)?.['text/plain']).toMatch(/max_times.*commutative: no/);
  });

  it('shows a figure grid as its SVG', () => {
    const x = tensor([1, 4, 4], new Float32Array(16).fill(0.25));
    const figure = figureGrid({ columns: [{ title: 'x' }], rows: [{ panels: [{ image: x }] }] });
    expect(displayOf(figure)?.['image/svg+xml']).toBe(figure.svg);
  });
});

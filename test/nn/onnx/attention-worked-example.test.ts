/**
 * The worked example of LRP on attention: one head over 3 tokens of width 2, as torch exports
 * `nn.MultiheadAttention`'s core (MatMul with the projections, Transpose of the keys, MatMul of
 * queries and keys, Div by √d, Softmax, MatMul with the values), then Flatten and a Gemm head.
 * The relevance is computed here by hand, in float64, with the rules of AttnLRP (Achtibat et al.,
 * ICML 2024; their reference code, LRP-eXplains-Transformers, `lxt/explicit/functional.py`):
 *
 * - Gemm and the projections (a constant weight): LRP-0, R_j = Σ_k a_j w_jk R_k / z_k;
 * - the product of two activations, z_tc = Σ_s a_ts b_sc (the uniform rule followed by ε,
 *   Proposition 3.3): each factor gets half of every product's share,
 *   R_a[t,s] = Σ_c a_ts b_sc R_tc / (2 z_tc) and R_b[s,c] = Σ_t a_ts b_sc R_tc / (2 z_tc);
 * - Softmax s = softmax(x) over each row (Deep Taylor at x, Proposition 3.1):
 *   R_x[i] = x_i (R_i − s_i Σ_j R_j);
 * - Div by the constant √d (one input, one output, a diagonal linear map): R passes unchanged;
 *   Transpose and Flatten move relevance with their elements.
 *
 * The projections share the input, so its relevance is the sum of what the three send it.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import { forward } from '../../../src/nn/forward.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { buildModel, constantNode, floatTensor, intAttr, intsAttr, node } from './onnx-builder.js';

const T = 3;
const D = 2;
const X = [
  [1.0, 0.5],
  [0.2, 1.5],
  [0.8, 0.4],
];
const WQ = [
  [0.6, -0.2],
  [0.3, 0.9],
];
const WK = [
  [0.5, 0.4],
  [-0.3, 0.8],
];
const WV = [
  [1.2, 0.1],
  [0.4, 0.7],
];
/** The head's weight, [out, in] (Gemm with transB). */
const WO = [
  [0.3, -0.5, 0.8, 0.2, -0.1, 0.6],
  [-0.4, 0.7, 0.1, 0.5, 0.9, -0.6],
];

const model = importOnnx(
  buildModel({
    input: [1, T, D],
    nodes: [
      node('MatMul', ['x', 'wq'], ['q'], [], '/q/MatMul'),
      node('MatMul', ['x', 'wk'], ['k'], [], '/k/MatMul'),
      node('MatMul', ['x', 'wv'], ['v'], [], '/v/MatMul'),
      node('Transpose', ['k'], ['kt'], [intsAttr('perm', [0, 2, 1])], '/keys/Transpose'),
      node('MatMul', ['q', 'kt'], ['s'], [], '/scores/MatMul'),
      constantNode('root_d', floatTensor('root_d', [], [Math.sqrt(D)])),
      node('Div', ['s', 'root_d'], ['sc'], [], '/scale/Div'),
      node('Softmax', ['sc'], ['a'], [intAttr('axis', -1)], '/softmax/Softmax'),
      node('MatMul', ['a', 'v'], ['o'], [], '/context/MatMul'),
      node('Flatten', ['o'], ['f'], [intAttr('axis', 1)], '/flatten/Flatten'),
      node('Gemm', ['f', 'wo'], ['y'], [intAttr('transB', 1)], '/head/Gemm'),
    ],
    initializers: [
      floatTensor('wq', [D, D], WQ.flat()),
      floatTensor('wk', [D, D], WK.flat()),
      floatTensor('wv', [D, D], WV.flat()),
      floatTensor('wo', [2, T * D], WO.flat()),
    ],
  }),
);

const x = { shape: [1, T, D], data: Float32Array.from(X.flat()) };

/** a · b for row-major matrices as nested arrays. */
const matmul = (a: number[][], b: number[][]): number[][] =>
  a.map((row) => b[0]!.map((_, c) => row.reduce((sum, v, i) => sum + v * b[i]![c]!, 0)));
const transpose = (a: number[][]): number[][] => a[0]!.map((_, c) => a.map((row) => row[c]!));
const zeros = (rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, () => new Array<number>(cols).fill(0));

/** Every intermediate of the forward pass and of AttnLRP's backward pass, by hand in float64. */
function byHand() {
  const q = matmul(X, WQ);
  const k = matmul(X, WK);
  const v = matmul(X, WV);
  const s = matmul(q, transpose(k));
  const sc = s.map((row) => row.map((e) => e / Math.sqrt(D)));
  const a = sc.map((row) => {
    const exp = row.map(Math.exp);
    const total = exp.reduce((p, e) => p + e, 0);
    return exp.map((e) => e / total);
  });
  const o = matmul(a, v);
  const f = o.flat();
  const y = WO.map((w) => w.reduce((sum, wj, j) => sum + wj * f[j]!, 0));
  const target = y[0]! >= y[1]! ? 0 : 1;

  // Head, LRP-0 with a one-hot seed at the target: R_f[j] = f_j w_tj / y_t.
  const rf = f.map((fj, j) => (fj * WO[target]![j]!) / y[target]!);
  const ro = [0, 1, 2].map((t) => [rf[2 * t]!, rf[2 * t + 1]!]);

  // o = a v, the uniform rule: half of each share a_ts v_sc / o_tc to either factor.
  const ra = zeros(T, T);
  const rv = zeros(T, D);
  for (let t = 0; t < T; t++)
    for (let s2 = 0; s2 < T; s2++)
      for (let c = 0; c < D; c++) {
        const share = (a[t]![s2]! * v[s2]![c]! * ro[t]![c]!) / (2 * o[t]![c]!);
        ra[t]![s2]! += share;
        rv[s2]![c]! += share;
      }

  // Softmax per row: R_x = x (R − s ΣR).
  const rsc = sc.map((row, t) => {
    const total = ra[t]!.reduce((p, r) => p + r, 0);
    return row.map((e, j) => e * (ra[t]![j]! - a[t]![j]! * total));
  });
  // Div by √d passes relevance unchanged; s = q kᵀ, the uniform rule again.
  const rs = rsc;
  const rq = zeros(T, D);
  const rk = zeros(T, D);
  for (let t = 0; t < T; t++)
    for (let s2 = 0; s2 < T; s2++)
      for (let c = 0; c < D; c++) {
        const share = (q[t]![c]! * k[s2]![c]! * rs[t]![s2]!) / (2 * s[t]![s2]!);
        rq[t]![c]! += share;
        rk[s2]![c]! += share;
      }

  // The projections, LRP-0, summed at their shared input.
  const rx = zeros(T, D);
  for (const [r, z, w] of [
    [rq, q, WQ],
    [rk, k, WK],
    [rv, v, WV],
  ] as const)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < D; i++)
        for (let c = 0; c < D; c++) rx[t]![i]! += (X[t]![i]! * w[i]![c]! * r[t]![c]!) / z[t]![c]!;
  return { y, target, ra, rv, rs, rx };
}

const hand = byHand();

/** max|a − b| over max|b|. */
function relativeError(a: ArrayLike<number>, b: readonly number[]): number {
  let scale = 0;
  let diff = 0;
  b.forEach((v, i) => {
    scale = Math.max(scale, Math.abs(v));
    diff = Math.max(diff, Math.abs(Number(a[i]) - v));
  });
  return diff / scale;
}

describe('AttnLRP on one head of attention over 3 tokens, worked by hand', () => {
  const trace = compile(model).trace(x);
  const real = (layer?: string) =>
    trace.relevance({ composite: 'epsilon', epsilon: 0, ...(layer === undefined ? {} : { layer }) });

  it('computes the attention’s logits', () => {
    const y = forward(model, x).output;
    expect(relativeError(y.data, hand.y)).toBeLessThan(1e-6);
  });

  it('splits the context product’s relevance in halves between the attention weights and the values', () => {
    expect(relativeError(real('softmax').values as number[], hand.ra.flat())).toBeLessThan(1e-5);
    expect(relativeError(real('v').values as number[], hand.rv.flat())).toBeLessThan(1e-5);
    const sum = (v: readonly number[]) => v.reduce((p, e) => p + e, 0);
    expect(sum(hand.ra.flat())).toBeCloseTo(sum(hand.rv.flat()), 12);
  });

  it('gives the attention scores x (R − s ΣR) through the softmax', () => {
    expect(relativeError(real('scores').values as number[], hand.rs.flat())).toBeLessThan(1e-5);
  });

  it('gives the tokens the sum of what the query, key and value projections send them', () => {
    const r = real();
    expect(r.shape).toEqual([1, T, D]);
    expect(relativeError(r.values as number[], hand.rx.flat())).toBeLessThan(1e-5);
  });

  it('runs every K-LRP semiring on the attention: 𝔹 is ℕ > 0 and Viterbi is exp(−tropical)', () => {
    const b = trace.relevance<unknown>({ semiring: 'boolean' }).values;
    const n = trace.relevance<unknown>({ semiring: 'counting' }).values.map(Number);
    expect(b.map((v) => v === true)).toEqual(n.map((c) => c > 0));
    const v = trace.relevance<unknown>({ semiring: 'viterbi' }).values.map(Number);
    const t = trace.relevance<unknown>({ semiring: 'tropical' }).values.map(Number);
    v.forEach((p, i) => {
      expect(Math.abs(p - Math.exp(-t[i]!))).toBeLessThanOrEqual(1e-9);
    });
    expect(v.some((p) => p > 0)).toBe(true);
  });
});

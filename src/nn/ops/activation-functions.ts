/**
 * The activation functions, each with its derivative: one table that the `activation` operators
 * (activations.ts) run forward and that training differentiates (train/activation-gradients.ts).
 * Every function is evaluated in float64; the derivative is the one PyTorch uses (at a kink, the
 * one-sided value PyTorch picks: Clip and HardSigmoid pass the gradient strictly inside the range).
 *
 * References: ONNX operator docs (Clip, Elu, Selu, Gelu, Sigmoid, Tanh, Softplus, HardSigmoid,
 * HardSwish); PyTorch's `nn.ReLU6`, `nn.GELU`, `nn.SiLU`, `nn.Hardswish`.
 */
import type { ActivationOp, OpAttributes } from '../graph.js';

/** One activation: its forward function, its derivative, and a check of its attributes. */
export interface ActivationFunction<A extends ActivationOp> {
  /** z = f(a). */
  readonly f: (a: number, attributes: OpAttributes[A]) => number;
  /** dz/da at a. */
  readonly df: (a: number, attributes: OpAttributes[A]) => number;
  /** What is wrong with the attributes, or `undefined` when they are fine. */
  readonly check?: (attributes: OpAttributes[A]) => string | undefined;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_TANH_CUBIC = 0.044715;

/** The logistic function, without overflow for large |a|. */
export function logistic(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

/**
 * The error function, to about 1e-15: erf(x) = 2/√π·e^(−x²)·Σ_n 2ⁿx^(2n+1)/(1·3·…·(2n+1)), a
 * series of positive terms (no cancellation) that converges for every x; |erf(x)| rounds to 1 in
 * float64 beyond |x| = 6.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  let term = ax;
  let sum = ax;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= (2 * ax * ax) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum);
}

/** The standard normal CDF Φ(a) = (1 + erf(a/√2))/2 and density φ(a). */
const normalCdf = (a: number): number => 0.5 * (1 + erf(a / Math.SQRT2));
const normalPdf = (a: number): number => Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI);

const finite = (name: string, v: number): string | undefined =>
  Number.isFinite(v) ? undefined : `${name} must be a finite number, got ${v}`;

/** Every activation's function, derivative and attribute check. */
export const ACTIVATIONS: { readonly [A in ActivationOp]: ActivationFunction<A> } = {
  clip: {
    f: (a, { min, max }) => Math.min(Math.max(a, min), max),
    df: (a, { min, max }) => (a > min && a < max ? 1 : 0),
    check: ({ min, max }) =>
      finite('min', min) ??
      finite('max', max) ??
      (min <= max ? undefined : `min must not exceed max, got min ${min} > max ${max}`),
  },
  elu: {
    f: (a, { alpha }) => (a > 0 ? a : alpha * Math.expm1(a)),
    df: (a, { alpha }) => (a > 0 ? 1 : alpha * Math.exp(a)),
    check: ({ alpha }) => finite('alpha', alpha),
  },
  selu: {
    f: (a, { alpha, gamma }) => gamma * (a > 0 ? a : alpha * Math.expm1(a)),
    df: (a, { alpha, gamma }) => gamma * (a > 0 ? 1 : alpha * Math.exp(a)),
    check: ({ alpha, gamma }) => finite('alpha', alpha) ?? finite('gamma', gamma),
  },
  gelu: {
    f: (a) => a * normalCdf(a),
    df: (a) => normalCdf(a) + a * normalPdf(a),
  },
  gelu_tanh: {
    f: (a) => 0.5 * a * (1 + Math.tanh(SQRT_2_OVER_PI * (a + GELU_TANH_CUBIC * a * a * a))),
    df: (a) => {
      const t = Math.tanh(SQRT_2_OVER_PI * (a + GELU_TANH_CUBIC * a * a * a));
      return 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_CUBIC * a * a);
    },
  },
  sigmoid: {
    f: (a) => logistic(a),
    df: (a) => {
      const s = logistic(a);
      return s * (1 - s);
    },
  },
  tanh: {
    f: (a) => Math.tanh(a),
    df: (a) => 1 - Math.tanh(a) ** 2,
  },
  softplus: {
    f: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    df: (a) => logistic(a),
  },
  hard_sigmoid: {
    f: (a, { alpha, beta }) => Math.max(0, Math.min(1, alpha * a + beta)),
    df: (a, { alpha, beta }) => {
      const u = alpha * a + beta;
      return u > 0 && u < 1 ? alpha : 0;
    },
    check: ({ alpha, beta }) => finite('alpha', alpha) ?? finite('beta', beta),
  },
  hard_swish: {
    f: (a) => a * Math.max(0, Math.min(1, a / 6 + 0.5)),
    df: (a) => (a <= -3 ? 0 : a >= 3 ? 1 : a / 3 + 0.5),
  },
  silu: {
    f: (a) => a * logistic(a),
    df: (a) => {
      const s = logistic(a);
      return s + a * s * (1 - s);
    },
  },
};

/** The activation operators' names. */
export const ACTIVATION_OPS = Object.keys(ACTIVATIONS) as ActivationOp[];

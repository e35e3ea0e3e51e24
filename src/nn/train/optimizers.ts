/**
 * Optimisers: how a parameter moves given its gradient. Each keeps its own state per parameter
 * (keyed by the parameter's array), so one optimiser object serves a whole model.
 *
 * - SGD with momentum (PyTorch's form): v ← μ·v + g + λ·w, w ← w − η·v.
 * - Adam (Kingma & Ba, 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − η·m̂/(√v̂ + ε) with
 *   bias-corrected m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 */
import { assertArgument } from '../../core/errors.js';

/** An optimiser: `step` updates `weights` in place from `gradient`. */
export interface Optimizer {
  readonly name: string;
  /** The current learning rate η; schedules change it between epochs. */
  learningRate: number;
  /** Called once per mini-batch, before the parameters' steps. */
  beginStep(): void;
  step(weights: Float32Array, gradient: Float32Array): void;
}

/** Options of `sgd`. */
export interface SgdOptions {
  readonly learningRate: number;
  readonly momentum?: number;
  readonly weightDecay?: number;
}

/** Stochastic gradient descent with (PyTorch-style) momentum and optional weight decay. */
export function sgd({ learningRate, momentum = 0, weightDecay = 0 }: SgdOptions): Optimizer {
  assertArgument(learningRate > 0, 'sgd', () => `learningRate must be positive, got ${learningRate}`);
  assertArgument(momentum >= 0 && momentum < 1, 'sgd', () => `momentum must be in [0, 1), got ${momentum}`);
  assertArgument(weightDecay >= 0, 'sgd', () => `weightDecay must be non-negative, got ${weightDecay}`);
  const velocity = new WeakMap<Float32Array, Float32Array>();
  return {
    name: 'sgd',
    learningRate,
    beginStep: () => {},
    step(w, g) {
      const eta = this.learningRate;
      let v = velocity.get(w);
      if (!v) {
        v = new Float32Array(w.length);
        velocity.set(w, v);
      }
      for (let i = 0; i < w.length; i++) {
        const vi = momentum * v[i]! + g[i]! + weightDecay * w[i]!;
        v[i] = vi;
        w[i] = w[i]! - eta * vi;
      }
    },
  };
}

/** Options of `adam`, with Kingma & Ba's defaults. */
export interface AdamOptions {
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/** Adam. */
export function adam({
  learningRate = 1e-3,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon = 1e-8,
}: AdamOptions = {}): Optimizer {
  assertArgument(learningRate > 0, 'adam', () => `learningRate must be positive, got ${learningRate}`);
  assertArgument(
    beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1,
    'adam',
    () => 'beta1 and beta2 must be in [0, 1)',
  );
  assertArgument(epsilon > 0, 'adam', () => `epsilon must be positive, got ${epsilon}`);
  const moments = new WeakMap<Float32Array, { m: Float32Array; v: Float32Array }>();
  let t = 0;
  let correction1 = 1;
  let correction2 = 1;
  return {
    name: 'adam',
    learningRate,
    beginStep() {
      t++;
      correction1 = 1 - beta1 ** t;
      correction2 = 1 - beta2 ** t;
    },
    step(w, g) {
      let state = moments.get(w);
      if (!state) {
        state = { m: new Float32Array(w.length), v: new Float32Array(w.length) };
        moments.set(w, state);
      }
      const { m, v } = state;
      const eta = this.learningRate;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        const mi = beta1 * m[i]! + (1 - beta1) * gi;
        const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i]! - (eta * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
      }
    },
  };
}

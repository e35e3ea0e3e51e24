/**
 * Softmax cross-entropy, the loss the trainer minimises:
 * L = −(1/N) Σ_n log softmax(z_n)[y_n], with gradient ∂L/∂z_n = (softmax(z_n) − onehot(y_n)) / N.
 * Computed with the log-sum-exp shift (z − max z) so that large logits do not overflow.
 */
import { ShapeError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';

/** The mean loss of a batch and its gradient with respect to the logits. */
export interface LossAndGradient {
  readonly loss: number;
  /** ∂L/∂logits, the logits' shape, float32. */
  readonly gradient: Float32Array;
  /** How many samples the logits classify correctly (argmax = label, first maximum on ties). */
  readonly correct: number;
}

/** Softmax cross-entropy of `logits` ([N, classes]) against integer `labels` ([N]). */
export function softmaxCrossEntropy(logits: Tensor, labels: ArrayLike<number>): LossAndGradient {
  const [n = 0, classes = 0] = logits.shape;
  if (logits.shape.length !== 2 || labels.length !== n)
    throw new ShapeError(
      'softmaxCrossEntropy',
      `logits [N, classes] with N = ${labels.length}`,
      `[${logits.shape}]`,
    );
  const z = logits.data;
  const gradient = new Float32Array(z.length);
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < n; s++) {
    const row = s * classes;
    const label = labels[s]!;
    let max = Number.NEGATIVE_INFINITY;
    let best = 0;
    for (let c = 0; c < classes; c++)
      if (z[row + c]! > max) {
        max = z[row + c]!;
        best = c;
      }
    if (best === label) correct++;
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(z[row + c]! - max);
    const logSum = Math.log(sum);
    loss += logSum - (z[row + label]! - max);
    for (let c = 0; c < classes; c++) {
      const p = Math.exp(z[row + c]! - max - logSum);
      gradient[row + c] = (p - (c === label ? 1 : 0)) / n;
    }
  }
  return { loss: n > 0 ? loss / n : 0, gradient, correct };
}

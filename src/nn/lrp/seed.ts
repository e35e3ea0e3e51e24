/**
 * The relevance the backward pass starts from (DESIGN.md §1b): for each sample, 1 at its target
 * class and 0 elsewhere (`onehot`, the default), optionally times the target's logit (`logit`),
 * or an explicit tensor (`seed`). Targets default to each sample's argmax (first maximum).
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import { allocate, type DType, type FloatArray, showShape, type Tensor } from '../../core/tensor.js';

/** How the targets are given. */
export interface SeedOptions {
  /** One target class for every sample, or `argmax` (the default). */
  readonly target?: number | 'argmax';
  /** One target class per sample. */
  readonly targets?: ArrayLike<number>;
  /** An explicit output relevance, the logits' shape. */
  readonly seed?: Tensor;
  /** `onehot` (default) or `logit`: the one-hot seed times the target's logit. */
  readonly outputRelevance?: 'onehot' | 'logit';
}

/** The index of each sample's largest logit (the first on ties). */
export function argmaxPerSample(logits: Tensor): Int32Array {
  const batch = logits.shape[0] ?? 0;
  const classes = batch > 0 ? logits.data.length / batch : 0;
  const out = new Int32Array(batch);
  for (let n = 0; n < batch; n++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (logits.data[n * classes + c]! > logits.data[n * classes + best]!) best = c;
    out[n] = best;
  }
  return out;
}

/** Each sample's target class, validated against the number of classes. */
export function resolveTargets(logits: Tensor, options: SeedOptions): Int32Array {
  const batch = logits.shape[0] ?? 0;
  const classes = batch > 0 ? logits.data.length / batch : 0;
  if (options.targets !== undefined && options.target !== undefined)
    throw new InvalidArgumentError('lrp', 'give either target or targets, not both');
  let targets: Int32Array;
  if (options.targets !== undefined) {
    if (options.targets.length !== batch)
      throw new InvalidArgumentError(
        'lrp',
        `targets has ${options.targets.length} entries for a batch of ${batch}`,
      );
    targets = Int32Array.from(options.targets as ArrayLike<number>);
    for (let n = 0; n < batch; n++) checkClass(options.targets[n]!, classes, `targets[${n}]`);
  } else if (options.target === undefined || options.target === 'argmax') targets = argmaxPerSample(logits);
  else {
    checkClass(options.target, classes, 'target');
    targets = new Int32Array(batch).fill(options.target);
  }
  return targets;
}

function checkClass(c: number, classes: number, what: string): void {
  if (!Number.isInteger(c) || c < 0 || c >= classes)
    throw new InvalidArgumentError('lrp', `${what} must be a class index in [0, ${classes - 1}], got ${c}`);
}

/** The output relevance for `logits` in `dtype`. */
export function outputSeed(logits: Tensor, dtype: DType, options: SeedOptions): FloatArray {
  if (options.seed !== undefined) {
    const seed = options.seed;
    if (seed.data.length !== logits.data.length || seed.shape.length !== logits.shape.length)
      throw new ShapeError('lrp seed', showShape(logits.shape), showShape(seed.shape));
    if (options.target !== undefined || options.targets !== undefined || options.outputRelevance === 'logit')
      throw new InvalidArgumentError('lrp', 'an explicit seed replaces target, targets and outputRelevance');
    const out = allocate(dtype, seed.data.length);
    out.set(seed.data);
    return out;
  }
  const mode = options.outputRelevance ?? 'onehot';
  if (mode !== 'onehot' && mode !== 'logit')
    throw new InvalidArgumentError('lrp', `outputRelevance must be onehot or logit, got ${String(mode)}`);
  const targets = resolveTargets(logits, options);
  const batch = targets.length;
  const classes = batch > 0 ? logits.data.length / batch : 0;
  const out = allocate(dtype, logits.data.length);
  for (let n = 0; n < batch; n++) {
    const at = n * classes + targets[n]!;
    out[at] = mode === 'logit' ? logits.data[at]! : 1;
  }
  return out;
}

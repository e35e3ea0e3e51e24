/**
 * The forward pass: every node of a model applied in topological order to a batch, keeping every
 * tensor (the input included). These activations are what an LRP trace reads later, so nothing
 * is freed. Computation runs in one dtype: float32 by default (the input's), or float64; float32
 * parameters are promoted when computing in float64, and kernels accumulate in float64 either way.
 */
import { InvalidArgumentError, NotFoundError, OverflowError, ShapeError } from '../core/errors.js';
import { firstNonFinite } from '../core/finite.js';
import {
  allocate,
  type DType,
  dtypeOf,
  type FloatArray,
  showShape,
  sizeOf,
  type Tensor,
  toDType,
} from '../core/tensor.js';
import type { AnyNode, Model } from './graph.js';
import { opOf } from './ops/index.js';

/** Options of `forward`. */
export interface ForwardOptions {
  /** The dtype to compute in; default: the input's. */
  readonly dtype?: DType;
  /**
   * Where the layers' output arrays come from (each all zeros): default new arrays; a trace takes
   * them from its circuit's pool (see array-pool.ts).
   */
  readonly allocate?: (dtype: DType, length: number) => FloatArray;
}

/** Every tensor of one forward pass, by name, each with the batch axis first. */
export class Activations {
  /** @internal Built by `forward`. */
  constructor(
    /** The model that was run. */
    readonly model: Model,
    /** The dtype every tensor has. */
    readonly dtype: DType,
    private readonly tensors: ReadonlyMap<string, Tensor>,
  ) {}

  /** The batch size. */
  get batch(): number {
    return this.input.shape[0]!;
  }

  /** The tensor of a name; a `NotFoundError` listing the known tensors otherwise. */
  get(name: string): Tensor {
    const t = this.tensors.get(name);
    if (t === undefined) throw new NotFoundError('tensor', name, [...this.tensors.keys()]);
    return t;
  }

  /** Whether a tensor of that name exists. */
  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** The model input, as computed with (converted to `dtype`). */
  get input(): Tensor {
    return this.get(this.model.input);
  }

  /** The model output (the logits). */
  get output(): Tensor {
    return this.get(this.model.output);
  }

  /** A node's input tensors, in its order. */
  inputsOf(node: AnyNode): Tensor[] {
    return node.inputs.map((name) => this.get(name));
  }

  /** A node's output tensor. */
  outputOf(node: AnyNode): Tensor {
    return this.get(node.output);
  }

  /** The tensor names, the input first, then in topological order. */
  names(): string[] {
    return [...this.tensors.keys()];
  }

  [Symbol.iterator](): IterableIterator<[string, Tensor]> {
    return this.tensors.entries();
  }
}

/**
 * Runs a model on a batch `x` of shape [N, …inputShape] (N ≥ 1).
 *
 * @throws ShapeError when `x` does not have that shape (the message shows both).
 * @throws InvalidArgumentError for an unknown dtype or a non-finite input element.
 * @throws OverflowError when the input does not fit the dtype, or a layer's output overflows.
 */
export function forward(model: Model, x: Tensor, options: ForwardOptions = {}): Activations {
  const dtype = options.dtype ?? dtypeOf(x.data);
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new InvalidArgumentError(
      'forward',
      `dtype must be "float32" or "float64", got ${JSON.stringify(dtype)}`,
    );
  const input = toDType(checkInput(model, x), dtype);
  assertFinite(input.data, dtype, () => `the input "${model.input}"`, undefined);
  const batch = input.shape[0]!;
  const newArray = options.allocate ?? allocate;
  const tensors = new Map<string, Tensor>([[model.input, input]]);
  for (const node of model.nodes) {
    const shape = [batch, ...model.shapes.get(node.output)!];
    const out: Tensor = { shape, data: newArray(dtype, sizeOf(shape)) };
    const inputs = node.inputs.map((name) => tensors.get(name)!);
    opOf(node).forward(node, inputs, out);
    // NOTE: one pass over each output, far cheaper than the layer itself; a ±∞ here would become
    // NaN relevance (∞/∞) or all-zero 𝔹 and ℕ without a word.
    assertFinite(out.data, dtype, () => `layer "${node.layer}" (${node.op})`, node.layer);
    tensors.set(node.output, out);
  }
  return new Activations(model, dtype, tensors);
}

/** The model's output (the logits) for a batch. */
export function predict(model: Model, x: Tensor, options: ForwardOptions = {}): Tensor {
  return forward(model, x, options).output;
}

/**
 * The index of the largest element of each sample of a batch [N, …] (each sample flattened);
 * ties go to the first maximum.
 */
export function argmax(t: Tensor): number[] {
  const n = t.shape[0];
  if (t.shape.length < 2 || n === undefined || n < 1 || t.data.length === 0 || t.data.length % n !== 0)
    throw new ShapeError('argmax', '[N, …] with N ≥ 1 and a non-empty sample', showShape(t.shape));
  const per = t.data.length / n;
  const result: number[] = [];
  for (let s = 0; s < n; s++) {
    let best = 0;
    for (let i = 1; i < per; i++) if (t.data[s * per + i]! > t.data[s * per + best]!) best = i;
    result.push(best);
  }
  return result;
}

/** Throws an `OverflowError` naming `what` at the first element of `data` that is not finite. */
function assertFinite(
  data: ArrayLike<number>,
  dtype: DType,
  what: () => string,
  layer: string | undefined,
): void {
  const i = firstNonFinite(data);
  if (i < 0) return;
  const hint =
    dtype === 'float32'
      ? 'compute in float64 (--dtype float64, or dtype: "float64")'
      : 'scale the input or the weights down';
  throw new OverflowError(
    'forward',
    layer,
    `${what()} overflowed ${dtype} (element ${i} is ${data[i]}); ${hint}`,
  );
}

/** Checks that `x` is a batch [N, …inputShape] with N ≥ 1 and finite elements. */
function checkInput(model: Model, x: Tensor): Tensor {
  const perSample = model.shapes.get(model.input)!;
  const expected = `[N, ${perSample.join(', ')}] with N ≥ 1`;
  const shape = x?.shape;
  if (!Array.isArray(shape) || !(x.data instanceof Float32Array || x.data instanceof Float64Array))
    throw new InvalidArgumentError(
      'forward',
      'x must be a tensor { shape, data: Float32Array | Float64Array }',
    );
  const fits =
    shape.length === perSample.length + 1 &&
    Number.isInteger(shape[0]) &&
    shape[0]! >= 1 &&
    perSample.every((d, i) => shape[i + 1] === d);
  if (!fits) throw new ShapeError(`forward (model input "${model.input}")`, expected, showShape(shape));
  if (x.data.length !== sizeOf(shape))
    throw new ShapeError(
      'forward',
      `${sizeOf(shape)} elements for ${showShape(shape)}`,
      `${x.data.length} elements`,
    );
  for (let i = 0; i < x.data.length; i++)
    if (!Number.isFinite(x.data[i]))
      throw new InvalidArgumentError('forward', `input element ${i} is ${x.data[i]}; inputs must be finite`);
  return x;
}

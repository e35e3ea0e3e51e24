/**
 * Layers without parameters that move, copy or combine elements: `relu`, `flatten`, `view` (a
 * `reshape` node), `pad`, `dropout`, `identity`, and the two that take several inputs in a
 * `graph`: `add` (a residual sum) and `concat`.
 *
 * The reshaping layer is called `view` (PyTorch's `x.view(N, …shape)`) because `reshape` is the
 * tensor function of provlrp/core, and both are exported from the package root.
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import { showShape, sizeOf } from '../../core/tensor.js';
import { type Layer, nodeBase } from './layer.js';

/** max(0, x), element-wise (`nn.ReLU`). */
export function relu(): Layer {
  return {
    op: 'relu',
    build: (context) => ({ ...nodeBase(context), op: 'relu', attributes: {}, params: {} }),
  };
}

/** Every per-sample axis into one (`nn.Flatten`). */
export function flatten(): Layer {
  return {
    op: 'flatten',
    build: (context) => ({ ...nodeBase(context), op: 'flatten', attributes: {}, params: {} }),
  };
}

/**
 * A new per-sample shape with the same number of elements (a `reshape` node; PyTorch's
 * `x.view(N, …shape)`); one dimension may be −1, resolved from the input's size.
 */
export function view(shape: readonly number[]): Layer {
  const where = 'view';
  const unknowns = shape.filter((d) => d === -1).length;
  if (unknowns > 1 || !shape.every((d) => d === -1 || (Number.isInteger(d) && d >= 1)))
    throw new InvalidArgumentError(
      where,
      `the shape must have positive integer dimensions and at most one −1, got ${showShape(shape)}`,
    );
  return {
    op: 'reshape',
    build(context) {
      const size = sizeOf(context.inputShapes[0] ?? []);
      const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
      if (unknowns === 1 ? size % known !== 0 : size !== known)
        throw new ShapeError(
          `view (layer "${context.layer}")`,
          `a shape with ${size} elements like the input ${showShape(context.inputShapes[0] ?? [])}`,
          showShape(shape),
        );
      const resolved = shape.map((d) => (d === -1 ? size / known : d));
      return { ...nodeBase(context), op: 'reshape', attributes: { shape: resolved }, params: {} };
    },
  };
}

/**
 * Constant padding: `pads` are the per-sample begins then ends (ONNX order, without the batch
 * axis; negative values crop), `value` fills.
 */
export function pad(pads: readonly number[], value = 0): Layer {
  if (!pads.every(Number.isInteger) || !Number.isFinite(value))
    throw new InvalidArgumentError(
      'pad',
      `pads must be integers and the value finite, got ${JSON.stringify(pads)}`,
    );
  const attributes = { pads: [...pads], value };
  return { op: 'pad', build: (context) => ({ ...nodeBase(context), op: 'pad', attributes, params: {} }) };
}

/** Dropout, the identity at inference (`nn.Dropout` in eval mode). */
export function dropout(): Layer {
  return {
    op: 'dropout',
    build: (context) => ({ ...nodeBase(context), op: 'dropout', attributes: {}, params: {} }),
  };
}

/** The identity (`nn.Identity`). */
export function identity(): Layer {
  return {
    op: 'identity',
    build: (context) => ({ ...nodeBase(context), op: 'identity', attributes: {}, params: {} }),
  };
}

/** The element-wise sum of two or more inputs of one shape (a residual connection). */
export function add(): Layer {
  return { op: 'add', build: (context) => ({ ...nodeBase(context), op: 'add', attributes: {}, params: {} }) };
}

/** Concatenation of the inputs along a per-sample `axis` (`torch.cat(…, dim = axis + 1)`). */
export function concat(axis: number): Layer {
  if (!Number.isInteger(axis) || axis < 0)
    throw new InvalidArgumentError('concat', `axis must be an integer ≥ 0 (per sample), got ${axis}`);
  return {
    op: 'concat',
    build: (context) => ({ ...nodeBase(context), op: 'concat', attributes: { axis }, params: {} }),
  };
}

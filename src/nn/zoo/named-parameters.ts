/**
 * Parameters by PyTorch `state_dict()` name: `<layer>.<parameter>`, the layer being the module path
 * (as the ONNX importer names layers) and the parameter PyTorch's name for it:
 *
 *   dense, conv    weight → `weight`, bias → `bias`
 *   batch_norm     scale → `weight`, bias → `bias`, mean → `running_mean`, variance → `running_var`
 *
 * so an imported export of torchvision's VGG-16 has `features.0.weight`, …, `classifier.6.bias`.
 * `namedParameters` reads them off a model; `parameterLookup` serves them to a model being built
 * (the zoo's `weights` option) and checks that every given name was used.
 */
import { InvalidArgumentError, NotFoundError, ShapeError } from '../../core/errors.js';
import { showShape, sizeOf, type Tensor } from '../../core/tensor.js';
import type { ParamValues } from '../builder/index.js';
import type { Model, OpName } from '../graph.js';

/** PyTorch's name of each provlrp parameter, by operator. */
export const PYTORCH_PARAMETER_NAMES: { readonly [O in OpName]?: Readonly<Record<string, string>> } = {
  dense: { weight: 'weight', bias: 'bias' },
  conv: { weight: 'weight', bias: 'bias' },
  batch_norm: { scale: 'weight', bias: 'bias', mean: 'running_mean', variance: 'running_var' },
};

/** Parameter values by PyTorch name: a map, a plain object, or a model to take them from. */
export type NamedParameters =
  | Model
  | ReadonlyMap<string, ParamValues>
  | Readonly<Record<string, ParamValues>>;

/**
 * A model's parameters by PyTorch name, in node order. The tensors are the model's own (not
 * copies).
 *
 * @throws InvalidArgumentError when two nodes of one layer would give the same name.
 */
export function namedParameters(model: Model): Map<string, Tensor<Float32Array>> {
  const named = new Map<string, Tensor<Float32Array>>();
  for (const node of model.nodes) {
    const names = PYTORCH_PARAMETER_NAMES[node.op] ?? {};
    for (const [key, tensor] of Object.entries(node.params as Record<string, Tensor<Float32Array>>)) {
      const name = `${node.layer}.${names[key] ?? key}`;
      if (named.has(name))
        throw new InvalidArgumentError(
          'namedParameters',
          `two nodes of layer "${node.layer}" have a parameter "${name}"; give the nodes distinct layers`,
        );
      named.set(name, tensor);
    }
  }
  return named;
}

/** Serves named parameter values to a model being built. */
export interface ParameterLookup {
  /**
   * The value of `name` as a float32 tensor of `shape`: a Float32Array is used as it is (not
   * copied), anything else is converted.
   */
  take(name: string, shape: readonly number[]): Tensor<Float32Array>;
  /** Throws an `InvalidArgumentError` if some given name was never taken (a misspelt name). */
  assertAllTaken(): void;
}

/**
 * A lookup over named values; `where` names the option in errors.
 *
 * `take` throws a `NotFoundError` for a missing name, a `ShapeError` for a value of another shape
 * (a tensor's shape must match exactly, a flat array's length), and an `InvalidArgumentError` for
 * a non-finite element.
 */
export function parameterLookup(source: NamedParameters, where: string): ParameterLookup {
  const values = toMap(source);
  const taken = new Set<string>();
  return {
    take(name, shape) {
      const value = values.get(name);
      if (value === undefined) throw new NotFoundError(`parameter of ${where}`, name, [...values.keys()]);
      taken.add(name);
      return toTensor(value, shape, `${where}: parameter "${name}"`);
    },
    assertAllTaken() {
      const unused = [...values.keys()].filter((name) => !taken.has(name));
      if (unused.length > 0)
        throw new InvalidArgumentError(
          where,
          `no parameter of the model is called ${unused.map((n) => `"${n}"`).join(', ')}; ` +
            `the names are PyTorch's (${[...taken].slice(0, 2).join(', ')}, …)`,
        );
    },
  };
}

function toMap(source: NamedParameters): ReadonlyMap<string, ParamValues> {
  if (source instanceof Map) return source;
  if (isModel(source)) return namedParameters(source);
  return new Map(Object.entries(source as Readonly<Record<string, ParamValues>>));
}

const isModel = (source: NamedParameters): source is Model =>
  typeof source === 'object' && source !== null && 'nodes' in source && 'shapes' in source;

function toTensor(value: ParamValues, shape: readonly number[], where: string): Tensor<Float32Array> {
  const isTensor = 'shape' in value && 'data' in value;
  if (isTensor && (value.shape.length !== shape.length || value.shape.some((d, i) => d !== shape[i])))
    throw new ShapeError(where, showShape(shape), showShape(value.shape));
  const flat = isTensor ? value.data : (value as ArrayLike<number>);
  if (flat.length !== sizeOf(shape))
    throw new ShapeError(where, `${showShape(shape)} (${sizeOf(shape)} elements)`, `${flat.length} elements`);
  const data = flat instanceof Float32Array ? flat : Float32Array.from(flat);
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i]))
      throw new InvalidArgumentError(where, `element ${i} is ${data[i]}; parameters must be finite`);
  return { shape: [...shape], data };
}

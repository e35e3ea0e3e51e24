/**
 * Checks shared by the operators' shape inference: the node named in every message, input counts,
 * ranks, parameter shapes and integer attributes. Each throws a typed error of the form
 * "node "<name>" (<op>, layer "<layer>"): what was wrong; what to do".
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import { showShape, sizeOf, type Tensor } from '../../core/tensor.js';
import { ATTRIBUTE_KINDS, type AttributeKind, hasKind } from '../attribute-kinds.js';
import type { Node, OpName } from '../graph.js';

/** How messages name a node: `node "fc1" (dense, layer "classifier.0")`. */
export const describeNode = (node: Node<OpName>): string =>
  `node "${node.name}" (${node.op}, layer "${node.layer}")`;

/** Checks that the operator received exactly `count` inputs (or at least `count` with `atLeast`). */
export function expectInputCount(
  node: Node<OpName>,
  inputs: readonly (readonly number[])[],
  count: number,
  atLeast = false,
): void {
  const ok = atLeast ? inputs.length >= count : inputs.length === count;
  if (!ok)
    throw new InvalidArgumentError(
      describeNode(node),
      `takes ${atLeast ? 'at least ' : ''}${count} input${count === 1 ? '' : 's'}, got ${inputs.length}; ` +
        'list its input tensors in `inputs`',
    );
}

/** Checks a per-sample input's rank; `what` names it in the message ("input", "input 2"). */
export function expectRank(node: Node<OpName>, shape: readonly number[], rank: number, what: string): void {
  if (shape.length !== rank)
    throw new ShapeError(
      `${describeNode(node)} ${what}`,
      `rank ${rank} (per sample, without the batch axis)`,
      showShape(shape),
    );
}

/** Checks a parameter's shape, and that its data has as many elements as the shape says. */
export function expectParamShape(
  node: Node<OpName>,
  param: string,
  t: Tensor | undefined,
  expected: readonly number[],
): void {
  if (t === undefined)
    throw new InvalidArgumentError(
      describeNode(node),
      `parameter "${param}" is missing; give it in \`params\``,
    );
  const same = t.shape.length === expected.length && t.shape.every((d, i) => d === expected[i]);
  if (!same)
    throw new ShapeError(
      `${describeNode(node)} parameter "${param}"`,
      showShape(expected),
      showShape(t.shape),
    );
  if (t.data.length !== sizeOf(t.shape))
    throw new ShapeError(
      `${describeNode(node)} parameter "${param}"`,
      `${sizeOf(t.shape)} elements for ${showShape(t.shape)}`,
      `${t.data.length} elements`,
    );
}

/** Checks that every value of an integer attribute is an integer ≥ `min`. */
export function expectIntegers(
  node: Node<OpName>,
  attribute: string,
  values: readonly number[] | undefined,
  length: number,
  min: number,
): void {
  const ok =
    Array.isArray(values) && values.length === length && values.every((v) => Number.isInteger(v) && v >= min);
  if (!ok)
    throw new InvalidArgumentError(
      describeNode(node),
      `attribute "${attribute}" must be ${length} integer${length === 1 ? '' : 's'} ≥ ${min}, ` +
        `got ${JSON.stringify(values)}`,
    );
}

/** Checks that a per-sample shape has positive integer dimensions (operators never produce empty tensors). */
export function expectNonEmpty(node: Node<OpName>, shape: readonly number[], what: string): void {
  if (!shape.every((d) => Number.isInteger(d) && d >= 1))
    throw new ShapeError(`${describeNode(node)} ${what}`, 'positive dimensions', showShape(shape));
}

/** Checks that two shapes are equal. */
export function expectSameShape(
  node: Node<OpName>,
  expected: readonly number[],
  actual: readonly number[],
  what: string,
): void {
  if (expected.length !== actual.length || expected.some((d, i) => d !== actual[i]))
    throw new ShapeError(`${describeNode(node)} ${what}`, showShape(expected), showShape(actual));
}

/**
 * Checks that the node has every attribute its operator declares (attribute-kinds.ts), each of its
 * kind: a node assembled by hand gets a typed error, not a crash inside the operator.
 */
export function expectAttributes(node: Node<OpName>): void {
  const kinds: Readonly<Record<string, AttributeKind>> = ATTRIBUTE_KINDS[node.op];
  const attributes = (node.attributes ?? {}) as Readonly<Record<string, unknown>>;
  for (const [key, kind] of Object.entries(kinds))
    if (!hasKind(attributes[key], kind))
      throw new InvalidArgumentError(
        describeNode(node),
        `attribute "${key}" must be ${kind === 'integers' || kind === 'numbers' ? 'a list of ' : 'a '}${kind}, got ${JSON.stringify(attributes[key])}`,
      );
}

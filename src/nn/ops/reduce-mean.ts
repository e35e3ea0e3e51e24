/**
 * Mean over per-sample axes (ONNX ReduceMean over axes other than the spatial pair, e.g. the
 * tokens of a [T, D] sequence, the mean-pooled head of a transformer):
 *   z[k] = (1/n) Σ_{j ↦ k} a[j],  n the number of elements averaged into each output.
 * Linear without parameters, like average pooling: connectivity `pool`, edges (j, k) of weight
 * 1/n carrying tokens, and the norm rule of every average pooling (composite.ts), d_jk = a_j /
 * stab(Σ_{i ↦ k} a_i) (the 1/n cancels); training's gradient is its adjoint ∂a[j] = ∂z[k]/n.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { FloatArray } from '../../core/tensor.js';
import { sizeOf } from '../../core/tensor.js';
import type { Node } from '../graph.js';
import { describeNode, expectAttributes, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

/** For each input element (per sample, flat), the output element it is averaged into. */
const targets = new WeakMap<object, { key: string; map: Int32Array }>();

function targetMap(node: Node<'reduce_mean'>, input: readonly number[]): Int32Array {
  const key = input.join(',');
  const cached = targets.get(node);
  if (cached?.key === key) return cached.map;
  const reduced = new Set(node.attributes.axes);
  const kept = input.map((d, a) => (reduced.has(a) ? 1 : d));
  const outStrides = kept.map((_, a) => sizeOf(kept.slice(a + 1)));
  const map = new Int32Array(sizeOf(input));
  const m = new Array<number>(input.length).fill(0);
  for (let j = 0; j < map.length; j++) {
    let k = 0;
    for (let a = 0; a < m.length; a++) if (!reduced.has(a)) k += m[a]! * outStrides[a]!;
    map[j] = k;
    for (let a = input.length - 1; a >= 0; a--) {
      m[a] = m[a]! + 1;
      if (m[a]! < input[a]!) break;
      m[a] = 0;
    }
  }
  targets.set(node, { key, map });
  return map;
}

/** Elements averaged into each output. */
const countOf = (node: Node<'reduce_mean'>, input: readonly number[]): number =>
  node.attributes.axes.reduce((p, a) => p * input[a]!, 1);

/** c[j] += s[k]/n for a batch. */
function adjointInto(
  node: Node<'reduce_mean'>,
  input: readonly number[],
  s: FloatArray,
  c: FloatArray,
): void {
  const map = targetMap(node, input);
  const n = countOf(node, input);
  const perIn = map.length;
  const perOut = perIn / n;
  for (let b = 0; b * perIn < c.length; b++)
    for (let j = 0; j < perIn; j++) c[b * perIn + j] = c[b * perIn + j]! + s[b * perOut + map[j]!]! / n;
}

export const reduceMean: OpDefinition<'reduce_mean'> = {
  op: 'reduce_mean',
  connectivity: 'pool',
  lrp: 'linear',
  hasParams: false,
  edges(node, shapes, emit) {
    const input = shapes.inputs[0]!;
    const map = targetMap(node, input);
    const w = 1 / countOf(node, input);
    for (let j = 0; j < map.length; j++) emit(j, map[j]!, w);
  },
  adjoint: (node, inputShape, _outputShape, s, c) => adjointInto(node, inputShape, s, c),
  backward({ node, inputs, gradOutput, gradInputs }) {
    const gx = gradInputs[0];
    if (gx) adjointInto(node, inputs[0]!.shape.slice(1), gradOutput, gx);
  },
  inferShape(node, inputs) {
    expectInputCount(node, inputs, 1);
    expectAttributes(node);
    const input = inputs[0]!;
    const { axes, keepdims } = node.attributes;
    const sorted = [...axes].sort((a, b) => a - b);
    if (
      axes.length === 0 ||
      !axes.every((a, i) => Number.isInteger(a) && a >= 0 && a < input.length && a === sorted[i]) ||
      new Set(axes).size !== axes.length
    )
      throw new InvalidArgumentError(
        describeNode(node),
        `axes must be distinct per-sample axes of [${input.join(', ')}] in increasing order, got [${axes.join(', ')}]`,
      );
    return keepdims
      ? input.map((d, a) => (axes.includes(a) ? 1 : d))
      : input.filter((_, a) => !axes.includes(a));
  },
  forward(node, inputs, out) {
    const a = inputs[0]!;
    const input = a.shape.slice(1);
    const map = targetMap(node, input);
    const n = countOf(node, input);
    const perIn = map.length;
    const perOut = perIn / n;
    const sums = new Float64Array(out.data.length);
    for (let b = 0; b * perIn < a.data.length; b++)
      for (let j = 0; j < perIn; j++)
        sums[b * perOut + map[j]!] = sums[b * perOut + map[j]!]! + a.data[b * perIn + j]!;
    for (let k = 0; k < sums.length; k++) out.data[k] = sums[k]! / n;
  },
};

/**
 * Operators that rearrange, select or repeat elements of an activation without weighing them:
 * transpose (ONNX Transpose), slice (Slice, Split), gather (Gather with constant indices: a class
 * token, a chosen row), expand (Expand, broadcasting) and tile (Tile). Each is given by its
 * **source map**: output element k (per sample, flat, C order) is input element source[k]. One
 * definition made from that map gives every part of the operator:
 * - forward: z[k] = a[source[k]];
 * - connectivity `identity`: edge (source[k], k), coefficient 1, no token (DESIGN.md §1b);
 * - LRP category `routing`: R_a[j] = Σ_{k: source[k] = j} R_z[k], so relevance is moved and, where
 *   an element was copied (expand, tile, overlapping gathers), the copies' relevance adds up;
 *   elements nothing selects receive none;
 * - training: ∂a[j] = Σ_{k: source[k] = j} ∂z[k], the same sum.
 * Attributes are per sample (axes count without the batch axis) and fully resolved by the builder
 * or the importer: no negative axes, indices or −1 sizes.
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import { showShape, sizeOf } from '../../core/tensor.js';
import type { Node, OpName } from '../graph.js';
import { describeNode, expectAttributes, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

/** The rearranging operators. */
export type RearrangeOp = 'transpose' | 'slice' | 'gather' | 'expand' | 'tile';

/** What one rearranging operator is: its output shape and, per output multi-index, its input index. */
interface RearrangeSpec<O extends RearrangeOp> {
  /** The per-sample output shape; throws a typed error naming the node when the attributes do not fit. */
  readonly shape: (node: Node<O>, input: readonly number[]) => number[];
  /** The input multi-index of output multi-index `m` (written into `into`). */
  readonly source: (node: Node<O>, input: readonly number[], m: readonly number[], into: number[]) => void;
}

const fail = (node: Node<OpName>, problem: string): never => {
  throw new InvalidArgumentError(describeNode(node), problem);
};

const isAxisList = (axes: readonly number[], rank: number): boolean =>
  axes.length === rank && axes.every((a) => Number.isInteger(a) && a >= 0 && a < rank);

const SPECS: { readonly [O in RearrangeOp]: RearrangeSpec<O> } = {
  transpose: {
    shape(node, input) {
      const { perm } = node.attributes;
      if (!isAxisList(perm, input.length) || new Set(perm).size !== perm.length)
        fail(node, `perm [${perm.join(', ')}] is not a permutation of the ${input.length} per-sample axes`);
      return perm.map((p) => input[p]!);
    },
    source(node, _input, m, into) {
      node.attributes.perm.forEach((p, a) => {
        into[p] = m[a]!;
      });
    },
  },
  slice: {
    shape(node, input) {
      const { starts, ends, steps } = node.attributes;
      if (starts.length !== input.length || ends.length !== input.length || steps.length !== input.length)
        fail(node, `starts, ends and steps need one entry per per-sample axis (${input.length})`);
      return input.map((d, a) => {
        const [s, e, t] = [starts[a]!, ends[a]!, steps[a]!];
        const inRange = t > 0 ? s >= 0 && s <= d && e >= s && e <= d : t < 0 && s < d && e >= -1 && e <= s;
        if (!Number.isInteger(t) || !inRange)
          fail(node, `axis ${a} of size ${d}: start ${s}, end ${e}, step ${t} are not a resolved range`);
        return Math.ceil((e - s) / t);
      });
    },
    source(node, _input, m, into) {
      const { starts, steps } = node.attributes;
      for (let a = 0; a < m.length; a++) into[a] = starts[a]! + m[a]! * steps[a]!;
    },
  },
  gather: {
    shape(node, input) {
      const { axis, indices, indicesShape } = node.attributes;
      if (!Number.isInteger(axis) || axis < 0 || axis >= input.length)
        fail(node, `axis ${axis} is not a per-sample axis of ${showShape(input)}`);
      if (
        sizeOf(indicesShape) !== indices.length ||
        !indices.every((i) => Number.isInteger(i) && i >= 0 && i < input[axis]!)
      )
        fail(
          node,
          `indices must be ${sizeOf(indicesShape)} integers in [0, ${input[axis]}) (resolved), got [${indices.join(', ')}]`,
        );
      return [...input.slice(0, axis), ...indicesShape, ...input.slice(axis + 1)];
    },
    source(node, input, m, into) {
      const { axis, indices, indicesShape } = node.attributes;
      const r = indicesShape.length;
      for (let a = 0; a < axis; a++) into[a] = m[a]!;
      let flat = 0;
      for (let a = 0; a < r; a++) flat = flat * indicesShape[a]! + m[axis + a]!;
      into[axis] = indices[flat]!;
      for (let a = axis + 1; a < input.length; a++) into[a] = m[a - 1 + r]!;
    },
  },
  expand: {
    shape(node, input) {
      const { shape } = node.attributes;
      const fits = shape.length === input.length && input.every((d, a) => d === shape[a] || d === 1);
      if (!fits)
        throw new ShapeError(
          `${describeNode(node)} attribute "shape"`,
          `a shape of rank ${input.length} that ${showShape(input)} broadcasts to`,
          showShape(shape),
        );
      return [...shape];
    },
    source(_node, input, m, into) {
      for (let a = 0; a < m.length; a++) into[a] = input[a] === 1 ? 0 : m[a]!;
    },
  },
  tile: {
    shape(node, input) {
      const { repeats } = node.attributes;
      if (repeats.length !== input.length || !repeats.every((r) => Number.isInteger(r) && r >= 1))
        fail(node, `repeats must be ${input.length} integers ≥ 1, got [${repeats.join(', ')}]`);
      return input.map((d, a) => d * repeats[a]!);
    },
    source(_node, input, m, into) {
      for (let a = 0; a < m.length; a++) into[a] = m[a]! % input[a]!;
    },
  },
};

/** Source maps, computed once per node and input shape. */
const sources = new WeakMap<object, { key: string; map: Int32Array }>();

/** The source map of a node: input element (per sample, flat) of every output element. */
export function sourceMap<O extends RearrangeOp>(node: Node<O>, input: readonly number[]): Int32Array {
  const key = input.join(',');
  const cached = sources.get(node);
  if (cached?.key === key) return cached.map;
  const spec = SPECS[node.op] as RearrangeSpec<O>;
  const output = spec.shape(node, input);
  const map = new Int32Array(sizeOf(output));
  const inStrides = input.map((_, a) => sizeOf(input.slice(a + 1)));
  const m = new Array<number>(output.length).fill(0);
  const at = new Array<number>(input.length).fill(0);
  for (let k = 0; k < map.length; k++) {
    spec.source(node, input, m, at);
    let j = 0;
    for (let a = 0; a < at.length; a++) j += at[a]! * inStrides[a]!;
    map[k] = j;
    for (let a = output.length - 1; a >= 0; a--) {
      m[a] = m[a]! + 1;
      if (m[a]! < output[a]!) break;
      m[a] = 0;
    }
  }
  sources.set(node, { key, map });
  return map;
}

/** The definition of one rearranging operator. */
function rearrangeOp<O extends RearrangeOp>(op: O): OpDefinition<O> {
  const spec = SPECS[op] as RearrangeSpec<O>;
  return {
    op,
    connectivity: 'identity',
    lrp: 'routing',
    edges(node, shapes, emit) {
      const map = sourceMap(node, shapes.inputs[0]!);
      for (let k = 0; k < map.length; k++) emit(map[k]!, k, 1);
    },
    backward({ node, inputs, gradOutput, gradInputs }) {
      const gx = gradInputs[0];
      if (!gx) return;
      const map = sourceMap(node, inputs[0]!.shape.slice(1));
      const perIn = gx.length / inputs[0]!.shape[0]!;
      const perOut = map.length;
      for (let n = 0; n * perOut < gradOutput.length; n++)
        for (let k = 0; k < perOut; k++)
          gx[n * perIn + map[k]!] = gx[n * perIn + map[k]!]! + gradOutput[n * perOut + k]!;
    },
    inferShape(node, inputs) {
      expectInputCount(node, inputs, 1);
      expectAttributes(node);
      return spec.shape(node, inputs[0]!);
    },
    forward(node, inputs, out) {
      const a = inputs[0]!;
      const map = sourceMap(node, a.shape.slice(1));
      const perIn = sizeOf(a.shape.slice(1));
      const perOut = map.length;
      const z = out.data;
      for (let n = 0; n * perOut < z.length; n++)
        for (let k = 0; k < perOut; k++) z[n * perOut + k] = a.data[n * perIn + map[k]!]!;
    },
  };
}

/** Every rearranging operator's definition, keyed by its name. */
export const REARRANGE_DEFINITIONS: { readonly [O in RearrangeOp]: OpDefinition<O> } = {
  transpose: rearrangeOp('transpose'),
  slice: rearrangeOp('slice'),
  gather: rearrangeOp('gather'),
  expand: rearrangeOp('expand'),
  tile: rearrangeOp('tile'),
};

/**
 * ONNX Equal(A, B) and Where(condition, X, Y) of constants, folded at import: the shape
 * computations PyTorch writes for `expand(-1, …)` (Where(Equal(shape, -1), ones, shape)). Operands
 * broadcast as ONNX's multidirectional broadcasting says; Equal yields 0/1 integers. On an
 * activation neither is supported.
 *
 * Reference: ONNX operator docs for Equal, Where, Broadcasting.md.
 */
import { FormatError } from '../../../core/errors.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import { type Constant, type IntElement, intConstant } from '../values.js';
import { gatherConstant, stridesOf } from './strides.js';

/** The broadcast shape of several dims, or a `FormatError`. */
export function broadcastDims(node: OnnxNode, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let a = 0; a < rank; a++) {
    const sizes = shapes.map((s) => s[a - (rank - s.length)] ?? 1);
    const size = Math.max(...sizes);
    if (sizes.some((d) => d !== 1 && d !== size))
      throw new FormatError(
        'onnx',
        `${nodeLabel(node)}: shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(', ')} do not broadcast`,
      );
    out.push(size);
  }
  return out;
}

/** `c` broadcast to `dims`. */
export function broadcastConstant(node: OnnxNode, c: Constant, dims: readonly number[]): Constant {
  const offset = dims.length - c.dims.length;
  const strides = stridesOf(c.dims);
  return gatherConstant(
    c,
    dims,
    (m) => c.dims.reduce((f, d, a) => f + (d === 1 ? 0 : m[a + offset]!) * strides[a]!, 0),
    where(node),
  );
}

function constants(node: OnnxNode, ctx: ImportContext, count: number): Constant[] {
  return Array.from({ length: count }, (_, i) => {
    const v = ctx.input(node, i);
    if (v.kind === 'activation') throw ctx.unsupported(node, 'on an activation (only between constants)');
    return v;
  });
}

/** Equal of constants. */
export function equal(node: OnnxNode, ctx: ImportContext): void {
  const [a, b] = constants(node, ctx, 2) as [Constant, Constant];
  const dims = broadcastDims(node, [a.dims, b.dims]);
  const [x, y] = [broadcastConstant(node, a, dims), broadcastConstant(node, b, dims)];
  const data: IntElement[] = Array.from(x.data as ArrayLike<IntElement>, (v, i) => (v === y.data[i] ? 1 : 0));
  ctx.fold(node, intConstant(dims, data));
}

/** Where of constants. */
export function whereOp(node: OnnxNode, ctx: ImportContext): void {
  const [c, x, y] = constants(node, ctx, 3) as [Constant, Constant, Constant];
  if (x.kind !== y.kind)
    throw new FormatError('onnx', `${nodeLabel(node)}: X and Y of different types (${x.kind}, ${y.kind})`);
  const dims = broadcastDims(node, [c.dims, x.dims, y.dims]);
  const [cc, xx, yy] = [c, x, y].map((v) => broadcastConstant(node, v, dims)) as [
    Constant,
    Constant,
    Constant,
  ];
  const pick = (i: number) => (cc.data[i] !== 0 ? xx.data[i]! : yy.data[i]!);
  if (xx.kind === 'float') {
    const out = new Float32Array(xx.data.length);
    for (let i = 0; i < out.length; i++) out[i] = pick(i) as number;
    ctx.fold(node, { kind: 'float', dims, data: out });
    return;
  }
  ctx.fold(
    node,
    intConstant(
      dims,
      xx.data.map((_, i) => pick(i)),
    ),
  );
}

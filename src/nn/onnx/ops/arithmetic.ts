/**
 * ONNX Add, Sub, Mul, Div, by what their inputs are:
 * - Add of two activations → `add` (a residual connection);
 * - Add of an activation and a constant [out] (or [1, out]) right after a MatMul → that MatMul's
 *   bias (context.ts `mergeBias`), so MatMul + Add become one dense node;
 * - any of the four on two constants (shape arithmetic such as `size(1) * size(2)`) → folded,
 *   with equal shapes or a one-element operand broadcast. A symbolic multiple of the batch
 *   survives products by numbers, exact quotients and batch + 0; integer division truncates
 *   toward zero.
 * - Mul of two activations → `mul` (broadcast; AttnLRP's uniform rule);
 * - Mul or Div of an activation by a float constant → `scale` (by c or 1/c), Add or Sub of a float
 *   constant elsewhere → `shift` (by c or −c): a positional embedding, attention's 1/√d. The
 *   constant broadcasts to the activation per sample (a leading batch axis of size 1 is dropped).
 * Sub or Div with the activation second (c − x, c / x) and Sub/Div of two activations are not
 * supported.
 *
 * Reference: ONNX operator docs for Add, Sub, Mul, Div (multidirectional broadcasting).
 */
import { FormatError, UnsupportedError } from '../../../core/errors.js';
import { tensor } from '../../../core/tensor.js';
import { broadcastOverMovedBatch, sameBatch } from '../batch-layout.js';
import { type ImportContext, nodeLabel, type OnnxNode, where } from '../context.js';
import {
  type Activation,
  batchFirst,
  batchTimes,
  type Constant,
  floatConstant,
  type IntElement,
  intConstant,
  isSymbolic,
  onnxDims,
  type Value,
} from '../values.js';
import { paramOf } from './params.js';

type Arithmetic = 'Add' | 'Sub' | 'Mul' | 'Div';

const APPLY: Record<Arithmetic, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
};

/** Add. */
export function add(node: OnnxNode, ctx: ImportContext): void {
  const [a, b] = operands(node, ctx);
  if (a.kind === 'activation' && b.kind === 'activation') {
    ctx.emit(node, 'add', {}, {}, [a, b], '', a.batch);
    return;
  }
  if (a.kind !== 'activation' && b.kind !== 'activation') {
    ctx.fold(node, fold(node, 'Add', a, b));
    return;
  }
  const x = a.kind === 'activation' ? a : (b as Activation);
  const c = a.kind === 'activation' ? (b as Constant) : a;
  const size = x.shape[x.shape.length - 1] ?? 0;
  const isBias = c.kind === 'float' && c.data.length === size && c.dims.slice(0, -1).every((d) => d === 1);
  if (isBias && ctx.mergeBias(node, x, tensor([size], paramOf(node, c, 'bias').data))) return;
  withConstant(node, ctx, 'shift', x, c, (v) => v);
}

/** Sub: of constants, or of an activation minus a constant. */
export function sub(node: OnnxNode, ctx: ImportContext): void {
  const [a, b] = operands(node, ctx);
  if (a.kind !== 'activation' && b.kind !== 'activation') ctx.fold(node, fold(node, 'Sub', a, b));
  else if (a.kind === 'activation' && b.kind !== 'activation')
    withConstant(node, ctx, 'shift', a, b, (v) => -v);
  else throw ctx.unsupported(node, 'with an activation as the subtrahend (only activation − constant)');
}

/** Mul: of constants, of two activations, or of an activation by a constant. */
export function mul(node: OnnxNode, ctx: ImportContext): void {
  const [a, b] = operands(node, ctx);
  if (a.kind !== 'activation' && b.kind !== 'activation') ctx.fold(node, fold(node, 'Mul', a, b));
  else if (a.kind === 'activation' && b.kind === 'activation')
    ctx.emit(node, 'mul', {}, {}, [a, b], '', a.batch);
  else if (a.kind === 'activation') withConstant(node, ctx, 'scale', a, b as Constant, (v) => v);
  else withConstant(node, ctx, 'scale', b as Activation, a, (v) => v);
}

/** Div: of constants, or of an activation by a constant. */
export function div(node: OnnxNode, ctx: ImportContext): void {
  const [a, b] = operands(node, ctx);
  if (a.kind !== 'activation' && b.kind !== 'activation') ctx.fold(node, fold(node, 'Div', a, b));
  else if (a.kind === 'activation' && b.kind !== 'activation')
    withConstant(node, ctx, 'scale', a, b, (v) => 1 / v);
  else throw ctx.unsupported(node, 'with an activation as the divisor (only activation / constant)');
}

/** A `scale` or `shift` node applying the float constant `c` (mapped by `f`) to `x`. */
function withConstant(
  node: OnnxNode,
  ctx: ImportContext,
  op: 'scale' | 'shift',
  x: Activation,
  c: Constant,
  f: (v: number) => number,
): void {
  if (c.kind !== 'float')
    throw ctx.unsupported(node, `of an activation and an integer constant [${c.dims.join(', ')}]`);
  if (!c.data.every(Number.isFinite))
    throw ctx.unsupported(
      node,
      `with a constant [${c.dims.join(', ')}] holding ±∞ or NaN (an attention mask of −∞?); ` +
        'write the mask with a large finite negative value (−1e9), which gives the same softmax',
    );
  if (!batchFirst(x)) {
    // An attention mask [1, seq, seq] on the scores [batch·heads, seq, seq]: the constant is the
    // same for every sample when it has size 1 on the axis holding the batch.
    const dims = broadcastOverMovedBatch(x, c.dims);
    if (dims === undefined)
      throw ctx.unsupported(
        node,
        `with a constant [${c.dims.join(', ')}] on an activation [${onnxDims(x).join(', ')}] whose batch axis moved (only one of size 1 on the batch's axis)`,
      );
    ctx.emit(node, op, {}, { value: tensor(dims, Float32Array.from(c.data, f)) }, [x], '', x.batch);
    return;
  }
  const rank = x.shape.length + 1;
  if (c.dims.length > rank || (c.dims.length === rank && c.dims[0] !== 1))
    throw ctx.unsupported(
      node,
      `with a constant of shape [${c.dims.join(', ')}] that does not broadcast over the batch of [N, ${x.shape.join(', ')}]`,
    );
  const dims = c.dims.length === rank ? c.dims.slice(1) : [...c.dims];
  const value = new Float32Array(c.data.length);
  for (let i = 0; i < value.length; i++) value[i] = f(c.data[i] as number);
  ctx.emit(node, op, {}, { value: tensor(dims, value) }, [x], '', x.batch);
}

/**
 * The two operands; activations may hold a moved batch (batch-layout.ts), two activations must
 * hold it at the same place, so that the element-wise op is one per sample.
 */
function operands(node: OnnxNode, ctx: ImportContext): [Value, Value] {
  const [a, b] = [ctx.laidOut(node, 0), ctx.laidOut(node, 1)];
  if (a === undefined || b === undefined) return [ctx.input(node, 0), ctx.input(node, 1)];
  if (a.kind === 'activation' && b.kind === 'activation' && !sameBatch(a, b))
    throw ctx.unsupported(
      node,
      `of activations [${onnxDims(a).join(', ')}] and [${onnxDims(b).join(', ')}] holding the batch on different axes`,
    );
  return [a, b];
}

/** `a op b` element by element, a one-element operand broadcast. */
function fold(node: OnnxNode, op: Arithmetic, a: Constant, b: Constant): Constant {
  if (a.kind !== b.kind)
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: operands of different types (${a.kind} and ${b.kind})`,
    );
  const n = Math.max(a.data.length, b.data.length);
  const sameDims = a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);
  if (!sameDims && a.data.length !== 1 && b.data.length !== 1)
    throw new UnsupportedError(
      `${where(node)}: folding [${a.dims.join(', ')}] ${op} [${b.dims.join(', ')}] needs equal shapes or a ` +
        'one-element operand',
    );
  const longer =
    a.data.length > b.data.length || (a.data.length === b.data.length && a.dims.length >= b.dims.length);
  const dims = longer ? a.dims : b.dims;
  const at = (c: Constant, i: number) => c.data[c.data.length === 1 ? 0 : i]!;
  if (a.kind === 'float' || b.kind === 'float') {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = APPLY[op](at(a, i) as number, at(b, i) as number);
    return floatConstant(dims, out);
  }
  const out: IntElement[] = [];
  for (let i = 0; i < n; i++) out.push(intOp(node, op, at(a, i), at(b, i)));
  return intConstant(dims, out);
}

function intOp(node: OnnxNode, op: Arithmetic, x: IntElement, y: IntElement): IntElement {
  if (!isSymbolic(x) && !isSymbolic(y)) {
    if (op === 'Div' && y === 0)
      throw new FormatError('onnx', `${nodeLabel(node)}: integer division by zero`);
    return op === 'Div' ? Math.trunc(x / y) : APPLY[op](x, y);
  }
  // A multiple of the batch stays one (an exporter merging the batch with heads or tokens computes
  // batch·heads, seq·batch): a product by a number, or a quotient that divides its factor.
  if (isSymbolic(x) && !isSymbolic(y)) {
    if (op === 'Mul' && y > 0) return batchTimes(x.batchTimes * y);
    if (op === 'Div' && y > 0 && x.batchTimes % y === 0) return batchTimes(x.batchTimes / y);
    if ((op === 'Add' || op === 'Sub') && y === 0) return x;
  }
  if (!isSymbolic(x) && isSymbolic(y)) {
    if (op === 'Mul' && x > 0) return batchTimes(y.batchTimes * x);
    if (op === 'Add' && x === 0) return y;
  }
  throw new UnsupportedError(
    `${where(node)}: the shape computation ${x} ${op} ${y} depends on the batch size; provlrp keeps the batch ` +
      'symbolic, so only products and exact quotients of it by numbers (and batch + 0) fold',
  );
}

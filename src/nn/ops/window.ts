/**
 * Window arithmetic shared by convolution and pooling, one spatial axis at a time.
 *
 * Output i of an axis of length L reads the taps i·s − p_begin + t·d, t = 0 … k−1 (positions
 * outside [0, L) are padding). Its length is (ONNX Conv/MaxPool/AveragePool, PyTorch):
 *   out = ⌊(L + p_begin + p_end − d·(k−1) − 1)/s⌋ + 1,
 * With `ceilMode`, ⌈…⌉ + 1: one more window when the division is inexact (it overhangs the padded
 * input), kept only if it starts inside the input or the left padding, i.e. before L + p_begin.
 * This is PyTorch's rule, and ONNX's under PyTorch's constraint (pads ≤ kernel/2); with larger
 * end pads PyTorch's literal rule could drop a window that floor mode keeps, this one never does.
 *
 * Adaptive pooling (PyTorch `AdaptiveAvgPool2d`) uses window i = [⌊i·L/out⌋, ⌈(i+1)·L/out⌉).
 */
import { InvalidArgumentError, ShapeError } from '../../core/errors.js';
import type { Node, OpName, Pads2d, Pair } from '../graph.js';
import { describeNode, expectIntegers } from './checks.js';

/** One spatial axis of a windowed operator. */
export interface Axis {
  readonly kernel: number;
  readonly stride: number;
  readonly padBegin: number;
  readonly padEnd: number;
  readonly dilation: number;
}

/** The (height, width) axes of 2-D window attributes. */
export function axes2d(kernel: Pair, strides: Pair, pads: Pads2d, dilations: Pair): [Axis, Axis] {
  return [
    { kernel: kernel[0], stride: strides[0], padBegin: pads[0], padEnd: pads[2], dilation: dilations[0] },
    { kernel: kernel[1], stride: strides[1], padBegin: pads[1], padEnd: pads[3], dilation: dilations[1] },
  ];
}

/** The output length of an axis (may be ≤ 0 when the window does not fit; callers check). */
export function outputLength(length: number, axis: Axis, ceilMode: boolean): number {
  const span = length + axis.padBegin + axis.padEnd - axis.dilation * (axis.kernel - 1) - 1;
  // A negative span rounds toward −∞ (PyTorch's div_rtn): no window in floor mode, and in ceil
  // mode one when the kernel is at most s − 1 taps longer than the padded input.
  const floor = Math.floor(span / axis.stride) + 1;
  const extra = ceilMode && span % axis.stride !== 0 && floor * axis.stride < length + axis.padBegin;
  return extra ? floor + 1 : floor;
}

/** Whether output i's window has at least one tap inside [0, length). */
export function windowTouchesInput(i: number, length: number, axis: Axis): boolean {
  const start = i * axis.stride - axis.padBegin;
  for (let t = 0; t < axis.kernel; t++) {
    const p = start + t * axis.dilation;
    if (p >= 0 && p < length) return true;
  }
  return false;
}

/** Validates kernel (when the attributes hold one, as pooling's do), strides, pads and dilations. */
export function checkWindowAttributes(
  node: Node<OpName>,
  attributes: { kernel?: Pair; strides: Pair; pads: Pads2d; dilations: Pair },
): void {
  if ('kernel' in attributes) expectIntegers(node, 'kernel', attributes.kernel, 2, 1);
  expectIntegers(node, 'strides', attributes.strides, 2, 1);
  expectIntegers(node, 'pads', attributes.pads, 4, 0);
  expectIntegers(node, 'dilations', attributes.dilations, 2, 1);
}

/**
 * The output lengths of both spatial axes; a `ShapeError` when the (dilated) kernel is larger
 * than the padded input. With `needInputTap`, every window must also touch the input (a window of
 * padding only has no maximum, and no average without padded taps).
 */
export function windowOutputShape(
  node: Node<OpName>,
  input: readonly number[],
  spatial: readonly [Axis, Axis],
  ceilMode: boolean,
  needInputTap: boolean,
): [number, number] {
  const lengths = [input[1] ?? 0, input[2] ?? 0];
  const result: number[] = [];
  for (let a = 0; a < 2; a++) {
    const axis = spatial[a]!;
    const length = lengths[a]!;
    const out = outputLength(length, axis, ceilMode);
    if (out < 1)
      throw new ShapeError(
        `${describeNode(node)} input`,
        `a ${a === 0 ? 'height' : 'width'} of at least ${axis.dilation * (axis.kernel - 1) + 1 - axis.padBegin - axis.padEnd} ` +
          `for kernel ${axis.kernel}, dilation ${axis.dilation}, pads ${axis.padBegin}+${axis.padEnd}`,
        `[${input.join(', ')}]`,
      );
    if (needInputTap)
      for (let i = 0; i < out; i++)
        if (!windowTouchesInput(i, length, axis))
          throw new InvalidArgumentError(
            describeNode(node),
            `output ${i} along the ${a === 0 ? 'height' : 'width'} covers padding only; ` +
              'reduce the padding (at most the dilated kernel size minus one)',
          );
    result.push(out);
  }
  return [result[0]!, result[1]!];
}

/** PyTorch's adaptive window [start, end) of output i when pooling `length` into `out`. */
export function adaptiveWindow(i: number, length: number, out: number): [number, number] {
  return [Math.floor((i * length) / out), Math.ceil(((i + 1) * length) / out)];
}

/**
 * The range [lo, hi) of outputs whose tap `t` of an axis falls inside [0, length): output i reads
 * position i·s + (t·d − p_begin). Lets kernels run their inner loop without bounds tests.
 */
export function validOutputs(t: number, length: number, outLength: number, axis: Axis): [number, number] {
  const offset = t * axis.dilation - axis.padBegin;
  const lo = offset >= 0 ? 0 : Math.ceil(-offset / axis.stride);
  const hi = offset > length - 1 ? 0 : Math.floor((length - 1 - offset) / axis.stride) + 1;
  return [Math.min(lo, outLength), Math.max(Math.min(hi, outLength), Math.min(lo, outLength))];
}

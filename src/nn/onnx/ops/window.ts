/**
 * The window attributes ONNX's Conv, MaxPool and AveragePool share: `kernel_shape`, `strides`,
 * `pads` (begins then ends: top, left, bottom, right), `dilations` and `auto_pad`.
 *
 * `auto_pad` SAME_UPPER / SAME_LOWER pad so that out = ⌈in / stride⌉:
 *   total = max(0, (out − 1)·stride + (k − 1)·dilation + 1 − in),
 * the odd unit going to the end (SAME_UPPER) or to the beginning (SAME_LOWER); VALID pads nothing.
 *
 * Reference: ONNX operator docs for Conv, MaxPool, AveragePool (attribute `auto_pad`).
 */
import { FormatError, UnsupportedError } from '../../../core/errors.js';
import type { Pads2d, Pair } from '../../graph.js';
import { nodeLabel, type OnnxNode, where } from '../context.js';

/** Window sizes above this are refused: no real network uses them, and they would make checks slow. */
export const MAX_WINDOW_ATTRIBUTE = 4096;

/** Resolved 2-D window attributes. */
export interface Window {
  readonly kernel: Pair;
  readonly strides: Pair;
  readonly pads: Pads2d;
  readonly dilations: Pair;
}

/**
 * The node's window attributes for a per-sample input [C, H, W] and a kernel (from `kernel_shape`
 * or the conv weight).
 */
export function windowOf(node: OnnxNode, input: readonly number[], kernel: readonly number[]): Window {
  if (kernel.length !== 2 || input.length !== 3)
    throw new UnsupportedError(
      `${where(node)}: only 2-D windows on [N, C, H, W] inputs are supported, got kernel ` +
        `[${kernel.join(', ')}] on a per-sample input [${input.join(', ')}]`,
    );
  const strides = pairOf(node, 'strides', node.attrs.ints('strides', [1, 1]), 1);
  const dilations = pairOf(node, 'dilations', node.attrs.ints('dilations', [1, 1]), 1);
  const k = pairOf(node, 'kernel_shape', kernel, 1);
  const autoPad = node.attrs.string('auto_pad', 'NOTSET');
  const explicit = node.attrs.ints('pads', [0, 0, 0, 0]);
  if (autoPad === 'NOTSET') return { kernel: k, strides, dilations, pads: padsOf(node, explicit) };
  if (autoPad === 'VALID') return { kernel: k, strides, dilations, pads: [0, 0, 0, 0] };
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER')
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: auto_pad "${autoPad}" is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`,
    );
  const begins: number[] = [];
  const ends: number[] = [];
  for (let a = 0; a < 2; a++) {
    const length = input[a + 1]!;
    const out = Math.ceil(length / strides[a]!);
    const total = Math.max(0, (out - 1) * strides[a]! + (k[a]! - 1) * dilations[a]! + 1 - length);
    const small = Math.floor(total / 2);
    begins.push(autoPad === 'SAME_UPPER' ? small : total - small);
    ends.push(autoPad === 'SAME_UPPER' ? total - small : small);
  }
  return { kernel: k, strides, dilations, pads: [begins[0]!, begins[1]!, ends[0]!, ends[1]!] };
}

/** A two-element attribute of integers in [min, MAX_WINDOW_ATTRIBUTE]. */
function pairOf(node: OnnxNode, name: string, values: readonly number[], min: number): Pair {
  checkValues(node, name, values, 2, min);
  return [values[0]!, values[1]!];
}

function padsOf(node: OnnxNode, values: readonly number[]): Pads2d {
  checkValues(node, 'pads', values, 4, 0);
  return [values[0]!, values[1]!, values[2]!, values[3]!];
}

function checkValues(
  node: OnnxNode,
  name: string,
  values: readonly number[],
  length: number,
  min: number,
): void {
  if (values.length !== length || !values.every((v) => Number.isInteger(v) && v >= min))
    throw new FormatError(
      'onnx',
      `${nodeLabel(node)}: attribute ${name} must be ${length} integers ≥ ${min}, ` +
        `got [${values.join(', ')}]`,
    );
  if (values.some((v) => v > MAX_WINDOW_ATTRIBUTE))
    throw new UnsupportedError(
      `${where(node)}: attribute ${name} [${values.join(', ')}] exceeds ${MAX_WINDOW_ATTRIBUTE}; ` +
        'such windows are not supported',
    );
}

/**
 * The report's VGG-16 thresholds (PAPER.md), as annotations on |d| > θ with θ per layer:
 * - `report_boolean` and `report_counting`: the report's hand-picked tables, by conv index of
 *   torchvision's `features` (0 … 28) and the classifier (31, 34, 37 = classifier.0, .3, .6);
 * - `report_formula`: the report's fit θ_i = 0.005·(k_next² + 3 ln W_i) + 0.0066 + 0.0002·i, with
 *   k_next the kernel size of the next conv layer (7 after conv 28, whose successor is the
 *   classifier's first layer seen as a 7×7 convolution, then 1), W_i the spatial width of the
 *   layer's input and i the conv's ordinal 0–15. It is a fit and does NOT reproduce the tables.
 *
 * A layer the tables do not list is refused, except an average pool every window of which is a
 * single element and whose output has its input's shape: the identity (torchvision's
 * `AdaptiveAvgPool2d(7)` on the 7×7 map of a 224×224 image, exported as a 1×1 AveragePool; the
 * report's network had no such layer). Its edges get the constant 1 (⊤ in 𝔹, 1 in ℕ), as every
 * structural edge does (DESIGN.md §1b), so it passes relevance through unchanged; a threshold on
 * its d ≈ 1 would instead depend on ε.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { AnyNode, Model } from '../../nn/graph.js';
import { producerOf } from '../../nn/layers.js';
import { opOf } from '../../nn/ops/index.js';
import type { RawAnnotation } from './annotation.js';

/** The VGG-16 layers with thresholds, in order (conv index → provlrp layer name). */
export const VGG16_THRESHOLD_LAYERS = [
  'features.0',
  'features.2',
  'features.5',
  'features.7',
  'features.10',
  'features.12',
  'features.14',
  'features.17',
  'features.19',
  'features.21',
  'features.24',
  'features.26',
  'features.28',
  'classifier.0',
  'classifier.3',
  'classifier.6',
] as const;

/** The report's Boolean thresholds, in the order of `VGG16_THRESHOLD_LAYERS`. */
export const REPORT_BOOLEAN_THRESHOLDS = [
  0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.06, 0.06, 0.06, 0.1, 0.09, 0.025, 0.3, 0.043, 0.0145, 0.0145,
] as const;

/** The report's counting thresholds, in the same order. */
export const REPORT_COUNTING_THRESHOLDS = [
  0.01, 0.01, 0.015, 0.02, 0.02, 0.02, 0.03, 0.03, 0.03, 0.06, 0.05, 0.01, 0.3, 0.043, 0.0145, 0.0145,
] as const;

/** |d| > θ(layer) with θ from a table over the VGG-16 layers. */
function tableAnnotation(name: string, table: readonly number[], model: Model): RawAnnotation<number> {
  return {
    name,
    kind: 'indicator',
    prepare: (view) => thresholdOf(name, model, view.node, (i) => table[i]!),
    value: (d, _e, t) => Math.abs(d) > t,
  };
}

/** The report's Boolean table; needs the model to recognise an identity pool. */
export const reportBooleanAnnotation = (model: Model): RawAnnotation<number> =>
  tableAnnotation('report_boolean', REPORT_BOOLEAN_THRESHOLDS, model);

/** The report's counting table; needs the model to recognise an identity pool. */
export const reportCountingAnnotation = (model: Model): RawAnnotation<number> =>
  tableAnnotation('report_counting', REPORT_COUNTING_THRESHOLDS, model);

/** The kernel size of the layer after VGG-16 layer i (the classifier's first layer counts as 7×7). */
const K_NEXT = [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 7, 1, 1, 1] as const;

/** The report's fitted formula; needs the model for the input widths. */
export function reportFormulaAnnotation(model: Model): RawAnnotation<number> {
  return {
    name: 'report_formula',
    kind: 'indicator',
    prepare: (view) =>
      thresholdOf('report_formula', model, view.node, (i) => {
        const w = inputWidth(model, view.node);
        return 0.005 * (K_NEXT[i]! ** 2 + 3 * Math.log(w)) + 0.0066 + 0.0002 * i;
      }),
    value: (d, _e, t) => Math.abs(d) > t,
  };
}

/** The threshold of a layer: from the table, −∞ (every edge kept) for an identity pool. */
function thresholdOf(name: string, model: Model, node: AnyNode, at: (i: number) => number): number {
  const i = (VGG16_THRESHOLD_LAYERS as readonly string[]).indexOf(node.layer);
  if (i >= 0) return at(i);
  if (isIdentityPool(model, node)) return Number.NEGATIVE_INFINITY;
  throw new InvalidArgumentError(
    `annotation ${name}`,
    `it has thresholds for the VGG-16 layers ${VGG16_THRESHOLD_LAYERS.join(', ')} only, not "${node.layer}"; ` +
      'use threshold:T or per-layer thresholds for other models',
  );
}

/** Whether `node` is an average pool of single-element windows whose output has its input's shape. */
export function isIdentityPool(model: Model, node: AnyNode): boolean {
  const input = model.shapes.get(node.inputs[0]!);
  const output = model.shapes.get(node.output);
  const sameShape = input !== undefined && output !== undefined && input.join() === output.join();
  switch (node.op) {
    case 'avg_pool': {
      const { kernel, strides, pads } = node.attributes;
      return (
        sameShape &&
        kernel.every((k) => k === 1) &&
        strides.every((s) => s === 1) &&
        pads.every((p) => p === 0)
      );
    }
    // Adaptive and global pools have windows of one element exactly when the output keeps the input's shape.
    case 'adaptive_avg_pool':
    case 'global_avg_pool':
      return sameShape;
    default:
      return false;
  }
}

/** The spatial width of a layer's input: W of [C, H, W], through a flatten back to the last image. */
function inputWidth(model: Model, node: AnyNode): number {
  let tensor = node.inputs[0]!;
  for (;;) {
    const shape = model.shapes.get(tensor)!;
    if (shape.length === 3) return shape[2]!;
    const producer = producerOf(model, tensor);
    if (!producer || opOf(producer).lrp !== 'elementwise') return 1;
    tensor = producer.inputs[0]!;
  }
}

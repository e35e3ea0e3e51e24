/**
 * The relevance steps by LRP category, both views each (step.ts): the one place that knows how
 * relevance passes through an operator. An operator names its category in the operator table
 * (ops/op-definition.ts); this table is typed so that a category without a step fails to compile.
 */
import type { FloatArray, Tensor } from '../../../core/tensor.js';
import { elements, nodeShapes } from '../../connectivity/connectivity.js';
import type { Activations } from '../../forward.js';
import type { AnyNode, Model } from '../../graph.js';
import { type LrpCategory, opOf } from '../../ops/index.js';
import type { LinearStatistics } from '../linear-relevance.js';
import type { Rule } from '../rule.js';
import { explicitStep } from './explicit.js';
import { linearStep } from './linear.js';
import { residualStep } from './residual.js';
import { selectionStep } from './selection.js';
import type { NodeCoefficients, StepContext, StepRule } from './step.js';
import { elementwiseStep, routingStep } from './structural.js';

/** Every category's step. */
export const STEPS: { readonly [C in LrpCategory]: StepRule } = {
  linear: linearStep,
  residual: residualStep,
  selection: selectionStep,
  elementwise: elementwiseStep,
  routing: routingStep,
  explicit: explicitStep,
};

const contextOf = (
  model: Model,
  node: AnyNode,
  rule: Rule,
  inputs: readonly Tensor[],
  output: Tensor,
): StepContext => ({ model, node, rule, shapes: nodeShapes(model, node), inputs, output });

/**
 * The factored step: the relevance of each input of `node` under `rule`, given R at its output
 * (`linear`: a linear node's statistics where the caller keeps them).
 */
export function nodeRelevance(
  model: Model,
  node: AnyNode,
  rule: Rule,
  inputs: readonly Tensor[],
  output: Tensor,
  R: FloatArray,
  linear?: LinearStatistics,
): FloatArray[] {
  return STEPS[opOf(node).lrp].relevance(contextOf(model, node, rule, inputs, output), R, linear);
}

/** The per-edge step: the coefficients of `node` under `rule` for the batch of `activations`. */
export function nodeCoefficients(
  model: Model,
  node: AnyNode,
  rule: Rule,
  activations: Activations,
): NodeCoefficients {
  const context = contextOf(model, node, rule, activations.inputsOf(node), activations.outputOf(node));
  return {
    node,
    rule,
    inputSize: context.shapes.inputs.reduce((p, s) => p + elements(s), 0),
    outputSize: elements(context.shapes.output),
    output: context.output,
    ...STEPS[opOf(node).lrp].coefficients(context),
  };
}

export type { EdgeCoefficients, NodeCoefficients, StepContext, StepRule } from './step.js';

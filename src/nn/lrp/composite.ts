/**
 * Composites: which rule each layer of a model gets (zennit's `LayerMapComposite` and
 * `SpecialFirstLayerMapComposite`). A composite maps layer *categories* to rules, in order, with
 * an optional first-layer override: the first node (in topological order, which is PyTorch's
 * registration order for exported models) matched by the `first` map gets that rule instead.
 *
 * Every composite shares zennit's base map: residual sums and average pooling take the norm rule,
 * max-pooling its variant (`winner` by default), a BatchNorm left unmerged (a per-channel linear
 * layer) zennit's Pass (`layer_map_base`: `(BatchNorm, Pass())`), which on that diagonal layer is
 * the flat rule without stabiliser, d_kk = 1 (a composite's own entry for `isBatchNorm`, ε say,
 * overrides it), and every structural layer (activations, reshapes,
 * padding, concatenation, dropout) passes relevance unchanged. A
 * dense or conv layer that no entry maps is an error, never a silent guess.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { AnyNode, Model } from '../graph.js';
import type { MaxPoolRule, Rule } from './rule.js';
import { epsilon, norm } from './rules/epsilon.js';
import { flat } from './rules/flat.js';
import { maxPool, pass } from './rules/pass.js';

/** Selects nodes, e.g. by operator category. */
export type NodeSelector = (node: AnyNode) => boolean;

/** Dense layers (Linear, Gemm, MatMul). */
export const isDense: NodeSelector = (node) => node.op === 'dense';
/** Convolutions. */
export const isConv: NodeSelector = (node) => node.op === 'conv';
/** Dense or conv: zennit's `Linear` category (flat's first layer). */
export const isLinear: NodeSelector = (node) => node.op === 'dense' || node.op === 'conv';
/** BatchNorms left unmerged (a per-channel linear layer). */
export const isBatchNorm: NodeSelector = (node) => node.op === 'batch_norm';
/** Every average pooling. */
export const isAvgPool: NodeSelector = (node) =>
  node.op === 'avg_pool' ||
  node.op === 'global_avg_pool' ||
  node.op === 'adaptive_avg_pool' ||
  node.op === 'reduce_mean';
/** Residual sums. */
export const isAdd: NodeSelector = (node) => node.op === 'add';
/** The layers zennit's `Norm` rule treats: residual sums and average pooling. */
export const isNormLayer: NodeSelector = (node) => isAdd(node) || isAvgPool(node);
/** Max-pooling. */
export const isMaxPool: NodeSelector = (node) => node.op === 'max_pool';

/** A rule per node of a model. */
export interface Composite {
  readonly name: string;
  /** The rule of every node, by node name. */
  assign(model: Model): Map<string, Rule>;
}

/** A selector and its rule. */
export type RuleEntry = readonly [NodeSelector, Rule];

/** What a layer-map composite is made of. */
export interface LayerMapSpec {
  readonly name: string;
  /** Entries tried in order; the first whose selector matches gives the rule. */
  readonly rules: readonly RuleEntry[];
  /** The first node matched by any of these entries gets its rule instead. */
  readonly first?: readonly RuleEntry[];
  /** The max-pooling variant (default `winner`). */
  readonly maxPool?: MaxPoolRule['variant'];
}

/** A composite from a layer map. */
export function layerMap(spec: LayerMapSpec): Composite {
  return {
    name: spec.name,
    assign(model) {
      const base = baseRules(spec.maxPool);
      const rules = new Map<string, Rule>();
      let firstDone = false;
      for (const node of model.nodes) {
        let rule: Rule | undefined;
        if (!firstDone && spec.first) {
          rule = spec.first.find(([select]) => select(node))?.[1];
          if (rule) firstDone = true;
        }
        rule ??= spec.rules.find(([select]) => select(node))?.[1] ?? base(node);
        if (rule === undefined) throw unmapped(spec.name, node);
        rules.set(node.name, rule);
      }
      return rules;
    },
  };
}

/** The base map shared by every composite; `undefined` for dense and conv layers. */
export function baseRules(variant: MaxPoolRule['variant'] = 'winner'): (node: AnyNode) => Rule | undefined {
  const normRule = norm();
  const passRule = pass();
  const maxPoolRule = maxPool(variant);
  const epsilonRule = epsilon();
  // One tap per output and no stabiliser: d_kk = 1, relevance passes unchanged, as zennit's Pass.
  const batchNormRule = flat({ stabilizer: 0 });
  return (node) => {
    if (isLinear(node)) return undefined;
    if (isBatchNorm(node)) return batchNormRule;
    // LayerNorm and the matrix product take the ε rule's stabiliser (nn/lrp/steps/explicit.ts).
    if (node.op === 'layer_norm' || node.op === 'matmul') return epsilonRule;
    if (isNormLayer(node)) return normRule;
    if (isMaxPool(node)) return maxPoolRule;
    return passRule;
  };
}

/** The error for a dense or conv layer that a composite leaves without a rule. */
export function unmapped(composite: string, node: AnyNode): InvalidArgumentError {
  return new InvalidArgumentError(
    `composite ${composite}`,
    `layer "${node.layer}" (${node.op}, node "${node.name}") has no rule; map it by name, pattern or operator`,
  );
}

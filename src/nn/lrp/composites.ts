/**
 * The composites by name (zennit's `COMPOSITES`, plus the report's), and custom composites by
 * layer name, name pattern or operator.
 *
 * zennit's (epsilon 1e-6, γ 0.25, zᴮ bounds 0 and 1 unless given):
 * - `epsilon`: ε on every dense and conv layer, and on the Norm layers (average pooling, residual
 *   sums; 1e-6 in the others), so that ε = 0 is LRP-0 (DESIGN.md §1);
 * - `epsilon_plus`: z⁺ on conv, ε on dense; `epsilon_plus_flat`: and flat on the first dense-or-conv;
 * - `epsilon_gamma_box`: γ on conv, ε on dense, zᴮ on the first conv;
 * - `epsilon_alpha2_beta1`: α2β1 on conv, ε on dense; `epsilon_alpha2_beta1_flat`: and flat first.
 * The report's (PAPER.md), with its variants: plus stabiliser, classic γ, ε·RMS(z):
 * - `report_mlp`: zᴮ (bounds = the input range) on the first dense layer, γ = 0.1 on the middle
 *   ones, ε = 0.1·RMS(z) on the last;
 * - `report_vgg` (torchvision VGG-16 names): LRP-0 on features.0, γ = 0.25 on features.1–16,
 *   ε = 0.25·RMS(z) on features.17–30, LRP-0 on the classifier.
 * The report's γ and zᴮ take a tiny stabiliser, z + 1e-9; its LRP-0 none (a zero z passes nothing).
 */
import { DEFAULTS } from '../../core/defaults.js';
import { InvalidArgumentError, NotFoundError } from '../../core/errors.js';
import type { AnyNode, OpName } from '../graph.js';
import {
  baseRules,
  type Composite,
  isConv,
  isDense,
  isLinear,
  isNormLayer,
  layerMap,
  type NodeSelector,
  type RuleEntry,
  unmapped,
} from './composite.js';
import type { Bound, MaxPoolRule, Rule } from './rule.js';
import { alphaBeta } from './rules/alpha-beta.js';
import { epsilon, norm } from './rules/epsilon.js';
import { flat } from './rules/flat.js';
import { gamma } from './rules/gamma.js';
import { zBox } from './rules/z-box.js';
import { zPlus } from './rules/z-plus.js';

/** Options shared by the named composites. */
export interface CompositeOptions {
  readonly epsilon?: number;
  readonly gamma?: number;
  /** zᴮ's bounds (default 0 and 1, the range of provlrp's image inputs). */
  readonly low?: Bound;
  readonly high?: Bound;
  readonly maxPool?: MaxPoolRule['variant'];
}

/** A composite by name, from its options. */
export type CompositeFactory = (options?: CompositeOptions) => Composite;

const REPORT_TINY = 1e-9;

/** Every named composite. */
export const COMPOSITES = {
  epsilon: ({ epsilon: eps = 1e-6, maxPool } = {}) =>
    layerMap({
      name: 'epsilon',
      rules: [
        [isLinear, epsilon({ epsilon: eps })],
        [isNormLayer, norm(eps)],
      ],
      maxPool,
    }),
  epsilon_plus: ({ epsilon: eps = 1e-6, maxPool } = {}) =>
    layerMap({
      name: 'epsilon_plus',
      rules: [
        [isConv, zPlus()],
        [isDense, epsilon({ epsilon: eps })],
      ],
      maxPool,
    }),
  epsilon_plus_flat: ({ epsilon: eps = 1e-6, maxPool } = {}) =>
    layerMap({
      name: 'epsilon_plus_flat',
      rules: [
        [isConv, zPlus()],
        [isDense, epsilon({ epsilon: eps })],
      ],
      first: [[isLinear, flat()]],
      maxPool,
    }),
  epsilon_gamma_box: ({ epsilon: eps = 1e-6, gamma: g = 0.25, low = 0, high = 1, maxPool } = {}) =>
    layerMap({
      name: 'epsilon_gamma_box',
      rules: [
        [isConv, gamma({ gamma: g })],
        [isDense, epsilon({ epsilon: eps })],
      ],
      first: [[isConv, zBox({ low, high })]],
      maxPool,
    }),
  epsilon_alpha2_beta1: ({ epsilon: eps = 1e-6, maxPool } = {}) =>
    layerMap({
      name: 'epsilon_alpha2_beta1',
      rules: [
        [isConv, alphaBeta({ alpha: 2, beta: 1 })],
        [isDense, epsilon({ epsilon: eps })],
      ],
      maxPool,
    }),
  epsilon_alpha2_beta1_flat: ({ epsilon: eps = 1e-6, maxPool } = {}) =>
    layerMap({
      name: 'epsilon_alpha2_beta1_flat',
      rules: [
        [isConv, alphaBeta({ alpha: 2, beta: 1 })],
        [isDense, epsilon({ epsilon: eps })],
      ],
      first: [[isLinear, flat()]],
      maxPool,
    }),
  report_mlp: (options = {}) => reportMlp(options),
  report_vgg: (options = {}) => reportVgg(options),
} satisfies Record<string, CompositeFactory>;

/** A composite name. */
export type CompositeName = keyof typeof COMPOSITES;

/** The composite names, in their listed order. */
export const COMPOSITE_NAMES = Object.keys(COMPOSITES) as CompositeName[];

/** The default composite of real-valued LRP (zennit's usual choice). */
export const DEFAULT_COMPOSITE: CompositeName = DEFAULTS.composite.real;

/** A composite by name; a `NotFoundError` listing the names otherwise. */
export function compositeByName(name: string, options?: CompositeOptions): Composite {
  if (!Object.hasOwn(COMPOSITES, name)) throw new NotFoundError('composite', name, COMPOSITE_NAMES);
  return COMPOSITES[name as CompositeName](options);
}

function reportMlp({ low = 0, high = 1, maxPool }: CompositeOptions): Composite {
  const box = zBox({ low, high, stabilizer: REPORT_TINY, stabilizerVariant: 'plus' });
  const middle = gamma({
    gamma: 0.1,
    variant: 'classic',
    stabilizer: REPORT_TINY,
    stabilizerVariant: 'plus',
  });
  const last = epsilon({ epsilon: 0.1, scale: 'rms', stabilizer: 'plus' });
  return byPosition('report_mlp', isDense, (i, n) => (i === 0 ? box : i === n - 1 ? last : middle), maxPool);
}

function reportVgg({ maxPool }: CompositeOptions): Composite {
  const lrp0 = epsilon({ epsilon: 0, stabilizer: 'plus' });
  const g = gamma({ gamma: 0.25, variant: 'classic', stabilizer: REPORT_TINY, stabilizerVariant: 'plus' });
  const eps = epsilon({ epsilon: 0.25, scale: 'rms', stabilizer: 'plus' });
  const base = baseRules(maxPool);
  return {
    name: 'report_vgg',
    assign(model) {
      const rules = new Map<string, Rule>();
      for (const node of model.nodes) {
        let rule = base(node);
        if (rule === undefined) {
          const feature = /^features\.(\d+)$/.exec(node.layer);
          if (feature) {
            const i = Number(feature[1]);
            rule = i === 0 ? lrp0 : i <= 16 ? g : eps;
          } else if (node.layer.startsWith('classifier')) rule = lrp0;
          else
            throw new InvalidArgumentError(
              'composite report_vgg',
              `layer "${node.layer}" is not a torchvision VGG layer (features.<i> or classifier.<j>); ` +
                'use report_vgg on VGG-16 only, or a custom composite',
            );
        }
        rules.set(node.name, rule);
      }
      return rules;
    },
  };
}

/** A composite that gives the i-th of the n nodes matching `select` the rule `ruleAt(i, n)`. */
function byPosition(
  name: string,
  select: NodeSelector,
  ruleAt: (i: number, n: number) => Rule,
  maxPool?: MaxPoolRule['variant'],
): Composite {
  const base = baseRules(maxPool);
  return {
    name,
    assign(model) {
      const selected = model.nodes.filter(select);
      const rules = new Map<string, Rule>();
      for (const node of model.nodes) {
        const i = selected.indexOf(node);
        const rule = i >= 0 ? ruleAt(i, selected.length) : base(node);
        if (rule === undefined) throw unmapped(name, node);
        rules.set(node.name, rule);
      }
      return rules;
    },
  };
}

/** What a custom composite maps; earlier kinds win: name, then pattern, then operator, then `fallback`. */
export interface CustomCompositeSpec {
  readonly name?: string;
  /** Rules by exact layer name. */
  readonly layers?: Readonly<Record<string, Rule>>;
  /** Rules by layer-name pattern, tried in order. */
  readonly patterns?: readonly (readonly [RegExp, Rule])[];
  /** Rules by operator. */
  readonly ops?: Partial<Readonly<Record<OpName, Rule>>>;
  /** The composite that decides every other layer (default: only the base map). */
  readonly fallback?: Composite;
  readonly maxPool?: MaxPoolRule['variant'];
}

/** A composite by layer name, name pattern or operator type. */
export function customComposite(spec: CustomCompositeSpec): Composite {
  const name = spec.name ?? 'custom';
  const base = baseRules(spec.maxPool);
  const entries: RuleEntry[] = [
    ...Object.entries(spec.layers ?? {}).map(
      ([layer, rule]): RuleEntry => [(n: AnyNode) => n.layer === layer, rule],
    ),
    ...(spec.patterns ?? []).map(
      ([pattern, rule]): RuleEntry => [(n: AnyNode) => pattern.test(n.layer), rule],
    ),
    ...Object.entries(spec.ops ?? {}).map(
      ([op, rule]): RuleEntry => [(n: AnyNode) => n.op === op, rule as Rule],
    ),
  ];
  return {
    name,
    assign(model) {
      const fallback = spec.fallback?.assign(model);
      const rules = new Map<string, Rule>();
      for (const layer of Object.keys(spec.layers ?? {}))
        if (!model.nodes.some((n) => n.layer === layer))
          throw new NotFoundError('layer', layer, [...new Set(model.nodes.map((n) => n.layer))]);
      for (const node of model.nodes) {
        const rule = entries.find(([select]) => select(node))?.[1] ?? fallback?.get(node.name) ?? base(node);
        if (rule === undefined) throw unmapped(name, node);
        rules.set(node.name, rule);
      }
      return rules;
    },
  };
}

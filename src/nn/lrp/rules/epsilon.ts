/**
 * LRP-ε (Bach et al., 2015; zennit `Epsilon`): d_jk = a_j w_jk / stab(z_k), with the bias inside
 * z_k, so relevance absorbed by biases is lost. ε = 0 is LRP-0.
 * Options: `epsilon` (default 1e-6), `stabilizer` `zennit` (default) or `plus` (the report's),
 * `scale` `fixed` (default) or `rms` (ε·RMS(z), the report's ε = 0.1·RMS(z)).
 */
import { identityParam } from '../modifiers.js';
import { basicRule, group, type LinearRule, term } from '../rule.js';
import { stabilizer as makeStabilizer, type Stabilizer } from '../stabilizer.js';

/** Options of `epsilon`. */
export interface EpsilonOptions {
  readonly epsilon?: number;
  readonly stabilizer?: Stabilizer['variant'];
  readonly scale?: Stabilizer['scale'];
}

/** The LRP-ε rule. */
export function epsilon({
  epsilon: eps = 1e-6,
  stabilizer = 'zennit',
  scale = 'fixed',
}: EpsilonOptions = {}): LinearRule {
  const name = `epsilon(${eps}${scale === 'rms' ? '·rms' : ''}${stabilizer === 'plus' ? ',plus' : ''})`;
  return basicRule(name, {
    groups: [group([term('identity', identityParam, identityParam)])],
    stabilizer: makeStabilizer(name, eps, stabilizer, scale),
  });
}

/**
 * zennit's `Norm` (average pooling, residual sums): LRP-ε with the layer unchanged, ε = 1e-6 as in
 * every zennit composite; the `epsilon` composite gives it its own ε, so that ε = 0 is LRP-0 on
 * these layers too.
 */
export const norm = (eps = 1e-6): LinearRule => ({
  ...epsilon({ epsilon: eps }),
  name: eps === 1e-6 ? 'norm' : `norm(${eps})`,
});

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError } from '../../../src/core/errors.js';
import { conv2d, flatten, linear, maxPool2d, relu, sequential } from '../../../src/nn/builder/index.js';
import type { Model } from '../../../src/nn/graph.js';
import {
  COMPOSITE_NAMES,
  compositeByName,
  customComposite,
  epsilon,
  flat,
  gamma,
  lrp,
  maxPool,
  zBox,
  zPlus,
} from '../../../src/nn/lrp/index.js';
import { mlp } from '../../../src/nn/zoo/index.js';

const ruleNames = (model: Model, rules: Map<string, { name: string }>) =>
  Object.fromEntries(model.nodes.map((n) => [n.layer, rules.get(n.name)!.name]));

function smallCnn(): Model {
  return sequential(
    [1, 8, 8],
    [
      conv2d(1, 2, 3, { padding: 1 }),
      relu(),
      maxPool2d(2),
      conv2d(2, 3, 3, { padding: 1 }),
      relu(),
      flatten(),
      linear(48, 4),
    ],
    { seed: 3 },
  );
}

describe('named composites', () => {
  it('are the zennit composites and the report composites', () => {
    expect(COMPOSITE_NAMES).toEqual([
      'epsilon',
      'epsilon_plus',
      'epsilon_plus_flat',
      'epsilon_gamma_box',
      'epsilon_alpha2_beta1',
      'epsilon_alpha2_beta1_flat',
      'report_mlp',
      'report_vgg',
    ]);
    expect(() => compositeByName('nope')).toThrow(NotFoundError);
  });

  it('give the first layer its own rule where zennit does', () => {
    const model = smallCnn();
    expect(ruleNames(model, compositeByName('epsilon_plus_flat').assign(model))).toEqual({
      0: 'flat',
      1: 'pass',
      2: 'max_pool(winner)',
      3: 'zplus',
      4: 'pass',
      5: 'pass',
      6: 'epsilon(0.000001)',
    });
    const box = ruleNames(model, compositeByName('epsilon_gamma_box').assign(model));
    expect([box[0], box[3], box[6]]).toEqual(['zbox(0,1)', 'gamma(0.25)', 'epsilon(0.000001)']);
    // With no conv, the box composite's first-layer rule never applies (zennit behaves the same).
    const dense = mlp({ widths: [5, 3], inputShape: [4] });
    expect(Object.values(ruleNames(dense, compositeByName('epsilon_gamma_box').assign(dense)))).not.toContain(
      'zbox(0,1)',
    );
  });

  it('report_mlp: zᴮ first, classic γ = 0.1 in the middle, ε = 0.1·RMS last, with the plus stabiliser', () => {
    const model = mlp();
    const rules = compositeByName('report_mlp').assign(model);
    const dense = model.nodes.filter((n) => n.op === 'dense').map((n) => rules.get(n.name)!);
    expect(dense.map((r) => r.name)).toEqual(['zbox(0,1)', 'gamma(0.1,classic)', 'epsilon(0.1·rms,plus)']);
    for (const r of dense) expect(r.kind === 'linear' && r.stabilizer.variant).toBe('plus');
  });

  it('report_vgg follows torchvision layer indices and refuses other models', () => {
    const names = [
      'features.0',
      'features.1',
      'features.2',
      'features.3',
      'features.4',
      'features.5',
      'features.6',
    ];
    const model = sequential(
      [1, 8, 8],
      [
        conv2d(1, 2, 3, { padding: 1 }),
        relu(),
        conv2d(2, 2, 3, { padding: 1 }),
        relu(),
        maxPool2d(2),
        flatten(),
        linear(32, 3),
      ],
      { names, seed: 1 },
    );
    const renamed = sequential(
      [1, 8, 8],
      [
        conv2d(1, 2, 3, { padding: 1 }),
        relu(),
        conv2d(2, 2, 3, { padding: 1 }),
        relu(),
        maxPool2d(2),
        flatten(),
        linear(32, 3),
      ],
      { names: [...names.slice(0, 6), 'classifier.0'], seed: 1 },
    );
    const rules = ruleNames(renamed, compositeByName('report_vgg').assign(renamed));
    expect([rules['features.0'], rules['features.2'], rules['classifier.0']]).toEqual([
      'epsilon(0,plus)',
      'gamma(0.25,classic)',
      'epsilon(0,plus)',
    ]);
    expect(() => compositeByName('report_vgg').assign(model)).not.toThrow();
    expect(() => compositeByName('report_vgg').assign(mlp())).toThrow(/not a torchvision VGG layer/);
  });
});

describe('custom composites', () => {
  it('choose by layer name, then pattern, then operator, then the fallback', () => {
    const model = smallCnn();
    const composite = customComposite({
      layers: { 3: gamma({ gamma: 0.5 }) },
      patterns: [[/^[03]$/, zBox({ low: -1, high: 1 })]],
      ops: { dense: flat(), conv: zPlus() },
      fallback: compositeByName('epsilon'),
    });
    const rules = ruleNames(model, composite.assign(model));
    expect([rules[0], rules[3], rules[6], rules[2]]).toEqual([
      'zbox(-1,1)',
      'gamma(0.5)',
      'flat',
      'max_pool(winner)',
    ]);
  });

  it('refuse an unknown layer name and a dense or conv layer left without a rule', () => {
    const model = smallCnn();
    expect(() => customComposite({ layers: { nope: flat() } }).assign(model)).toThrow(
      /layer "nope" not found/,
    );
    expect(() => customComposite({ ops: { conv: zPlus() } }).assign(model)).toThrow(InvalidArgumentError);
    expect(() => customComposite({ ops: { conv: zPlus() } }).assign(model)).toThrow(
      /layer "6" \(dense.*no rule/,
    );
  });

  it('refuse a rule that does not fit its layer', () => {
    const model = smallCnn();
    const wrong = customComposite({ ops: { conv: maxPool('winner'), dense: epsilon() } });
    const x = { shape: [1, 1, 8, 8], data: new Float32Array(64).fill(0.5) };
    expect(() => lrp(model, x, { composite: wrong })).toThrow(/rule max_pool\(winner\) does not apply/);
  });
});

describe('output relevance and targets', () => {
  const model = smallCnn();
  const x = { shape: [2, 1, 8, 8], data: Float64Array.from({ length: 128 }, (_, i) => Math.sin(i) ** 2) };

  it('seeds with the logit as one-hot times the logit (relevance is linear in the seed)', () => {
    const onehot = lrp(model, x, { composite: 'epsilon', dtype: 'float64', target: 2 });
    const logit = lrp(model, x, {
      composite: 'epsilon',
      dtype: 'float64',
      target: 2,
      outputRelevance: 'logit',
    });
    const logits = lrp(model, x, {
      composite: 'epsilon',
      dtype: 'float64',
      target: 2,
      layer: '6',
      outputRelevance: 'logit',
    });
    for (let n = 0; n < 2; n++) {
      const z = logits.data[n * 4 + 2]!;
      for (let i = 0; i < 64; i++)
        expect(logit.data[n * 64 + i]).toBeCloseTo(onehot.data[n * 64 + i]! * z, 12);
    }
  });

  it('checks targets', () => {
    expect(() => lrp(model, x, { target: 4 })).toThrow(/target must be a class index in \[0, 3\]/);
    expect(() => lrp(model, x, { target: 1, targets: [0, 1] })).toThrow(/either target or targets/);
    expect(() => lrp(model, x, { targets: [0] })).toThrow(/1 entries for a batch of 2/);
  });
});

describe('max-pooling variants', () => {
  const model = sequential([1, 4, 4], [maxPool2d(2), flatten()], {});
  const x = {
    shape: [1, 1, 4, 4],
    data: Float64Array.from([1, 3, 0, 0, 2, 2, 0, 0, 5, 1, 4, 4, 1, 1, 4, 4]),
  };
  const seed = { shape: [1, 4], data: Float64Array.from([1, 2, 3, 4]) };
  const explain = (variant: 'winner' | 'proportional' | 'average') => [
    ...lrp(model, x, { composite: customComposite({ maxPool: variant }), dtype: 'float64', seed }).data,
  ];

  it('winner: all to the first maximum of each window (ties: the first in row-major order)', () => {
    expect(explain('winner')).toEqual([0, 1, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0]);
  });

  it('proportional: a_j · R / Σ_window a, and an all-zero window passes nothing', () => {
    const R = explain('proportional');
    const expected = [1 / 8, 3 / 8, 0, 0, 2 / 8, 2 / 8, 0, 0, (3 * 5) / 8, 3 / 8, 1, 1, 3 / 8, 3 / 8, 1, 1];
    for (const [i, r] of R.entries()) expect(r).toBeCloseTo(expected[i]!, 5);
    expect(R.slice(2, 4).concat(R.slice(6, 8))).toEqual([0, 0, 0, 0]);
  });

  it('average: the norm rule on average pooling, which splits like proportional here', () => {
    const average = explain('average');
    const proportional = explain('proportional');
    for (const [i, r] of average.entries()) expect(r).toBeCloseTo(proportional[i]!, 5);
  });
});

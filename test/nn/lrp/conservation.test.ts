import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { forward } from '../../../src/nn/forward.js';
import type { AnyNode, Model } from '../../../src/nn/graph.js';
import { layerNames } from '../../../src/nn/layers.js';
import {
  argmaxPerSample,
  compositeByName,
  customComposite,
  epsilon,
  lrp,
} from '../../../src/nn/lrp/index.js';
import { createModel } from '../../../src/nn/model.js';

/** Builds bias-free nodes with random weights, chaining tensors t0 → t1 → … */
class NetBuilder {
  readonly nodes: AnyNode[] = [];
  private count = 0;
  constructor(private readonly rng: Rng) {}

  private node(op: string, inputs: string[], attributes: object, params: object = {}): string {
    const output = `t${++this.count}`;
    const name = `${op}${this.count}`;
    this.nodes.push({ op, name, layer: name, inputs, output, attributes, params } as AnyNode);
    return output;
  }
  dense(x: string, nIn: number, nOut: number): string {
    return this.node(
      'dense',
      [x],
      {},
      {
        weight: { shape: [nOut, nIn], data: this.rng.uniformArray(nOut * nIn, -1, 1) },
        bias: { shape: [nOut], data: new Float32Array(nOut) },
      },
    );
  }
  conv(
    x: string,
    cin: number,
    cout: number,
    k: number,
    stride: number,
    pad: number,
    dilation: number,
  ): string {
    return this.node(
      'conv',
      [x],
      { strides: [stride, stride], pads: [pad, pad, pad, pad], dilations: [dilation, dilation], group: 1 },
      {
        weight: { shape: [cout, cin, k, k], data: this.rng.uniformArray(cout * cin * k * k, -1, 1) },
        bias: { shape: [cout], data: new Float32Array(cout) },
      },
    );
  }
  relu(x: string): string {
    return this.node('relu', [x], {});
  }
  maxPool(x: string): string {
    return this.node('max_pool', [x], {
      kernel: [2, 2],
      strides: [2, 2],
      pads: [0, 0, 0, 0],
      dilations: [1, 1],
      ceilMode: false,
    });
  }
  avgPool(x: string, countIncludePad: boolean): string {
    return this.node('avg_pool', [x], {
      kernel: [3, 3],
      strides: [1, 1],
      pads: [1, 1, 1, 1],
      dilations: [1, 1],
      ceilMode: false,
      countIncludePad,
    });
  }
  add(a: string, b: string): string {
    return this.node('add', [a, b], {});
  }
  globalAvgPool(x: string): string {
    return this.node('global_avg_pool', [x], {});
  }
  flatten(x: string): string {
    return this.node('flatten', [x], {});
  }
}

const arbNet = fc.record({
  kind: fc.constantFrom('dense', 'conv', 'residual'),
  seed: fc.integer({ min: 0, max: 1 << 30 }),
  stride: fc.integer({ min: 1, max: 2 }),
  pad: fc.integer({ min: 0, max: 1 }),
  dilation: fc.integer({ min: 1, max: 2 }),
  countIncludePad: fc.boolean(),
});

function randomNet(spec: typeof arbNet extends fc.Arbitrary<infer T> ? T : never): Model {
  const b = new NetBuilder(new Rng(spec.seed));
  if (spec.kind === 'dense') {
    const out = b.dense(b.relu(b.dense(b.relu(b.dense('t0', 6, 5)), 5, 4)), 4, 3);
    return createModel({ input: 't0', inputShape: [6], output: out, nodes: b.nodes });
  }
  const c1 = b.relu(b.conv('t0', 2, 3, 3, spec.stride, spec.pad, spec.dilation));
  if (spec.kind === 'conv') {
    const p = b.avgPool(b.relu(b.conv(b.maxPool(c1), 3, 4, 2, 1, 1, 1)), spec.countIncludePad);
    const f = b.flatten(p);
    const size = (side: number) =>
      Math.floor((side + 2 * spec.pad - spec.dilation * 2 - 1) / spec.stride) + 1;
    const s = Math.floor(size(12) / 2) + 1;
    return createModel({
      input: 't0',
      inputShape: [2, 12, 12],
      output: b.dense(f, 4 * s * s, 3),
      nodes: b.nodes,
    });
  }
  const branch = b.relu(b.conv(c1, 3, 3, 3, 1, 1, 1));
  const pooled = b.flatten(b.globalAvgPool(b.add(c1, branch)));
  return createModel({ input: 't0', inputShape: [2, 12, 12], output: b.dense(pooled, 3, 3), nodes: b.nodes });
}

/**
 * The layers whose output is a cut of the graph: no later node reads a tensor from before it, so
 * all relevance crosses it (inside a residual branch, relevance is split with the skip path).
 */
function cutLayers(model: Model): string[] {
  const producedAt = new Map<string, number>([[model.input, -1]]);
  for (const [i, node] of model.nodes.entries()) producedAt.set(node.output, i);
  return layerNames(model).filter((layer) => {
    const i = model.nodes.findLastIndex((node) => node.layer === layer);
    return model.nodes.slice(i + 1).every((node) => node.inputs.every((t) => producedAt.get(t)! >= i));
  });
}

const lrp0 = epsilon({ epsilon: 0 });
const LRP_0 = customComposite({
  name: 'lrp0',
  ops: { dense: lrp0, conv: lrp0, avg_pool: lrp0, global_avg_pool: lrp0, add: lrp0 },
});

describe('LRP-0 conservation', () => {
  it('finds the cuts of a residual net', () => {
    const model = randomNet({
      kind: 'residual',
      seed: 1,
      stride: 1,
      pad: 0,
      dilation: 1,
      countIncludePad: false,
    });
    expect(cutLayers(model)).toEqual(['conv1', 'relu2', 'add5', 'global_avg_pool6', 'flatten7', 'dense8']);
  });

  it('conserves relevance layer by layer on bias-free nets without BatchNorm (float64)', () => {
    fc.assert(
      fc.property(arbNet, (spec) => {
        const model = randomNet(spec);
        const rng = new Rng(spec.seed + 7);
        const shape = [2, ...model.shapes.get(model.input)!];
        const x = {
          shape,
          data: Float64Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.uniform(-1, 1)),
        };
        // Conservation needs every z that carries relevance to be non-zero; in a bias-free ReLU net
        // a zero z only carries relevance at the target logit (when every unit below it is off).
        const logits = forward(model, x).output;
        fc.pre([...argmaxPerSample(logits)].every((t, n) => logits.data[n * 3 + t] !== 0));
        for (const layer of [undefined, ...cutLayers(model)]) {
          const R = lrp(model, x, { composite: LRP_0, dtype: 'float64', ...(layer ? { layer } : {}) });
          const per = R.data.length / 2;
          for (let n = 0; n < 2; n++) {
            let total = 0;
            let magnitude = 0;
            for (let i = n * per; i < (n + 1) * per; i++) {
              total += R.data[i]!;
              magnitude += Math.abs(R.data[i]!);
            }
            expect(Math.abs(total - 1), `layer ${layer ?? 'input'}`).toBeLessThanOrEqual(
              1e-9 * Math.max(1, magnitude),
            );
          }
        }
      }),
      { seed: 0xc05e, numRuns: 40 },
    );
  });

  it('is the epsilon composite with ε = 0: its ε reaches the average pools and residual sums', () => {
    fc.assert(
      fc.property(arbNet, (spec) => {
        const model = randomNet(spec);
        const rng = new Rng(spec.seed + 11);
        const shape = [2, ...model.shapes.get(model.input)!];
        const x = {
          shape,
          data: Float64Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.uniform(-1, 1)),
        };
        const named = lrp(model, x, { composite: 'epsilon', epsilon: 0, dtype: 'float64' });
        expect(named.data).toEqual(lrp(model, x, { composite: LRP_0, dtype: 'float64' }).data);
      }),
      { seed: 0xe0, numRuns: 20 },
    );
  });

  it('keeps zennit’s Norm (ε = 1e-6) on the pools and sums of every other composite', () => {
    const model = randomNet({
      kind: 'residual',
      seed: 1,
      stride: 1,
      pad: 0,
      dilation: 1,
      countIncludePad: false,
    });
    const norms = model.nodes.filter((n) => n.op === 'add' || n.op === 'global_avg_pool');
    expect(norms.length).toBeGreaterThanOrEqual(2);
    for (const name of ['epsilon_plus', 'epsilon_plus_flat', 'epsilon_gamma_box'] as const) {
      const rules = compositeByName(name, { epsilon: 0 }).assign(model);
      for (const node of norms) expect(rules.get(node.name)!.name, `${name} ${node.op}`).toBe('norm');
    }
    const epsilonRules = compositeByName('epsilon', { epsilon: 0 }).assign(model);
    for (const node of norms) expect(epsilonRules.get(node.name)!.name).toBe('norm(0)');
  });

  it('drops the share of an output whose z is exactly 0, with no NaN', () => {
    const node = {
      op: 'dense',
      name: 'fc',
      layer: 'fc',
      inputs: ['x'],
      output: 'z',
      attributes: {},
      params: {
        weight: { shape: [2, 3], data: Float32Array.from([0.5, -1, 2, 0, 0, 0]) },
        bias: { shape: [2], data: new Float32Array(2) },
      },
    } as AnyNode;
    const model = createModel({ input: 'x', inputShape: [3], output: 'z', nodes: [node] });
    const x = { shape: [1, 3], data: Float64Array.from([1, 2, 3]) };
    const both = lrp(model, x, {
      composite: LRP_0,
      dtype: 'float64',
      seed: { shape: [1, 2], data: Float64Array.from([1, 1]) },
    });
    expect(both.data.every(Number.isFinite)).toBe(true);
    // z₀ = 0.5 − 2 + 6 = 4.5 carries its relevance; z₁ = 0 passes none.
    expect([...both.data]).toEqual([0.5 / 4.5, -2 / 4.5, 6 / 4.5]);
    const onlyZero = lrp(model, x, { composite: LRP_0, dtype: 'float64', target: 1 });
    expect([...onlyZero.data]).toEqual([0, 0, 0]);
  });
});

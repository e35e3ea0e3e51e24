/**
 * Small random networks for property tests: dense, conv (stride, padding, dilation, groups),
 * pooling (max and average, with padding), residual sums and concatenation, built node by node
 * with seeded weights.
 */
import fc from 'fast-check';
import { Rng } from '../../src/core/rng.js';
import type { AnyNode, Model } from '../../src/nn/graph.js';
import { createModel } from '../../src/nn/model.js';

/** Builds nodes with random weights, naming tensors t1, t2, … from the input t0. */
export class NetBuilder {
  readonly nodes: AnyNode[] = [];
  private count = 0;
  constructor(
    private readonly rng: Rng,
    private readonly withBias = true,
  ) {}

  private node(
    op: string,
    inputs: string[],
    attributes: object,
    params: object = {},
    layer?: string,
  ): string {
    const output = `t${++this.count}`;
    const name = `${op}${this.count}`;
    this.nodes.push({ op, name, layer: layer ?? name, inputs, output, attributes, params } as AnyNode);
    return output;
  }
  private bias(n: number): Float32Array {
    return this.withBias ? this.rng.uniformArray(n, -0.3, 0.3) : new Float32Array(n);
  }
  dense(x: string, nIn: number, nOut: number): string {
    return this.node(
      'dense',
      [x],
      {},
      {
        weight: { shape: [nOut, nIn], data: this.rng.uniformArray(nOut * nIn, -1, 1) },
        bias: { shape: [nOut], data: this.bias(nOut) },
      },
    );
  }
  conv(
    x: string,
    cin: number,
    cout: number,
    k: number,
    o: { stride?: number; pad?: number; dilation?: number; group?: number } = {},
  ): string {
    const { stride = 1, pad = 0, dilation = 1, group = 1 } = o;
    return this.node(
      'conv',
      [x],
      { strides: [stride, stride], pads: [pad, pad, pad, pad], dilations: [dilation, dilation], group },
      {
        weight: {
          shape: [cout, cin / group, k, k],
          data: this.rng.uniformArray((cout * cin * k * k) / group, -1, 1),
        },
        bias: { shape: [cout], data: this.bias(cout) },
      },
    );
  }
  relu(x: string): string {
    return this.node('relu', [x], {});
  }
  maxPool(x: string, k = 2, stride = 2, pad = 0): string {
    return this.node('max_pool', [x], {
      kernel: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
      dilations: [1, 1],
      ceilMode: false,
    });
  }
  avgPool(
    x: string,
    k: number,
    stride: number,
    pad: number,
    countIncludePad: boolean,
    layer?: string,
  ): string {
    return this.node(
      'avg_pool',
      [x],
      {
        kernel: [k, k],
        strides: [stride, stride],
        pads: [pad, pad, pad, pad],
        dilations: [1, 1],
        ceilMode: false,
        countIncludePad,
      },
      {},
      layer,
    );
  }
  pad(x: string, pads: number[], layer?: string): string {
    return this.node('pad', [x], { pads, value: 0 }, {}, layer);
  }
  add(a: string, b: string): string {
    return this.node('add', [a, b], {});
  }
  concat(a: string, b: string, axis = 0): string {
    return this.node('concat', [a, b], { axis });
  }
  globalAvgPool(x: string): string {
    return this.node('global_avg_pool', [x], {});
  }
  flatten(x: string): string {
    return this.node('flatten', [x], {});
  }
}

/** The kinds of random net. */
export type NetKind = 'dense' | 'conv' | 'residual' | 'padded_pool';

/** A random net's recipe. */
export interface NetSpec {
  readonly kind: NetKind;
  readonly seed: number;
  readonly stride: number;
  readonly pad: number;
  readonly dilation: number;
  readonly countIncludePad: boolean;
}

/** Random recipes; `kinds` restricts the architectures. */
export const arbNetSpec = (
  kinds: readonly NetKind[] = ['dense', 'conv', 'residual', 'padded_pool'],
): fc.Arbitrary<NetSpec> =>
  fc.record({
    kind: fc.constantFrom(...kinds),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    countIncludePad: fc.boolean(),
  });

/** A tiny net (few paths: brute-force enumeration stays cheap) from a recipe. */
export function tinyNet(spec: NetSpec): Model {
  const b = new NetBuilder(new Rng(spec.seed));
  switch (spec.kind) {
    case 'dense': {
      const out = b.dense(b.relu(b.dense(b.relu(b.dense('t0', 3, 3)), 3, 3)), 3, 2);
      return createModel({ input: 't0', inputShape: [3], output: out, nodes: b.nodes });
    }
    case 'conv': {
      // [1, 5, 5] → conv 2×2 (stride, pad, dilation) → relu → max pool 2 → dense 2
      const c = b.relu(
        b.conv('t0', 1, 2, 2, { stride: spec.stride, pad: spec.pad, dilation: spec.dilation }),
      );
      const side = Math.floor((5 + 2 * spec.pad - spec.dilation - 1) / spec.stride) + 1;
      const pooled = Math.floor(side / 2);
      const f = b.flatten(pooled >= 1 ? b.maxPool(c) : c);
      const n = 2 * (pooled >= 1 ? pooled * pooled : side * side);
      return createModel({ input: 't0', inputShape: [1, 5, 5], output: b.dense(f, n, 2), nodes: b.nodes });
    }
    case 'residual': {
      // [2, 3, 3] → grouped conv → relu → (conv + skip) → global pool → dense 2
      const c1 = b.relu(b.conv('t0', 2, 2, 3, { pad: 1, group: 2 }));
      const sum = b.add(c1, b.conv(c1, 2, 2, 1));
      const f = b.flatten(b.globalAvgPool(b.relu(sum)));
      return createModel({ input: 't0', inputShape: [2, 3, 3], output: b.dense(f, 2, 2), nodes: b.nodes });
    }
    case 'padded_pool': {
      // [1, 4, 4] → pad + average pool in one layer (as PyTorch exports AvgPool2d with padding)
      // → concat with a conv branch → flatten → dense 2
      const padded = b.pad('t0', [0, 1, 1, 0, 1, 1], 'pool');
      const pool = b.avgPool(padded, 3, 2, 0, spec.countIncludePad, 'pool');
      const conv = b.conv('t0', 1, 1, 2, { stride: 2, dilation: 1 });
      const both = b.flatten(b.concat(pool, b.relu(conv)));
      return createModel({ input: 't0', inputShape: [1, 4, 4], output: b.dense(both, 8, 2), nodes: b.nodes });
    }
  }
}

/** A random batch for a model. */
export function randomBatch(
  model: Model,
  batch: number,
  seed: number,
  low = -1,
  high = 1,
): { shape: number[]; data: Float64Array } {
  const rng = new Rng(seed);
  const shape = [batch, ...model.shapes.get(model.input)!];
  return {
    shape,
    data: Float64Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.uniform(low, high)),
  };
}

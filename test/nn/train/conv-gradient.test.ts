import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { conv2d, flatten, linear, relu, sequential } from '../../../src/nn/builder/index.js';
import type { Model, Node } from '../../../src/nn/graph.js';
import { convWeightGradient } from '../../../src/nn/train/index.js';
import { expectGradientsMatch, randomCase } from './finite-differences.js';

/** A convolution's hyper-parameters, as `conv2d` takes them. */
const arbConv = fc.record({
  kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  padding: fc.tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 2 }))),
  dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  groups: fc.integer({ min: 1, max: 2 }),
  perGroupOut: fc.integer({ min: 1, max: 3 }),
});

type ConvSpec = typeof arbConv extends fc.Arbitrary<infer S> ? S : never;

/** input [g·c, h, w] → conv → relu → conv (1 or 2 wide, grouped) → flatten → linear → 3 classes. */
function convNet(
  first: ConvSpec,
  inPerGroup: number,
  size: [number, number],
  seed: number,
): Model | undefined {
  const inChannels = first.groups * inPerGroup;
  const hidden = first.groups * first.perGroupOut;
  try {
    const probe = sequential([inChannels, ...size], [conv2d(inChannels, hidden, first.kernel, first)]);
    const [, oh = 0, ow = 0] = probe.shapes.get(probe.output)!;
    const second = conv2d(hidden, 2 * first.groups, [Math.min(2, oh), Math.min(2, ow)], {
      groups: first.groups,
      padding: [0, 1, 1, 0],
    });
    const layers = [conv2d(inChannels, hidden, first.kernel, first), relu(), second, flatten()];
    const features = sequential([inChannels, ...size], layers);
    const width = features.shapes.get(features.output)![0]!;
    return sequential([inChannels, ...size], [...layers, linear(width, 3)], { seed });
  } catch {
    return undefined; // a window larger than the padded input: not a convolution
  }
}

/** ∂W[o, c, u, v] = Σ_{n,y,x} ∂z[n, o, y, x]·a[n, c, y·sh − pt + u·dh, x·sw − pl + v·dw], naively. */
function weightGradientRef(node: Node<'conv'>, a: Float32Array, inShape: number[], gz: Float32Array) {
  const [batch, channels, height, width] = inShape as [number, number, number, number];
  const [nOut, perGroup, kh, kw] = node.params.weight.shape as [number, number, number, number];
  const { strides: s, pads: p, dilations: d, group } = node.attributes;
  const oh = Math.floor((height + p[0] + p[2] - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const ow = Math.floor((width + p[1] + p[3] - d[1] * (kw - 1) - 1) / s[1]) + 1;
  const gw = new Float64Array(nOut * perGroup * kh * kw);
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < nOut; o++)
      for (let c = 0; c < perGroup; c++)
        for (let u = 0; u < kh; u++)
          for (let v = 0; v < kw; v++)
            for (let y = 0; y < oh; y++)
              for (let x = 0; x < ow; x++) {
                const iy = y * s[0] - p[0] + u * d[0];
                const ix = x * s[1] - p[1] + v * d[1];
                if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                const channel = Math.floor(o / (nOut / group)) * perGroup + c;
                gw[((o * perGroup + c) * kh + u) * kw + v]! +=
                  gz[((n * nOut + o) * oh + y) * ow + x]! *
                  a[((n * channels + channel) * height + iy) * width + ix]!;
              }
  return { gw, outShape: [batch, nOut, oh, ow] };
}

describe('the conv backward pass', () => {
  it('matches central finite differences for groups, strides, asymmetric padding and dilation', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        arbConv,
        fc.integer({ min: 1, max: 2 }),
        fc.tuple(fc.integer({ min: 4, max: 7 }), fc.integer({ min: 4, max: 7 })),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(1000),
        fc.nat(1000),
        (first, inPerGroup, size, batch, seed, dataSeed) => {
          const model = convNet(first, inPerGroup, size, seed);
          fc.pre(model !== undefined);
          checked += expectGradientsMatch(randomCase(model!, batch, dataSeed)).checked;
        },
      ),
      { seed: 0xc0417, numRuns: 100 },
    );
    expect(checked).toBeGreaterThan(2000);
  });

  it('computes the weight gradient as the plain six-fold loop does, across tiles and channel blocks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), // groups
        fc.integer({ min: 1, max: 6 }), // output channels per group (blocks of 4 and a remainder)
        fc.integer({ min: 1, max: 3 }), // input channels per group
        fc.tuple(fc.integer({ min: 9, max: 20 }), fc.integer({ min: 9, max: 20 })),
        arbConv,
        fc.nat(1000),
        (groups, outs, ins, [height, width], window, seed) => {
          const rng = new Rng(seed);
          const layer = conv2d(groups * ins, groups * outs, window.kernel, { ...window, groups });
          const model = sequential([groups * ins, height, width], [layer], { seed });
          const node = model.nodes[0] as Node<'conv'>;
          const outShape = [2, ...model.shapes.get(model.output)!];
          const inShape = [2, groups * ins, height, width];
          const a = rng.uniformArray(
            inShape.reduce((p, d) => p * d, 1),
            -1,
            1,
          );
          const gz = rng.uniformArray(
            outShape.reduce((p, d) => p * d, 1),
            -1,
            1,
          );
          const gw = new Float32Array(node.params.weight.data.length).fill(0.5);
          convWeightGradient(node, a, inShape, outShape, gz, gw);
          const reference = weightGradientRef(node, a, inShape, gz);
          expect(reference.outShape).toEqual(outShape);
          const scale = reference.gw.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          for (let i = 0; i < gw.length; i++)
            expect(Math.abs(gw[i]! - 0.5 - reference.gw[i]!), `∂W[${i}]`).toBeLessThanOrEqual(1e-6 * scale);
        },
      ),
      { seed: 0x7e57, numRuns: 60 },
    );
  });
});

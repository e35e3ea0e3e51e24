/**
 * The semiring layer kernels (src/kernels/semiring-linear.ts) against plain loops over the edge
 * enumerators of src/nn/connectivity (one edge at a time, the evaluator's own order): dense with
 * rows, conv with stride, padding, dilation and groups, whole batches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import {
  type LinearShape,
  linearSizes,
  maxAbsForward,
  maxTimesAdjoint,
  thresholdAdjoint,
} from '../../src/kernels/semiring-linear.js';
import { forEachConvTap } from '../../src/nn/connectivity/conv.js';
import type { Node } from '../../src/nn/graph.js';

interface Case {
  readonly shape: LinearShape;
  readonly weights: number;
  /** Every edge (j, k, weight index) of one sample. */
  edges(emit: (j: number, k: number, w: number) => void): void;
}

const arbCase: fc.Arbitrary<Case> = fc.oneof(
  fc
    .record({
      rows: fc.integer({ min: 1, max: 3 }),
      nIn: fc.integer({ min: 1, max: 9 }),
      nOut: fc.integer({ min: 1, max: 7 }),
    })
    .map(({ rows, nIn, nOut }) => ({
      shape: { kind: 'dense', rows, nIn, nOut } as const,
      weights: nOut * nIn,
      edges: (emit: (j: number, k: number, w: number) => void) => {
        for (let r = 0; r < rows; r++)
          for (let k = 0; k < nOut; k++)
            for (let j = 0; j < nIn; j++) emit(r * nIn + j, r * nOut + k, k * nIn + j);
      },
    })),
  fc
    .record({
      groups: fc.constantFrom(1, 2),
      perGroup: fc.integer({ min: 1, max: 2 }),
      outPerGroup: fc.integer({ min: 1, max: 2 }),
      height: fc.integer({ min: 3, max: 7 }),
      width: fc.integer({ min: 3, max: 7 }),
      kh: fc.integer({ min: 1, max: 3 }),
      kw: fc.integer({ min: 1, max: 3 }),
      stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })),
      pad: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1 })),
      dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    })
    .filter(
      (p) =>
        p.height + 2 * p.pad[0] > p.dilation[0] * (p.kh - 1) &&
        p.width + 2 * p.pad[1] > p.dilation[1] * (p.kw - 1),
    )
    .map((p) => {
      const channels = p.groups * p.perGroup;
      const outChannels = p.groups * p.outPerGroup;
      const outHeight =
        Math.floor((p.height + 2 * p.pad[0] - p.dilation[0] * (p.kh - 1) - 1) / p.stride[0]) + 1;
      const outWidth =
        Math.floor((p.width + 2 * p.pad[1] - p.dilation[1] * (p.kw - 1) - 1) / p.stride[1]) + 1;
      const node = {
        op: 'conv',
        attributes: {
          strides: p.stride,
          pads: [p.pad[0], p.pad[1], p.pad[0], p.pad[1]],
          dilations: p.dilation,
          group: p.groups,
        },
        params: { weight: { shape: [outChannels, p.perGroup, p.kh, p.kw] } },
      } as unknown as Node<'conv'>;
      const shapes = { inputs: [[channels, p.height, p.width]], output: [outChannels, outHeight, outWidth] };
      return {
        shape: {
          kind: 'conv',
          channels,
          height: p.height,
          width: p.width,
          outChannels,
          outHeight,
          outWidth,
          kh: p.kh,
          kw: p.kw,
          strideY: p.stride[0],
          strideX: p.stride[1],
          padY: p.pad[0],
          padX: p.pad[1],
          dilationY: p.dilation[0],
          dilationX: p.dilation[1],
          groups: p.groups,
        } as const,
        weights: outChannels * p.perGroup * p.kh * p.kw,
        edges: (emit: (j: number, k: number, w: number) => void) => forEachConvTap(node, shapes, emit),
      };
    }),
);

/** Random values with exact zeros mixed in (skipped rows and columns must stay right). */
const values = (rng: Rng, n: number, low: number): Float64Array =>
  Float64Array.from({ length: n }, () => (rng.uniform(0, 1) < 0.25 ? 0 : rng.uniform(low, 1)));

describe('the semiring layer kernels', () => {
  it('equal plain per-edge loops: column maxima, max-times adjoint and the fused threshold test', () => {
    fc.assert(
      fc.property(
        arbCase,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1 << 30 }),
        fc.boolean(),
        (c, batch, seed, ones) => {
          const rng = new Rng(seed);
          const [perIn, perOut] = linearSizes(c.shape);
          const x = values(rng, batch * perIn, -1);
          const w = values(rng, c.weights, -1);
          const R = values(rng, batch * perOut, 0);
          const factor = values(rng, batch * perOut, -2);
          const live = Uint8Array.from(R, (r) => (r > 0 ? 1 : 0));
          const input = ones ? null : x;
          const xAt = (i: number) => (input === null ? 1 : input[i]!);

          const m = new Float64Array(batch * perOut);
          maxAbsForward(c.shape, batch, input, w, live, m);
          const mPlain = new Float64Array(batch * perOut);
          const out = new Float64Array(batch * perIn);
          maxTimesAdjoint(c.shape, batch, w, R, out, input);
          const outPlain = new Float64Array(batch * perIn);
          const tau = rng.uniform(-0.2, 0.3);
          const or = new Float64Array(batch * perIn);
          const count = new Float64Array(batch * perIn);
          const pass = { input, weight: w, sign: -1, factor, tau, absolute: false };
          thresholdAdjoint(c.shape, batch, { ...pass, count: false }, R, or);
          thresholdAdjoint(c.shape, batch, { ...pass, count: true }, R, count);
          const orPlain = new Float64Array(batch * perIn);
          const countPlain = new Float64Array(batch * perIn);
          let edges = 0;
          for (let n = 0; n < batch; n++)
            c.edges((j, k, wi) => {
              edges++;
              const J = n * perIn + j;
              const K = n * perOut + k;
              mPlain[K] = Math.max(mPlain[K]!, Math.abs(xAt(J) * w[wi]!));
              // Dense layers leave the rows of zero inputs alone (the caller multiplies by them).
              if (input === null || input[J] !== 0 || c.shape.kind === 'conv')
                outPlain[J] = Math.max(outPlain[J]!, Math.abs(w[wi]!) * R[K]!);
              if (R[K] !== 0 && factor[K]! * (-1 * xAt(J) * w[wi]!) >= tau) {
                orPlain[J] = 1;
                countPlain[J] = countPlain[J]! + R[K]!;
              }
            });
          expect(edges).toBeGreaterThan(0);
          // Dense layers compute the maxima of live columns only; convolutions all of them.
          for (let k = 0; k < m.length; k++)
            expect(m[k]).toBe(c.shape.kind === 'dense' && live[k] === 0 ? 0 : mPlain[k]);
          expect(Array.from(out)).toEqual(Array.from(outPlain));
          expect(Array.from(or)).toEqual(Array.from(orPlain));
          for (let j = 0; j < count.length; j++) expect(count[j]).toBeCloseTo(countPlain[j]!, 12);
        },
      ),
      { seed: 0x5e41, numRuns: 300 },
    );
  });
});

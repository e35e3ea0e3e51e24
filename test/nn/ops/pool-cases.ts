/**
 * Random 2-D pooling cases for property tests: kernel, strides, asymmetric pads, dilations,
 * ceil mode, and an input at least as large as the dilated kernel minus the padding.
 */
import fc from 'fast-check';

const pad = fc.integer({ min: 0, max: 2 });

export const poolCase = fc
  .record({
    channels: fc.integer({ min: 1, max: 3 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilations: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    pads: fc.tuple(pad, pad, pad, pad),
    ceilMode: fc.boolean(),
    countIncludePad: fc.boolean(),
    extra: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })),
    batch: fc.integer({ min: 1, max: 2 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((c) => {
    const extent = (a: 0 | 1) => c.dilations[a] * (c.kernel[a] - 1) + 1;
    // Padding is kept below the dilated kernel extent so that no window covers padding only.
    const pads = c.pads.map((p, i) => Math.min(p, extent((i % 2) as 0 | 1) - 1)) as [
      number,
      number,
      number,
      number,
    ];
    const height = Math.max(1, extent(0) - pads[0] - pads[2] + c.extra[0]);
    const width = Math.max(1, extent(1) - pads[1] - pads[3] + c.extra[1]);
    return { ...c, pads, height, width };
  });

export type PoolCase = typeof poolCase extends fc.Arbitrary<infer T> ? T : never;

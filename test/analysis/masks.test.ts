import { beforeAll, describe, expect, it } from 'vitest';
import { combineMasks, MASK_COUNTS, type MasksData, masksExperiment } from '../../src/analysis/index.js';

describe('analysis/masks (quick run on the shipped MLP)', () => {
  let data: MasksData;
  let png: Uint8Array;
  let svg: string;
  beforeAll(async () => {
    const result = await masksExperiment({ quick: true });
    ({ data } = result);
    ({ png, svg } = result.figure);
  }, 60_000);

  it('has a group for every class and for all classes, at every count', () => {
    expect(Object.keys(data.groups)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'all']);
    for (const [key, byCount] of Object.entries(data.groups))
      for (const n of MASK_COUNTS.quick)
        expect(byCount[String(n)]!.sizes.images).toBe(key === 'all' ? 10 * n : n);
  });

  it('keeps every AND mask inside its OR mask, and min ≤ mean ≤ max pixel by pixel', () => {
    for (const byCount of Object.values(data.groups))
      for (const { masks, sizes } of Object.values(byCount)) {
        expect(masks.and.every((a, p) => a <= masks.or[p]!)).toBe(true);
        expect(masks.min.every((lo, p) => lo <= masks.mean[p]! + 1e-9)).toBe(true);
        expect(masks.mean.every((m, p) => m <= masks.max[p]! + 1e-9)).toBe(true);
        expect(sizes.and).toBeLessThanOrEqual(sizes.or);
        expect(sizes.or).toBeGreaterThan(0);
      }
  });

  it('agrees with the homomorphism ℕ > 0 ⇔ 𝔹: min > 0 exactly on AND, max > 0 exactly on OR', () => {
    for (const byCount of Object.values(data.groups))
      for (const { masks } of Object.values(byCount)) {
        expect(masks.min.map((v) => (v > 0 ? 1 : 0))).toEqual(masks.and);
        expect(masks.max.map((v) => (v > 0 ? 1 : 0))).toEqual(masks.or);
      }
  });

  it('shrinks AND and grows OR as more images are combined', () => {
    const [few, many] = MASK_COUNTS.quick.map(String) as [string, string];
    for (const byCount of Object.values(data.groups)) {
      expect(byCount[many]!.sizes.and).toBeLessThanOrEqual(byCount[few]!.sizes.and);
      expect(byCount[many]!.sizes.or).toBeGreaterThanOrEqual(byCount[few]!.sizes.or);
    }
  });

  it('draws the figure as SVG and PNG', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  });
});

describe('combineMasks', () => {
  it('combines two maps with AND, OR, min, mean and max', () => {
    const b = Float64Array.from([1, 0, 1, 1, 1, 0]);
    const c = Float64Array.from([2, 0, 4, 6, 1, 0]);
    expect(combineMasks(b, c, [0, 1], 3)).toEqual({
      and: [1, 0, 0],
      or: [1, 1, 1],
      min: [2, 0, 0],
      mean: [4, 0.5, 2],
      max: [6, 1, 4],
    });
  });
});

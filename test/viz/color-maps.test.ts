import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError } from '../../src/core/errors.js';
import {
  binary,
  COLOR_MAP_NAMES,
  COLOR_MAPS,
  colorMapByName,
  parseHexColor,
  piecewiseLinear,
  toHexColor,
} from '../../src/viz/index.js';

const SEED = 0xc0105;

/** Each map's documented colours at the positions the module header lists. */
const DOCUMENTED: Record<string, [number, string][]> = {
  bwr: [
    [0, '#0000ff'],
    [0.5, '#ffffff'],
    [1, '#ff0000'],
  ],
  seismic: [
    [0, '#00004d'],
    [0.25, '#0000ff'],
    [0.5, '#ffffff'],
    [0.75, '#ff0000'],
    [1, '#800000'],
  ],
  coldnhot: [
    [0, '#00ffff'],
    [0.25, '#0000ff'],
    [0.5, '#000000'],
    [2 / 3, '#ff0000'],
    [5 / 6, '#ffff00'],
    [1, '#ffffff'],
  ],
  gray: [
    [0, '#000000'],
    [0.5, '#808080'],
    [1, '#ffffff'],
  ],
  wred: [
    [0, '#ffffff'],
    [1, '#ff0000'],
  ],
  hot: [
    [0, '#000000'],
    [1 / 3, '#ff0000'],
    [2 / 3, '#ffff00'],
    [1, '#ffffff'],
  ],
  boolean: [
    [0, '#ffffff'],
    [0.49, '#ffffff'],
    [0.5, '#d00000'],
    [1, '#d00000'],
  ],
};

describe('colour maps', () => {
  it('registers exactly the documented maps under their snake_case names', () => {
    expect(COLOR_MAP_NAMES).toEqual(Object.keys(DOCUMENTED));
    for (const name of COLOR_MAP_NAMES) expect(COLOR_MAPS[name].name).toBe(name);
  });

  for (const [name, points] of Object.entries(DOCUMENTED))
    it(`${name} hits its documented end points and stops`, () => {
      const map = colorMapByName(name);
      for (const [t, hex] of points) expect(toHexColor(map.rgb(t)), `t = ${t}`).toBe(hex);
    });

  it('diverging maps put zero relevance (t = 1/2) exactly at their centre colour', () => {
    expect(COLOR_MAPS.bwr.kind).toBe('diverging');
    expect(COLOR_MAPS.bwr.rgb(0.5)).toEqual([255, 255, 255]);
    expect(COLOR_MAPS.seismic.rgb(0.5)).toEqual([255, 255, 255]);
    expect(COLOR_MAPS.coldnhot.rgb(0.5)).toEqual([0, 0, 0]);
  });

  it('diverging maps are blue-dominated below the centre and red-dominated above it', () => {
    // coldnhot turns white (R = B) above 5/6, so strict dominance is checked up to there.
    for (const [map, top] of [
      [COLOR_MAPS.bwr, 1],
      [COLOR_MAPS.seismic, 1],
      [COLOR_MAPS.coldnhot, 5 / 6],
    ] as const)
      fc.assert(
        fc.property(fc.double({ min: 0, max: 0.49, noNaN: true }), (d) => {
          const below = map.rgb(d);
          expect(below[2]).toBeGreaterThan(below[0]);
          const above = map.rgb(0.5 + ((top - 0.5) * (0.5 - d)) / 0.5);
          expect(above[0]).toBeGreaterThan(above[2]);
          expect(map.rgb(1 - d)[0]).toBeGreaterThanOrEqual(map.rgb(1 - d)[2]);
        }),
        { seed: SEED },
      );
  });

  it('interpolates linearly between stops, rounding each channel', () => {
    expect(COLOR_MAPS.bwr.rgb(0.25)).toEqual([128, 128, 255]);
    expect(COLOR_MAPS.bwr.rgb(0.75)).toEqual([255, 128, 128]);
    expect(COLOR_MAPS.hot.rgb(0.5)).toEqual([255, 128, 0]);
  });

  it('clips positions outside [0, 1] to the nearest end', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COLOR_MAP_NAMES), fc.double({ min: 1, noNaN: true }), (name, over) => {
        const map = COLOR_MAPS[name];
        expect(map.rgb(over)).toEqual(map.rgb(1));
        expect(map.rgb(-over)).toEqual(map.rgb(0));
      }),
      { seed: SEED },
    );
  });

  it('always returns integer bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COLOR_MAP_NAMES),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (name, t) => {
          for (const c of COLOR_MAPS[name].rgb(t)) {
            expect(Number.isInteger(c)).toBe(true);
            expect(c).toBeGreaterThanOrEqual(0);
            expect(c).toBeLessThanOrEqual(255);
          }
        },
      ),
      { seed: SEED },
    );
  });

  it('refuse a NaN position with a typed error', () => {
    expect(() => COLOR_MAPS.bwr.rgb(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => COLOR_MAPS.boolean.rgb(Number.NaN)).toThrow(/NaN/);
  });

  it('reports an unknown name with the known ones', () => {
    expect(() => colorMapByName('viridis')).toThrow(NotFoundError);
    expect(() => colorMapByName('viridis')).toThrow(/colour map "viridis".*bwr, seismic, coldnhot/);
  });

  it('refuse stops that do not span [0, 1] or do not increase', () => {
    expect(() => piecewiseLinear('x', 'sequential', [{ at: 0, color: '#000000' }])).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      piecewiseLinear('x', 'sequential', [
        { at: 0, color: '#000000' },
        { at: 0.9, color: '#ffffff' },
      ]),
    ).toThrow(/start at 0 and end at 1/);
    expect(() =>
      piecewiseLinear('x', 'sequential', [
        { at: 0, color: '#000000' },
        { at: 0.5, color: '#000000' },
        { at: 0.5, color: '#ffffff' },
        { at: 1, color: '#ffffff' },
      ]),
    ).toThrow(/increase strictly/);
    expect(() => binary('x', 'white', '#ff0000')).toThrow(/#rrggbb/);
  });

  it('read and write #rrggbb colours', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)), (rgb) => {
        expect(parseHexColor(toHexColor(rgb))).toEqual(rgb);
      }),
      { seed: SEED },
    );
  });
});

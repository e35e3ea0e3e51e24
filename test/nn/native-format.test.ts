import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import {
  avgPool2d,
  batchNorm,
  conv2d,
  flatten,
  linear,
  maxPool2d,
  relu,
  sequential,
} from '../../src/nn/builder/index.js';
import { forward } from '../../src/nn/forward.js';
import type { Model } from '../../src/nn/graph.js';
import { decodeModel, encodeModel } from '../../src/nn/native-format.js';

const arbModel = fc
  .record({
    seed: fc.nat(),
    channels: fc.integer({ min: 1, max: 3 }),
    hidden: fc.integer({ min: 1, max: 6 }),
  })
  .map(
    ({ seed, channels, hidden }): Model =>
      sequential(
        [1, 6, 6],
        [
          conv2d(1, channels, 3, { padding: 1, stride: 1 }),
          batchNorm(channels, { mean: new Rng(seed).uniformArray(channels, -1, 1), epsilon: 1e-3 }),
          relu(),
          maxPool2d(2),
          avgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }),
          flatten(),
          linear(channels * 9, hidden),
          relu(),
          linear(hidden, 3),
        ],
        { seed },
      ),
  );

const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('the native model format', () => {
  it('round-trips models exactly: structure, attributes and every parameter bit', () => {
    fc.assert(
      fc.property(arbModel, (model) => {
        const loaded = decodeModel(encodeModel(model));
        expect(loaded.input).toBe(model.input);
        expect(loaded.output).toBe(model.output);
        expect([...loaded.shapes]).toEqual([...model.shapes]);
        expect(loaded.nodes.length).toBe(model.nodes.length);
        loaded.nodes.forEach((node, i) => {
          const original = model.nodes[i]!;
          expect({ ...node, params: undefined }).toEqual({ ...original, params: undefined });
          const params = node.params as Record<string, { shape: number[]; data: Float32Array }>;
          const expected = original.params as Record<string, { shape: number[]; data: Float32Array }>;
          expect(Object.keys(params)).toEqual(Object.keys(expected));
          for (const key of Object.keys(expected)) {
            expect(params[key]!.data).toBeInstanceOf(Float32Array);
            expect(params[key]!.shape).toEqual(expected[key]!.shape);
            expect(bytesOf(params[key]!.data)).toEqual(bytesOf(expected[key]!.data));
          }
        });
        const x = { shape: [2, 1, 6, 6], data: new Float32Array(72).map((_, i) => Math.cos(i)) };
        expect(forward(loaded, x).output.data).toEqual(forward(model, x).output.data);
      }),
      { seed: 0x6e47, numRuns: 25 },
    );
  });

  it('refuses random bytes and every truncation with a FormatError', () => {
    const bytes = encodeModel(sequential([4], [linear(4, 3), relu(), linear(3, 2)], { seed: 1 }));
    for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 300)))
      expect(() => decodeModel(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(FormatError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (random) => {
        expect(() => decodeModel(random)).toThrow(FormatError);
      }),
      { seed: 0xbad, numRuns: 200 },
    );
  });

  it('names what is wrong in a well-formed but inconsistent document', () => {
    const packr = new Packr({ moreTypes: true, useRecords: false });
    const good = packr.unpack(encodeModel(sequential([4], [linear(4, 2)], { seed: 1 })));
    const variants: [unknown, RegExp][] = [
      [{ ...good, format: 'other' }, /not a provlrp model file/],
      [{ ...good, version: 99 }, /version 99 is not supported/],
      [{ ...good, nodes: 'x' }, /nodes must be an array/],
      [{ ...good, nodes: [{ ...good.nodes[0], op: 'lstm' }] }, /unknown op "lstm"/],
      [
        {
          ...good,
          nodes: [
            {
              ...good.nodes[0],
              params: { ...good.nodes[0].params, bias: { shape: [3], data: new Float32Array(2) } },
            },
          ],
        },
        /2 values for shape \[3\]/,
      ],
      [{ ...good, nodes: [{ ...good.nodes[0], attributes: { group: 'x' } }] }, /attributes\.group/],
      [{ ...good, inputShape: [5] }, /inconsistent model/],
    ];
    for (const [document, message] of variants) {
      const decode = () => decodeModel(packr.pack(document));
      expect(decode).toThrow(FormatError);
      expect(decode).toThrow(message);
    }
  });

  it('validates parameters and attributes as strictly as the ONNX importer', () => {
    const packr = new Packr({ moreTypes: true, useRecords: false });
    const model = sequential([1, 4, 4], [maxPool2d(2), flatten(), linear(4, 2)], { seed: 1 });
    const good = packr.unpack(encodeModel(model));
    const [pool, flat, dense] = good.nodes;
    const weight = (value: number) => {
      const data = Float32Array.from(dense.params.weight.data as Float32Array);
      data[3] = value;
      return { ...dense, params: { ...dense.params, weight: { ...dense.params.weight, data } } };
    };
    const variants: [unknown, RegExp][] = [
      [
        { ...good, nodes: [pool, flat, weight(Number.NaN)] },
        /node 2\.weight element 3 is NaN; parameters must be finite/,
      ],
      [{ ...good, nodes: [pool, flat, weight(Number.POSITIVE_INFINITY)] }, /element 3 is Infinity/],
      [
        { ...good, nodes: [{ ...pool, attributes: { ...pool.attributes, ceilMode: 1 } }, flat, dense] },
        /^provlrp model: node 0\.attributes\.ceilMode is 1, not a boolean \(true or false\)/,
      ],
      [
        { ...good, nodes: [{ ...pool, attributes: { ...pool.attributes, ceil_mode: false } }, flat, dense] },
        /attributes\.ceil_mode is not an attribute of max_pool; max_pool takes kernel, strides/,
      ],
      [
        { ...good, nodes: [{ ...pool, attributes: { kernel: [2, 2] } }, flat, dense] },
        /attributes\.strides is missing/,
      ],
    ];
    for (const [document, message] of variants) {
      const decode = () => decodeModel(packr.pack(document));
      expect(decode).toThrow(FormatError);
      expect(decode).toThrow(message);
    }
    // The untouched document still decodes: the checks refuse only what is wrong.
    expect(decodeModel(packr.pack(good)).nodes).toHaveLength(3);
  });

  it('reads __proto__ keys as plain unknown keys and pollutes no prototype', () => {
    // A hand-written msgpack map whose key is "__proto__": fixmap(1) fixstr(9) "__proto__" fixmap(1) "polluted" true.
    const key = new TextEncoder().encode('__proto__');
    const inner = new TextEncoder().encode('polluted');
    const hostile = Uint8Array.from([
      0x81,
      0xa0 | key.length,
      ...key,
      0x81,
      0xa0 | inner.length,
      ...inner,
      0xc3,
    ]);
    expect(() => decodeModel(hostile)).toThrow(FormatError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});

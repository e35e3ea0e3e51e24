import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProvlrpError } from '../../../src/core/errors.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { EXPORTS, ZENNIT } from './fixture-support.js';

/** Hang detection, not a speed claim: a small damaged file imports in milliseconds. */
const TIME_LIMIT_MS = 10_000;

const FILES = [
  `${ZENNIT}resnet/model.onnx`,
  `${EXPORTS}branchnet_op11.onnx`,
  `${EXPORTS}poolnet_op17.onnx`,
  `${EXPORTS}hand_pad_pool_op21.onnx`,
  `${EXPORTS}mlp_bn_op13.onnx`,
];

/** Imports `bytes`: a Model, or a ProvlrpError; anything else (or a slow import) fails the test. */
function importOrTypedError(bytes: Uint8Array): 'model' | 'error' {
  const start = performance.now();
  let outcome: 'model' | 'error';
  try {
    importOnnx(bytes);
    outcome = 'model';
  } catch (error) {
    if (!(error instanceof ProvlrpError)) throw error;
    outcome = 'error';
  }
  expect(performance.now() - start).toBeLessThan(TIME_LIMIT_MS);
  return outcome;
}

describe('importOnnx on damaged input', () => {
  it('answers random bytes with a Model or a ProvlrpError, never another error or a hang', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        importOrTypedError(bytes);
      }),
      { seed: 0x0dd5eed, numRuns: 300 },
    );
  });

  for (const path of FILES) {
    const bytes = new Uint8Array(readFileSync(path));
    const name = path.split('/').slice(-2).join('/');

    it(`imports the intact ${name}`, () => {
      expect(importOrTypedError(bytes)).toBe('model');
    });

    it(`answers every truncation of ${name} with a ProvlrpError or a Model`, () => {
      fc.assert(
        fc.property(fc.nat({ max: bytes.length - 1 }), (keep) => {
          importOrTypedError(bytes.slice(0, keep));
        }),
        { seed: 0x7a11, numRuns: 60 },
      );
    });

    it(`answers single-byte corruptions of ${name} with a ProvlrpError or a Model`, () => {
      fc.assert(
        fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
          const damaged = bytes.slice();
          damaged[at] = value;
          importOrTypedError(damaged);
        }),
        { seed: 0xc0ffee, numRuns: 150 },
      );
    });
  }
});

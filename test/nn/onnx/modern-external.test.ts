/**
 * The full-size modern networks (torchvision's own constructors, 1000 classes, 1×3×224×224),
 * written to models/external/modern by `scripts/export-modern-models.py --size full` and never
 * committed: skipped where they are absent (as in CI). Each file is imported and run forward
 * against torch's float64 logits, and explained in ℝ with the default composite. (The K-LRP set's
 * homomorphisms are checked on the committed reduced-width fixtures, modern-models.test.ts; on
 * these they take minutes.)
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/circuits/index.js';
import { forward } from '../../../src/nn/forward.js';
import { importModern, MODERN_FULL, manifestIn, modernInput, modernLogits } from './modern-fixtures.js';

const present = existsSync(`${MODERN_FULL}manifest.json`);
const entries = present ? manifestIn(MODERN_FULL).models : [];

describe.runIf(present)('the full-size modern networks in models/external/modern', () => {
  for (const entry of entries)
    for (const { file } of Object.values(entry.opsets))
      it(`${file}: imports, computes torch’s logits to 1e-4 of the largest |logit|, and explains in ℝ`, () => {
        const imported = importModern(file, MODERN_FULL);
        if ('refused' in imported) expect.fail(imported.refused.split('; supported ops')[0]);
        const model = imported.model;
        const x = modernInput(entry, MODERN_FULL);
        const logits = forward(model, x).output;
        const expected = modernLogits(entry, MODERN_FULL);
        let worst = 0;
        for (let i = 0; i < expected.length; i++)
          worst = Math.max(worst, Math.abs(logits.data[i]! - expected[i]!));
        expect(worst).toBeLessThanOrEqual(1e-4 * entry.max_abs_logit);
        const real = compile(model).trace(x).relevance<unknown>({}).values.map(Number);
        expect(real).toHaveLength(x.data.length);
        expect(real.every(Number.isFinite) && real.some((r) => r !== 0)).toBe(true);
      }, 300_000);
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { denseAdjointWasm, denseForwardWasm } from '../../src/kernels/index.js';
import { denseAdjoint } from '../../src/nn/adjoints/index.js';
import { applyOp, denseNode } from '../nn/support.js';
import { F32_UNIT, f64, wasmKernels, withJsKernels } from './support.js';

const SEED = 0xde25e;

describe('kernels/dense-gemm', () => {
  const k = wasmKernels();

  /** The WebAssembly forward and the plain loop's, for rows × nIn inputs. */
  function forwardBoth(rows: number, nIn: number, nOut: number, seed: number) {
    const rng = new Rng(seed);
    const node = denseNode(rng, nIn, nOut);
    const x = { shape: [rows, nIn], data: rng.uniformArray(rows * nIn, -1, 1) };
    const plain = withJsKernels(() => applyOp(node, [x])).data;
    const fast = new Float32Array(rows * nOut);
    denseForwardWasm(k, x.data, node.params.weight.data, node.params.bias.data, fast, nIn, nOut);
    return { plain, fast };
  }

  it('forward equals the plain loop bit for bit, one-row and odd sizes included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, nIn, nOut, seed) => {
          const { plain, fast } = forwardBoth(rows, nIn, nOut, seed);
          expect(fast).toEqual(plain);
        },
      ),
      { seed: SEED, numRuns: 120 },
    );
  });

  it('forward equals the plain loop across row blocks, depth passes and weight blocks', () => {
    // 70 rows: blocks of 64 and 6; depth 2000: passes of 256; 400 outputs: weight blocks of 172.
    const { plain, fast } = forwardBoth(70, 2000, 400, 3);
    expect(fast).toEqual(plain);
  });

  it('a sample’s forward and adjoint are the same bits alone as in a batch (its own passes and the packed GEMM)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, nIn, nOut, seed) => {
          const rng = new Rng(seed);
          const node = denseNode(rng, nIn, nOut);
          const { weight, bias } = node.params;
          const x = rng.uniformArray(rows * nIn, -1, 1);
          const s = rng.uniformArray(rows * nOut, -1, 1);
          const c = rng.uniformArray(rows * nIn, -1, 1);
          const batchZ = new Float32Array(rows * nOut);
          denseForwardWasm(k, x, weight.data, bias.data, batchZ, nIn, nOut);
          const batchC = c.slice();
          denseAdjointWasm(k, weight.data, s, batchC, nIn, nOut);
          for (let r = 0; r < rows; r++) {
            const z = new Float32Array(nOut);
            denseForwardWasm(k, x.subarray(r * nIn, (r + 1) * nIn), weight.data, bias.data, z, nIn, nOut);
            expect(z).toEqual(batchZ.subarray(r * nOut, (r + 1) * nOut));
            const one = c.slice(r * nIn, (r + 1) * nIn);
            denseAdjointWasm(k, weight.data, s.subarray(r * nOut, (r + 1) * nOut), one, nIn, nOut);
            expect(one).toEqual(batchC.subarray(r * nIn, (r + 1) * nIn));
          }
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('forward of an empty batch writes nothing', () => {
    const node = denseNode(new Rng(1), 5, 3);
    const z = new Float32Array(0);
    denseForwardWasm(k, new Float32Array(0), node.params.weight.data, node.params.bias.data, z, 5, 3);
    expect(z.length).toBe(0);
  });

  it('adjoint rounds the float64 sum c + s·W once, within the plain loop’s float32 error bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, nIn, nOut, seed) => {
          const rng = new Rng(seed);
          const node = denseNode(rng, nIn, nOut);
          const w = node.params.weight.data;
          const s = rng.uniformArray(rows * nOut, -1, 1);
          const c0 = rng.uniformArray(rows * nIn, -1, 1);
          const fast = c0.slice();
          denseAdjointWasm(k, w, s, fast, nIn, nOut);
          const plain = c0.slice();
          withJsKernels(() => denseAdjoint(node, s, plain));
          // Float64 references: the exact sum (to 2⁻⁵³ per term) and Σ|terms| for the bounds.
          const exact = f64(c0);
          denseAdjoint(node, f64(s), exact);
          const magnitude = f64(c0).map(Math.abs);
          denseAdjoint(node, f64(s).map(Math.abs), magnitude, f64(w).map(Math.abs));
          for (let i = 0; i < fast.length; i++) {
            // One rounding to float32, plus float64 summation error (nOut terms of 2⁻⁵³).
            const once = F32_UNIT * Math.abs(exact[i]!) + nOut * 2 ** -53 * magnitude[i]!;
            expect(Math.abs(fast[i]! - exact[i]!)).toBeLessThanOrEqual(once);
            // The plain loop rounds after each of its nOut additions.
            const stepwise = (nOut + 2) * F32_UNIT * magnitude[i]!;
            expect(Math.abs(fast[i]! - plain[i]!)).toBeLessThanOrEqual(stepwise);
          }
        },
      ),
      { seed: SEED + 1, numRuns: 100 },
    );
  });
});

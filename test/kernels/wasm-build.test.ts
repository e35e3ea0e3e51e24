import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernels, MODULE_PATH, renderModule } from '../../scripts/build-wasm.js';
import { kernelBytes, sharedKernelBytes } from '../../src/kernels/index.js';

describe('kernels/gemm-wasm.ts', () => {
  it('holds the bytes that scripts/build-wasm.ts compiles from gemm.wat (run `npm run build:wasm`)', async () => {
    const compiled = await compileKernels();
    const shared = await compileKernels(undefined, true);
    expect(compiled.length).toBeGreaterThan(8);
    expect(Array.from(kernelBytes())).toEqual(Array.from(compiled));
    expect(Array.from(sharedKernelBytes())).toEqual(Array.from(shared));
    expect(readFileSync(MODULE_PATH, 'utf8')).toBe(renderModule(compiled, shared));
  });

  it('is a WebAssembly binary (magic number and version 1)', () => {
    expect(Array.from(kernelBytes().subarray(0, 8))).toEqual([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ]);
  });
});

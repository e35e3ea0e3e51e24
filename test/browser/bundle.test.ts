import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserBundle } from './support.js';

/** The platform-neutral entries (DESIGN.md §2): the main one and each folder's. */
const ENTRIES = [
  'src/index.ts',
  'src/core/index.ts',
  'src/semirings/index.ts',
  'src/nn/index.ts',
  'src/circuits/index.ts',
  'src/viz/index.ts',
];

describe('the browser bundle', () => {
  for (const entry of ENTRIES)
    it(`bundles ${entry} with esbuild --platform=browser, without Node's modules`, async () => {
      const { code, metafile } = await browserBundle(entry);
      expect(code.length).toBeGreaterThan(1000);
      const inputs = Object.keys(metafile.inputs);
      // pngjs and the native renderer are loaded on first use in Node, never bundled.
      expect(inputs.filter((p) => /node_modules\/(pngjs|@resvg)\//.test(p))).toEqual([]);
      const imports = Object.values(metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
      expect(imports.filter((path) => path.startsWith('node:'))).toEqual([]);
    });

  it('runs the core where Node is absent, refusing file access with a typed error', async () => {
    const { code } = await browserBundle('src/index.ts');
    const file = join(mkdtempSync(join(tmpdir(), 'provlrp-bundle-')), 'provlrp.js');
    writeFileSync(file, code);
    const process = globalThis.process;
    // The bundle looks Node's modules up through globalThis.process when first asked: hide it.
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      const core = await import(pathToFileURL(file).href);
      expect(core.boolean.plus(false, true)).toBe(true);
      expect(() => core.readNpyFile('/x.npy')).toThrow(core.UnsupportedError);
      expect(() => core.readNpyFile('/x.npy')).toThrow(/file access: needs node:fs.*readNpy/);
    } finally {
      Object.defineProperty(globalThis, 'process', { value: process, configurable: true, writable: true });
    }
  });
});

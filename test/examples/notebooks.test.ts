/**
 * The committed notebooks: each has been executed (`npm run notebooks`) with every code cell's
 * outputs saved and no error among them, so that it renders on GitHub as it runs, and shows what it
 * is about: pictures in every notebook, LaTeX in the polynomials one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DIR = new URL('../../examples/notebooks/', import.meta.url);

interface Output {
  readonly output_type: string;
  readonly data?: Record<string, unknown>;
}
interface Cell {
  readonly cell_type: string;
  readonly source: string[];
  readonly outputs?: Output[];
  readonly execution_count?: number | null;
}

const notebooks = readdirSync(DIR).filter((f) => f.endsWith('.ipynb'));
const cellsOf = (name: string): Cell[] => JSON.parse(readFileSync(new URL(name, DIR), 'utf8')).cells;
const mimeTypes = (name: string): Set<string> =>
  new Set(cellsOf(name).flatMap((c) => (c.outputs ?? []).flatMap((o) => Object.keys(o.data ?? {}))));

describe('the notebooks', () => {
  it('are the four the README lists', () => {
    expect(notebooks.sort()).toEqual([
      'experiments.ipynb',
      'polynomials.ipynb',
      'semirings-on-mnist.ipynb',
      'your-model.ipynb',
    ]);
  });

  for (const name of notebooks)
    it(`${name} is committed executed, on the Deno kernel, without errors, with pictures`, () => {
      const cells = cellsOf(name);
      const kernel = JSON.parse(readFileSync(new URL(name, DIR), 'utf8')).metadata.kernelspec.name;
      expect(kernel).toBe('deno');
      const code = cells.filter((c) => c.cell_type === 'code');
      expect(code.length).toBeGreaterThan(2);
      expect(code.filter((c) => typeof c.execution_count !== 'number')).toEqual([]);
      expect(code.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'error')).toEqual([]);
      expect(code.filter((c) => (c.outputs ?? []).length === 0).map((c) => c.source.join(''))).toEqual([]);
      const types = mimeTypes(name);
      expect(types.has('image/png') || types.has('image/svg+xml')).toBe(true);
    });

  it('polynomials.ipynb shows its polynomials and equations as LaTeX', () => {
    expect(mimeTypes('polynomials.ipynb').has('text/latex')).toBe(true);
  });
});

/**
 * Executes every notebook in examples/notebooks/ headless, in place, on Deno's Jupyter kernel, and
 * fails on the first cell that throws, so that the committed outputs are what the code produces.
 * Each notebook runs through scripts/execute-notebook.py: nbconvert's executor (nbclient), waiting
 * a little longer for the outputs Deno's kernel sends late.
 *
 *   npm run notebooks                     every notebook
 *   npm run notebooks -- polynomials      the notebooks whose name contains "polynomials"
 *
 * Needs Jupyter's nbconvert and the IPython kernel machinery (Debian: jupyter-nbconvert,
 * python3-ipykernel). The Deno binary comes from the `deno` devDependency; its kernel is declared
 * in a temporary JUPYTER_PATH rather than installed for the user, so that running the notebooks
 * changes nothing outside the checkout. The notebooks import `provlrp`, which resolves to the
 * package's built `dist/`, so the package is built first.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOTEBOOKS = join(ROOT, 'examples', 'notebooks');
/** The longest a cell may run, in seconds. */
const CELL_TIMEOUT = 600;

/** A JUPYTER_PATH whose only kernel is this checkout's Deno. */
function kernelPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'provlrp-jupyter-'));
  mkdirSync(join(dir, 'kernels', 'deno'), { recursive: true });
  const deno = join(ROOT, 'node_modules', '.bin', 'deno');
  const spec = {
    argv: [deno, 'jupyter', '--kernel', '--conn', '{connection_file}'],
    display_name: 'Deno',
    language: 'typescript',
  };
  writeFileSync(join(dir, 'kernels', 'deno', 'kernel.json'), JSON.stringify(spec, null, 2));
  return dir;
}

/** The code cells (numbered from 1) without output: every cell of provlrp's notebooks shows a result. */
function silentCells(name: string): number[] {
  const notebook = JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as {
    cells: { cell_type: string; outputs?: unknown[] }[];
  };
  return notebook.cells
    .filter((c) => c.cell_type === 'code')
    .flatMap((c, i) => ((c.outputs ?? []).length === 0 ? [i + 1] : []));
}

function main(filters: string[]): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const names = readdirSync(NOTEBOOKS)
    .filter((f) => f.endsWith('.ipynb'))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort();
  if (names.length === 0) throw new Error(`no notebook in ${NOTEBOOKS} matches ${filters.join(', ')}`);
  const jupyterPath = kernelPath();
  try {
    for (const name of names) {
      const started = performance.now();
      execFileSync(
        '/usr/bin/python3',
        [join(ROOT, 'scripts', 'execute-notebook.py'), name, String(CELL_TIMEOUT)],
        {
          cwd: NOTEBOOKS,
          stdio: ['ignore', 'inherit', 'inherit'],
          env: { ...process.env, JUPYTER_PATH: jupyterPath },
        },
      );
      const silent = silentCells(name);
      if (silent.length > 0)
        throw new Error(`${name}: code cells ${silent.join(', ')} came back without output`);
      console.log(`notebooks: executed ${name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(jupyterPath, { recursive: true, force: true });
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`notebooks: ${(error as Error).message}`);
  process.exit(1);
}

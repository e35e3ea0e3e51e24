/**
 * One measurement in a fresh process, for bench/explanations.ts: the peak resident set of a
 * process belongs to the whole process, so each figure that must be "per run" gets a process of
 * its own. Run as `node --import tsx bench/explain-once.ts '<json>'` with
 *
 *   { "model": "<path.onnx>", "task": "import" }
 *       → { importMs, peakRssMiB }: one `importOnnx` of the file, nothing before it
 *   { "model": "<path.onnx>", "task": "explain", "semiring": "real", "composite": "epsilon",
 *     "accumulation": "float32" (optional, the kernels' accumulation; default float64) }
 *       → { ms, rssAfterImportMiB, peakRssMiB }: one explanation of a seeded 224×224 image
 *         (`compile(model).trace(x).relevance(...)`, forward included) after the import
 *
 * and prints the JSON result on stdout. peakRssMiB is `process.resourceUsage().maxRSS`: for an
 * explanation it includes the model's own memory, which the explanation needs in any case.
 */
import { compile } from '../src/circuits/index.js';
import { configureKernels } from '../src/kernels/index.js';
import { importOnnx } from '../src/nn/onnx/index.js';
import { seededImage } from './explanations.js';

const MiB = 2 ** 20;
const peakRssMiB = () => Math.round((process.resourceUsage().maxRSS * 1024) / MiB);

interface Task {
  readonly model: string;
  readonly task: 'import' | 'explain';
  readonly semiring?: string;
  readonly composite?: string;
  readonly accumulation?: 'float64' | 'float32';
}

function main(task: Task): Record<string, number> {
  const started = performance.now();
  const model = importOnnx(task.model);
  const importMs = performance.now() - started;
  if (task.task === 'import') return { importMs, peakRssMiB: peakRssMiB() };
  const rssAfterImportMiB = Math.round(process.memoryUsage().rss / MiB);
  configureKernels({ accumulation: task.accumulation ?? 'float64' });
  const image = seededImage(model);
  const start = performance.now();
  compile(model)
    .trace(image)
    .relevance({ semiring: task.semiring ?? 'real', composite: task.composite ?? 'epsilon' });
  return { ms: performance.now() - start, rssAfterImportMiB, peakRssMiB: peakRssMiB() };
}

process.stdout.write(`${JSON.stringify(main(JSON.parse(process.argv[2] ?? '{}') as Task))}\n`);

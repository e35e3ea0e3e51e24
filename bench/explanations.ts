/**
 * Explanations of one image by a torchvision network, against zennit in the same run: the shared
 * body of bench/vgg16.bench.ts and bench/resnet18.bench.ts.
 *
 * For each semiring chosen, one explanation is `compile(model).trace(x).relevance({ semiring,
 * composite })` of a seeded 224×224 image ~ U[0, 1), forward pass included (the circuit is compiled
 * once, outside the timing; the trace is new each run, so nothing comes from its memo). Real LRP
 * runs composite epsilon_plus_flat (`lrp()` computes the same, bit for bit), the other semirings
 * composite epsilon with their default annotations. zennit's anchor is its EpsilonPlusFlat
 * attribution of the same architecture (bench/zennit_time.py, a persistent Python process), and
 * the runs alternate: one zennit attribution, then one run of each semiring, round after round
 * (A B A B), so that the machine's load, which changes over minutes on a shared machine, weighs on
 * both alike. The medians of the rounds, and each median's ratio to zennit's, are the figures.
 *
 * Beside the times: one explanation per semiring in a fresh process (bench/explain-once.ts) for its
 * peak resident set, and one import in a fresh process for the import's time and peak. The load
 * average is recorded before and after.
 *
 * Options (environment variables, since `npm run bench -- vgg16` takes benchmark names only):
 *   PROVLRP_BENCH_SEMIRINGS       comma-separated semirings (default real,real@float32,boolean,counting,
 *                                 viterbi,tropical); `S@float32` runs S with the kernels' float32
 *                                 accumulation (configureKernels({ accumulation: 'float32' }))
 *   PROVLRP_BENCH_RUNS            timed rounds (default 5), after one warm-up round
 *   PROVLRP_BENCH_RSS             0 to skip the per-semiring peak-RSS processes
 *   PROVLRP_BENCH_WIDTH_DIVISOR   VGG-16 only: models/external/vgg16-w<d>.onnx (export-vgg16.py
 *                                 --width-divisor d) and zennit on the same slim VGG
 *   PROVLRP_ZENNIT_PYTHON         the Python with zennit 0.5.1 and torch (default
 *                                 ../zennit-venv/bin/python beside the checkout, a virtual
 *                                 environment that uses Debian's python3-torch through the
 *                                 system site packages)
 * Without zennit (or torch) the benchmark says why under `zennit` and reports provlrp's figures.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { compile } from '../src/circuits/index.js';
import { Rng } from '../src/core/rng.js';
import type { Tensor } from '../src/core/tensor.js';
import { type Accumulation, configureKernels } from '../src/kernels/index.js';
import type { Model } from '../src/nn/graph.js';
import { importOnnx } from '../src/nn/onnx/index.js';

/** The default interpreter with zennit (see the file header). */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The default interpreter with zennit (see the file header): a virtual environment beside the checkout. */
export const DEFAULT_ZENNIT_PYTHON = fileURLToPath(new URL('../../zennit-venv/bin/python', import.meta.url));
const ZENNIT_SCRIPT = fileURLToPath(new URL('./zennit_time.py', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('./explain-once.ts', import.meta.url));
const ALL_SEMIRINGS = ['real', 'real@float32', 'boolean', 'counting', 'viterbi', 'tropical'];

/** A benchmark entry `semiring[@accumulation]` as its semiring and the kernels' accumulation. */
export function entryOf(entry: string): { semiring: string; accumulation: Accumulation } {
  const [semiring = '', accumulation = 'float64'] = entry.split('@');
  if (accumulation !== 'float64' && accumulation !== 'float32')
    throw new Error(`bench: ${entry}: the accumulation after @ must be float64 or float32`);
  return { semiring, accumulation };
}
const MiB = 2 ** 20;

/** What a benchmark of one network needs. */
export interface Workload {
  /** zennit_time.py's --model. */
  readonly network: 'vgg16' | 'resnet18';
  /** The .onnx file. */
  readonly model: string;
  /** How to make the file when it is missing. */
  readonly howToMake: string;
  /** zennit_time.py's --width-divisor (VGG-16). */
  readonly widthDivisor?: number;
}

/** A seeded image ~ U[0, 1) of the model's input shape, batch 1. */
export function seededImage(model: Model): Tensor {
  const shape = [1, ...model.shapes.get(model.input)!];
  const size = shape.reduce((p, d) => p * d, 1);
  return { shape, data: new Rng(0).uniformArray(size, 0, 1) };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;
const summary = (times: readonly number[]) => ({
  medianMs: round(median(times)),
  minMs: round(Math.min(...times)),
  maxMs: round(Math.max(...times)),
  runs: times.length,
});

/** The benchmark's options from the environment (see the file header). */
export function benchOptions() {
  const env = process.env;
  const semirings = (env.PROVLRP_BENCH_SEMIRINGS ?? ALL_SEMIRINGS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const runs = Number(env.PROVLRP_BENCH_RUNS ?? 5);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`bench: PROVLRP_BENCH_RUNS must be a positive integer, got ${env.PROVLRP_BENCH_RUNS}`);
  return {
    semirings,
    runs,
    rss: env.PROVLRP_BENCH_RSS !== '0',
    python: env.PROVLRP_ZENNIT_PYTHON ?? DEFAULT_ZENNIT_PYTHON,
  };
}

/** zennit's attribution, in a Python process that times one attribution per request. */
class ZennitAnchor {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    private readonly input: Interface,
    readonly info: Record<string, unknown>,
  ) {}

  /** Starts zennit_time.py; the reason as a string where it cannot run. */
  static async start(python: string, workload: Workload): Promise<ZennitAnchor | string> {
    if (!existsSync(python))
      return `no Python at ${python}; set PROVLRP_ZENNIT_PYTHON to one with zennit 0.5.1 and torch`;
    const args = [
      ZENNIT_SCRIPT,
      '--model',
      workload.network,
      '--width-divisor',
      String(workload.widthDivisor ?? 1),
    ];
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const input = createInterface({ input: child.stdout! });
    const lines = input[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) {
      const reason = stderr.trim().split('\n').slice(-1)[0] ?? 'no output';
      return `zennit_time.py did not start (${reason}); install zennit 0.5.1 and torch for ${python}`;
    }
    const ready = JSON.parse(first.value) as { ready: Record<string, unknown> };
    return new ZennitAnchor(child, lines, input, ready.ready);
  }

  /** One attribution's milliseconds, as Python timed it. */
  async run(): Promise<number> {
    this.child.stdin!.write('run\n');
    const line = await this.lines.next();
    if (line.done) throw new Error('bench: zennit_time.py stopped');
    const reply = JSON.parse(line.value) as { ms?: number; error?: string };
    if (reply.ms === undefined) throw new Error(`bench: zennit_time.py: ${reply.error}`);
    return reply.ms;
  }

  close(): void {
    this.child.stdin!.end('quit\n');
    this.input.close();
  }
}

/** Runs bench/explain-once.ts in a fresh process and returns what it printed. */
function once(task: Record<string, string>): Record<string, number> | { error: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, JSON.stringify(task)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) return { error: (result.stderr ?? '').trim().split('\n').slice(-3).join(' ') };
  const parsed = JSON.parse(result.stdout) as Record<string, number>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, round(v)]));
}

const compositeOf = (semiring: string) => (semiring === 'real' ? 'epsilon_plus_flat' : 'epsilon');

/** The benchmark of one workload (see the file header). */
export async function benchExplanations(workload: Workload): Promise<Record<string, unknown>> {
  if (!existsSync(workload.model))
    return { status: 'missing', model: workload.model, howToMake: workload.howToMake };
  const options = benchOptions();
  const loadBefore = loadavg();
  const fileMiB = round(statSync(workload.model).size / MiB);
  const importFresh = once({ model: workload.model, task: 'import' });
  const model = importOnnx(workload.model);
  const circuit = compile(model);
  const image = seededImage(model);
  const explain = (entry: string) => () => {
    const { semiring, accumulation } = entryOf(entry);
    configureKernels({ accumulation });
    try {
      const start = performance.now();
      circuit.trace(image).relevance({ semiring, composite: compositeOf(semiring) });
      return performance.now() - start;
    } finally {
      configureKernels({ accumulation: 'float64' });
    }
  };
  const anchor = await ZennitAnchor.start(options.python, workload);
  const times = new Map(options.semirings.map((s) => [s, [] as number[]]));
  const zennitTimes: number[] = [];
  for (const semiring of options.semirings) explain(semiring)(); // warm-up round
  for (let round = 0; round < options.runs; round++) {
    if (typeof anchor !== 'string') zennitTimes.push(await anchor.run());
    for (const semiring of options.semirings) times.get(semiring)!.push(explain(semiring)());
  }
  if (typeof anchor !== 'string') anchor.close();
  const zennitMedian = zennitTimes.length > 0 ? median(zennitTimes) : undefined;
  const zennitMin = Math.min(...zennitTimes);
  const provlrp: Record<string, unknown> = {};
  for (const semiring of options.semirings) {
    const timing = summary(times.get(semiring)!);
    provlrp[semiring] = {
      composite: compositeOf(entryOf(semiring).semiring),
      ...timing,
      // The ratio of the medians is the figure; that of the fastest runs shows how much load moved it.
      ...(zennitMedian === undefined
        ? {}
        : {
            ratioToZennit: round(timing.medianMs / zennitMedian, 2),
            ratioOfFastest: round(timing.minMs / zennitMin, 2),
          }),
      ...(options.rss
        ? {
            fresh: once({
              model: workload.model,
              task: 'explain',
              ...entryOf(semiring),
              composite: compositeOf(entryOf(semiring).semiring),
            }),
          }
        : {}),
    };
  }
  return {
    status: 'ok',
    model: workload.model,
    fileMiB,
    nodes: model.nodes.length,
    import: {
      ...importFresh,
      ratioPeakToFile: 'peakRssMiB' in importFresh ? round(importFresh.peakRssMiB! / fileMiB, 2) : null,
    },
    zennit:
      typeof anchor === 'string'
        ? { status: 'unavailable', reason: anchor }
        : { status: 'ok', composite: 'EpsilonPlusFlat', ...anchor.info, ...summary(zennitTimes) },
    provlrp,
    loadAverage: { before: loadBefore.map((v) => round(v, 2)), after: loadavg().map((v) => round(v, 2)) },
  };
}

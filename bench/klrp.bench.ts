/**
 * K-LRP on the shipped models in each semiring of the K-LRP set, per image, forward pass included:
 * the MNIST MLP at batch 1 and 256 and the CNN at batch 1, each run being one `trace(batch)` and
 * one `relevance()` with the semiring's defaults (composite, annotation, argmax target) on a
 * compiled circuit.
 *
 *   kernel     the default evaluator: ℝ's factored form, the layer form of 𝔹, ℕ, Viterbi and
 *              tropical (dense and conv layers in one batched pass), per-edge elsewhere
 *   perEdge    the same kernel's plain per-edge loop on every step (`evaluator: 'per_edge'`), the
 *              anchor measured in the same run; `speedup` = perEdge / kernel
 *   target     the per-image goal of this workload, and whether the median meets it
 *   load       the machine's 1-minute load average before and after (2 cores; shared machines
 *              slow every figure, ratios less)
 *
 * Medians of 7 runs (perEdge: 5) after 2 warm-up runs; a run repeats the call for about 50 ms
 * (the steady state of a loop over many images: a batch-1 call alone takes well under 1 ms, and a
 * single one measures the timer and the first, unoptimised calls as much as the work).
 */
import { loadavg } from 'node:os';
import { compile } from '../src/circuits/index.js';
import { loadMnist } from '../src/nn/datasets/index.js';
import { loadShippedModel } from '../src/nn/zoo/index.js';
import { time } from './timing.js';

export const name = 'klrp';

const SEMIRINGS = ['real', 'boolean', 'counting', 'viterbi', 'tropical'] as const;

/** The workloads and their per-image targets in milliseconds. */
const WORKLOADS = [
  { model: 'mlp', batch: 1, targetMsPerImage: 0.3 },
  { model: 'mlp', batch: 256, targetMsPerImage: 0.05 },
  { model: 'cnn', batch: 1, targetMsPerImage: 2 },
] as const;

const round = (v: number): number => Math.round(v * 1e4) / 1e4;

/** Calls per timed run: enough for a run of about `RUN_MS` (a batch-1 MLP call takes under 1 ms). */
const RUN_MS = 50;

async function callsPerRun(fn: () => unknown): Promise<number> {
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < RUN_MS) {
    await fn();
    calls++;
  }
  return calls;
}

export async function run(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { loadBefore: loadavg()[0] };
  for (const { model: modelName, batch, targetMsPerImage } of WORKLOADS) {
    const circuit = compile(loadShippedModel(modelName));
    const { images } = loadMnist('test', { limit: batch });
    const rows: Record<string, unknown> = {};
    for (const semiring of SEMIRINGS) {
      const perImage = async (evaluator: 'auto' | 'per_edge', runs: number) => {
        const explain = () => circuit.trace(images).relevance({ semiring, evaluator });
        const timing = await time(explain, { runs, warmup: 2, calls: await callsPerRun(explain) });
        return round(timing.medianMs / batch);
      };
      const kernel = await perImage('auto', 7);
      const perEdge = await perImage('per_edge', 5);
      rows[semiring] = {
        kernelMsPerImage: kernel,
        perEdgeMsPerImage: perEdge,
        speedup: round(perEdge / kernel),
        targetMsPerImage,
        meetsTarget: kernel <= targetMsPerImage,
      };
    }
    result[`${modelName}@${batch}`] = rows;
  }
  result.loadAfter = loadavg()[0];
  return result;
}

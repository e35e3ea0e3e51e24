/**
 * VGG-16 at full size (torchvision's, 224×224): explanations in every semiring against zennit's
 * EpsilonPlusFlat in the same run, the import in a fresh process, and one forward pass.
 *
 *   explanations  bench/explanations.ts: provlrp's median times per semiring (real LRP
 *                 epsilon_plus_flat; 𝔹, ℕ, Viterbi, tropical with composite epsilon), forward
 *                 included, alternated with zennit's attributions; the ratios; each semiring's
 *                 peak RSS in a process of its own; the import's time and peak RSS in a fresh
 *                 process against the file's size; the load average
 *   forward       median (min, max) of 5 forward passes on one image, after 1 warm-up, and the
 *                 multiply-adds of the conv and dense layers (15.5 G) per second of the median
 *   reference     max|Δ| / max|logit| against the export script's reference logits (PyTorch,
 *                 float64) for the first sample of its batch, when those files are there
 *
 * Options are environment variables (bench/explanations.ts), e.g.
 *   PROVLRP_BENCH_SEMIRINGS=real PROVLRP_BENCH_RUNS=7 npm run bench -- vgg16
 *   PROVLRP_BENCH_WIDTH_DIVISOR=8 npm run bench -- vgg16        (models/external/vgg16-w8.onnx)
 *
 * The model is not committed: `/usr/bin/python3 scripts/export-vgg16.py` writes it (random
 * weights, or `--weights <file.pth>` for pretrained ones; `--width-divisor 8` for the slim one).
 * Without it the benchmark reports that it is missing and how to make it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { argmax, forward } from '../src/nn/forward.js';
import type { Model } from '../src/nn/graph.js';
import { importOnnx } from '../src/nn/onnx/index.js';
import { benchExplanations } from './explanations.js';
import { time } from './timing.js';

export const name = 'vgg16';

/** The width divisor chosen (PROVLRP_BENCH_WIDTH_DIVISOR, default 1: the full VGG-16). */
const DIVISOR = Number(process.env.PROVLRP_BENCH_WIDTH_DIVISOR ?? 1);

/** Where scripts/export-vgg16.py writes the model by default. */
const MODEL = fileURLToPath(
  new URL(`../models/external/vgg16${DIVISOR === 1 ? '' : `-w${DIVISOR}`}.onnx`, import.meta.url),
);
const HOW_TO_MAKE = `/usr/bin/python3 scripts/export-vgg16.py${DIVISOR === 1 ? '' : ` --width-divisor ${DIVISOR}`} (random weights; --weights <file.pth> for pretrained)`;

/** The export script's reference batch and logits beside it. */
const INPUT = MODEL.replace(/\.onnx$/, '.input.bin');
const LOGITS = MODEL.replace(/\.onnx$/, '.logits.bin');

const MiB = 2 ** 20;

function readFloat32(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** max|Δ| / max|reference| of the first sample's logits, or null without the reference files. */
function referenceError(model: Model): number | null {
  if (!existsSync(INPUT) || !existsSync(LOGITS)) return null;
  const size = 3 * 224 * 224;
  const x = { shape: [1, 3, 224, 224], data: readFloat32(INPUT).subarray(0, size) };
  const classes = model.shapes.get(model.output)![0]!;
  const expected = readFloat32(LOGITS).subarray(0, classes);
  const actual = forward(model, x).output.data;
  let worst = 0;
  let scale = 0;
  for (let k = 0; k < classes; k++) {
    worst = Math.max(worst, Math.abs(actual[k]! - expected[k]!));
    scale = Math.max(scale, Math.abs(expected[k]!));
  }
  return worst / scale;
}

function memory(): Record<string, number> {
  const m = process.memoryUsage();
  const round = (bytes: number) => Math.round(bytes / MiB);
  return { rssMiB: round(m.rss), heapUsedMiB: round(m.heapUsed), arrayBuffersMiB: round(m.arrayBuffers) };
}

/** Multiply-adds of one sample's forward pass through the conv and dense nodes. */
function multiplyAdds(model: Model): number {
  let total = 0;
  for (const node of model.nodes) {
    const outputs = model.shapes.get(node.output)!.reduce((p, d) => p * d, 1);
    if (node.op === 'conv' || node.op === 'dense')
      total += outputs * (node.params.weight.data.length / node.params.weight.shape[0]!);
  }
  return total;
}

export async function run(): Promise<Record<string, unknown>> {
  if (!Number.isInteger(DIVISOR) || DIVISOR < 1 || 64 % DIVISOR !== 0)
    throw new Error(`bench: PROVLRP_BENCH_WIDTH_DIVISOR must divide 64, got ${DIVISOR}`);
  const explanations = await benchExplanations({
    network: 'vgg16',
    model: MODEL,
    howToMake: HOW_TO_MAKE,
    widthDivisor: DIVISOR,
  });
  if (explanations.status !== 'ok') return explanations;
  const model = importOnnx(MODEL);
  const rng = new Rng(0);
  const image = { shape: [1, 3, 224, 224], data: rng.uniformArray(3 * 224 * 224, 0, 1) };
  let top1 = -1;
  const timing = await time(
    () => {
      top1 = argmax(forward(model, image).output)[0]!;
    },
    { warmup: 1, runs: 5 },
  );
  const macs = multiplyAdds(model);
  return {
    widthDivisor: DIVISOR,
    ...explanations,
    forward: {
      ...timing,
      multiplyAdds: macs,
      gmacPerS: Math.round((macs / 1e9 / (timing.medianMs / 1000)) * 100) / 100,
      top1,
    },
    reference: referenceError(model),
    memory: { afterForward: memory() },
  };
}

/**
 * VGG-16 at full size: importing torchvision's export (553 MB of float32 weights) and one forward
 * pass on a 224×224 image, with the memory it takes.
 *
 *   importMs     one `importOnnx` of models/external/vgg16.onnx (read, decode, validate)
 *   forward      median (min, max) of 5 forward passes on one image, after 1 warm-up
 *   gmacPerS     multiply-adds of the conv and dense layers (15.5 G) per second of the median
 *   memory       process.memoryUsage() in MiB before the import, after it, and after the forward
 *                passes; peakRssMiB is the process's maximum resident set (resourceUsage().maxRSS)
 *   reference    max|Δ| / max|logit| against the export script's reference logits (PyTorch,
 *                float64) for the first sample of its batch, when those files are there
 *   lrp          real LRP of that image (`lrp()`, composites epsilon_plus_flat and report_vgg):
 *                median (min, max) of 3 runs, forward pass included
 *
 * The model is not committed: `/usr/bin/python3 scripts/export-vgg16.py` writes it (random
 * weights, or `--weights <file.pth>` for pretrained ones). Without it the benchmark reports that
 * it is missing and how to make it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { argmax, forward } from '../src/nn/forward.js';
import type { Model } from '../src/nn/graph.js';
import { lrp } from '../src/nn/lrp/index.js';
import { importOnnx } from '../src/nn/onnx/index.js';
import { time } from './timing.js';

export const name = 'vgg16';

/** Where scripts/export-vgg16.py writes the full model by default. */
const MODEL = fileURLToPath(new URL('../models/external/vgg16.onnx', import.meta.url));

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
  if (!existsSync(MODEL))
    return {
      status: 'missing',
      model: MODEL,
      howToMake:
        '/usr/bin/python3 scripts/export-vgg16.py (random weights; --weights <file.pth> for pretrained)',
    };
  const before = memory();
  const started = performance.now();
  const model = importOnnx(MODEL);
  const importMs = Math.round(performance.now() - started);
  const afterImport = memory();
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
  const lrpTimes: Record<string, unknown> = {};
  for (const composite of ['epsilon_plus_flat', 'report_vgg'])
    lrpTimes[composite] = await time(() => lrp(model, image, { composite }), { warmup: 1, runs: 3 });
  return {
    status: 'ok',
    model: MODEL,
    nodes: model.nodes.length,
    importMs,
    forward: timing,
    lrp: lrpTimes,
    gmacPerS: Math.round((macs / 1e9 / (timing.medianMs / 1000)) * 100) / 100,
    multiplyAdds: macs,
    top1,
    reference: referenceError(model),
    memory: {
      beforeImport: before,
      afterImport,
      afterForward: memory(),
      peakRssMiB: Math.round((process.resourceUsage().maxRSS * 1024) / MiB),
    },
  };
}

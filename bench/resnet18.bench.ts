/**
 * torchvision's resnet18 (224×224): explanations in every semiring against zennit's EpsilonPlusFlat
 * (with its ResNetCanonizer) in the same run, and the import in a fresh process
 * (bench/explanations.ts, whose environment variables choose semirings and runs), with the error of
 * the logits against the export script's PyTorch reference.
 *
 * The model is not committed: `/usr/bin/python3 scripts/export-resnet18.py` writes it (random
 * weights and BatchNorm statistics). Without it the benchmark reports that it is missing and how to
 * make it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forward } from '../src/nn/forward.js';
import { importOnnx } from '../src/nn/onnx/index.js';
import { benchExplanations } from './explanations.js';

export const name = 'resnet18';

const MODEL = fileURLToPath(new URL('../models/external/resnet18.onnx', import.meta.url));

function readFloat32(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** max|Δ| / max|reference| of the first sample's logits, or null without the reference files. */
function referenceError(): number | null {
  const input = MODEL.replace(/\.onnx$/, '.input.bin');
  const logits = MODEL.replace(/\.onnx$/, '.logits.bin');
  if (!existsSync(input) || !existsSync(logits)) return null;
  const model = importOnnx(MODEL);
  const x = { shape: [1, 3, 224, 224], data: readFloat32(input).subarray(0, 3 * 224 * 224) };
  const expected = readFloat32(logits).subarray(0, 1000);
  const actual = forward(model, x).output.data;
  let worst = 0;
  let scale = 0;
  for (let k = 0; k < 1000; k++) {
    worst = Math.max(worst, Math.abs(actual[k]! - expected[k]!));
    scale = Math.max(scale, Math.abs(expected[k]!));
  }
  return worst / scale;
}

export async function run(): Promise<Record<string, unknown>> {
  const explanations = await benchExplanations({
    network: 'resnet18',
    model: MODEL,
    howToMake: '/usr/bin/python3 scripts/export-resnet18.py (random weights)',
  });
  if (explanations.status !== 'ok') return explanations;
  return { ...explanations, reference: referenceError() };
}

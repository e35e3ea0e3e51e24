/**
 * Which of the modern-network fixtures (test/fixtures/modern, written by
 * scripts/export-modern-models.py) provlrp imports and runs, and for each one that it does not,
 * what stops it: the ONNX op types of the file that are not in the importer's table
 * (`SUPPORTED_ONNX_OPS`), and the importer's or the forward pass's own error message (which names
 * the operator, its node and scope).
 *
 *   node --import tsx scripts/modern-models-support.ts            the committed fixtures
 *   node --import tsx scripts/modern-models-support.ts --dir models/external/modern
 *
 * Prints one line per file and a closing JSON summary; writes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forward } from '../src/nn/forward.js';
import { importOnnx, SUPPORTED_ONNX_OPS } from '../src/nn/onnx/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dirFlag = process.argv.indexOf('--dir');
const DIR = dirFlag >= 0 ? join(ROOT, process.argv[dirFlag + 1]!) : join(ROOT, 'test', 'fixtures', 'modern');

interface Entry {
  readonly name: string;
  readonly input: { file: string; shape: number[]; dtype: 'float32' | 'int64' };
  readonly logits: { file: string; shape: number[] };
  readonly opsets: Record<string, { file: string; op_types: Record<string, number> }>;
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { models: Entry[] };
const supported = new Set(SUPPORTED_ONNX_OPS);

/** The input file as provlrp's float32 tensor (token ids as their float values). */
function input(entry: Entry): { shape: number[]; data: Float32Array } {
  const bytes = readFileSync(join(DIR, entry.input.file));
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const data =
    entry.input.dtype === 'int64'
      ? Float32Array.from(new BigInt64Array(copy.buffer), (v) => Number(v))
      : new Float32Array(copy.buffer);
  return { shape: entry.input.shape, data };
}

function logits(entry: Entry): Float32Array {
  const bytes = readFileSync(join(DIR, entry.logits.file));
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

const summary: Record<string, { missing_ops: string[]; status: string }> = {};
for (const entry of manifest.models)
  for (const [opset, file] of Object.entries(entry.opsets)) {
    const key = `${entry.name} op${opset}`;
    const missing = Object.keys(file.op_types).filter((op) => !supported.has(op));
    let status: string;
    try {
      const model = importOnnx(join(DIR, file.file));
      const out = forward(model, input(entry)).output;
      const expected = logits(entry);
      let scale = 0;
      let worst = 0;
      for (let i = 0; i < expected.length; i++) {
        scale = Math.max(scale, Math.abs(expected[i]!));
        worst = Math.max(worst, Math.abs(out.data[i]! - expected[i]!));
      }
      status = `imports, forward max|Δ| = ${(worst / scale).toExponential(2)} · max|logit|`;
    } catch (error) {
      status = `fails: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    }
    summary[key] = { missing_ops: missing, status };
    console.log(
      `${key.padEnd(32)} ${missing.length > 0 ? `[not in the op table: ${missing.join(', ')}] ` : ''}${status}`,
    );
  }
console.log(JSON.stringify(summary, null, 1));

/**
 * The zennit reference fixtures (`../shared/fixtures/zennit`, beside the repository): their
 * manifest, and raw little-endian float arrays read by file name.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fixture folder. */
export const ZENNIT_ROOT = fileURLToPath(new URL('../../../shared/fixtures/zennit/', import.meta.url));

/** The composites every fixture model was explained with. */
export const FIXTURE_COMPOSITES = ['epsilon', 'epsilon_plus_flat', 'epsilon_gamma_box'] as const;

/** The fixture models. */
export const FIXTURE_MODELS = ['mlp', 'cnn', 'resnet'] as const;

interface LayerEntry {
  readonly module: string;
  readonly file: string;
  readonly shape: number[];
}

interface ModelEntry {
  readonly input: { file: string; shape: number[] };
  readonly logits: { file: string; shape: number[] };
  readonly targets: number[];
  readonly relevances: Record<
    string,
    { file: string; file_f64: string; shape: number[]; layers: LayerEntry[] }
  >;
}

/** The manifest entry of a fixture model. */
export function fixtureModel(name: string): ModelEntry {
  const manifest = JSON.parse(readFileSync(`${ZENNIT_ROOT}manifest.json`, 'utf8')) as {
    models: Record<string, ModelEntry>;
  };
  return manifest.models[name]!;
}

/** A raw float32 file of the fixtures. */
export function readFloat32(path: string): Float32Array {
  const bytes = readFileSync(path.startsWith('/') ? path : `${ZENNIT_ROOT}${path}`);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** A raw float64 file of the fixtures. */
export function readFloat64(path: string): Float64Array {
  const bytes = readFileSync(path.startsWith('/') ? path : `${ZENNIT_ROOT}${path}`);
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** max|a − b| / max|b| (0 when b is all zero and a equals it). */
export function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/**
 * The modern-network fixtures (test/fixtures/modern, written by scripts/export-modern-models.py,
 * with zennit's references in zennit/ from scripts/zennit-references.py): their manifests, inputs
 * and logits, and whether provlrp imports a file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UnsupportedError } from '../../../src/core/errors.js';
import type { Tensor } from '../../../src/core/tensor.js';
import type { Model } from '../../../src/nn/graph.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { readJson } from './fixture-support.js';

/** The fixture folder. */
export const MODERN = fileURLToPath(new URL('../../fixtures/modern/', import.meta.url));

/** The full-size exports (`--size full`, git-ignored), when they have been written. */
export const MODERN_FULL = fileURLToPath(new URL('../../../models/external/modern/', import.meta.url));

export interface ModernEntry {
  readonly name: string;
  readonly model: string;
  readonly bias_free: boolean;
  readonly input: { file: string; shape: number[]; dtype: 'float32' | 'int64' };
  readonly logits: { file: string; shape: number[] };
  readonly target: number;
  readonly target_logit: number;
  readonly max_abs_logit: number;
  readonly opsets: Record<string, { file: string; op_types: Record<string, number> }>;
}

export interface ZennitEntry {
  readonly fixture: string;
  readonly target: number;
  readonly zennit_float32_relative_error: number;
  /** BatchNorms zennit's canonizers left in place (Pass in zennit 0.5.1). */
  readonly unmerged_batchnorms_pass: number;
  readonly relevance: { file: string; file_f64: string; shape: number[] };
}

/** The manifest of a folder of exports. */
export const manifestIn = (dir: string) => readJson<{ models: ModernEntry[] }>(`${dir}manifest.json`);

export const modernManifest = manifestIn(MODERN);
export const zennitManifest = readJson<{ models: Record<string, ZennitEntry> }>(
  `${MODERN}zennit/manifest.json`,
);

function bytes(path: string): ArrayBuffer {
  const file = readFileSync(path);
  const copy = new Uint8Array(file.byteLength);
  copy.set(file);
  return copy.buffer;
}

/** A fixture's input: float32 images, or int64 token ids as their float32 values. */
export function modernInput(entry: ModernEntry, dir = MODERN): Tensor {
  const buffer = bytes(`${dir}${entry.input.file}`);
  const data =
    entry.input.dtype === 'int64'
      ? Float32Array.from(new BigInt64Array(buffer), (v) => Number(v))
      : new Float32Array(buffer);
  return { shape: entry.input.shape, data };
}

/** torch's logits (the module in float64, cast to float32). */
export const modernLogits = (entry: ModernEntry, dir = MODERN): Float32Array =>
  new Float32Array(bytes(`${dir}${entry.logits.file}`));

export interface Lrp0Entry {
  readonly target: number;
  readonly sum_over_logit: number;
  readonly max_abs_relevance_over_logit: number;
  readonly float32_relative_error: number;
  readonly relevance: { file_f64: string; shape: number[] };
}

/** torch's float64 LRP-0 of the bias-free gated CNNs (scripts/lrp0-references.py). */
export const lrp0Manifest = readJson<{ models: Record<string, Lrp0Entry> }>(`${MODERN}lrp0/manifest.json`);

/** A float64 LRP-0 reference file. */
export const lrp0Relevance = (entry: Lrp0Entry): Float64Array =>
  new Float64Array(bytes(`${MODERN}lrp0/${entry.relevance.file_f64}`));

/** A float64 zennit relevance file. */
export const zennitRelevance = (entry: ZennitEntry): Float64Array =>
  new Float64Array(bytes(`${MODERN}zennit/${entry.relevance.file_f64}`));

/** The imported model, or the importer's refusal (an op or input provlrp does not support yet). */
export function importModern(file: string, dir = MODERN): { model: Model } | { refused: string } {
  try {
    return { model: importOnnx(`${dir}${file}`) };
  } catch (error) {
    if (error instanceof UnsupportedError) return { refused: error.message };
    throw error;
  }
}

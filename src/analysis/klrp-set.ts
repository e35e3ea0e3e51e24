/**
 * The K-LRP set the experiments compare (DESIGN.md §1b): ℝ with the report's MLP composite
 * (`report_mlp`), and 𝔹, ℕ, Viterbi and tropical with their defaults (composite `epsilon`,
 * annotations threshold:1e-9, threshold:1e-9, viterbi, neglog). The keys are the semirings'
 * registry names, which are also the keys of the experiments' JSON.
 */
import { compile } from '../circuits/index.js';
import { sizeOf } from '../core/tensor.js';
import type { Model } from '../nn/index.js';
import type { Progress } from './progress.js';

/** How one relevance map is asked for. */
export interface RelevanceRequest {
  readonly semiring: string;
  readonly composite?: string;
  /** The layer whose output gets the relevance (default the input). */
  readonly layer?: string;
}

/** The K-LRP set, keyed by semiring name. */
export const KLRP_SET = {
  real: { semiring: 'real', composite: 'report_mlp' },
  boolean: { semiring: 'boolean' },
  counting: { semiring: 'counting' },
  viterbi: { semiring: 'viterbi' },
  tropical: { semiring: 'tropical' },
} as const satisfies Record<string, RelevanceRequest>;

/** A semiring of the K-LRP set. */
export type KlrpKey = keyof typeof KLRP_SET;

/** The K-LRP set's keys, in the order of the figures. */
export const KLRP_KEYS = Object.keys(KLRP_SET) as KlrpKey[];

/** Samples per trace: large enough for the batched kernels, small enough for the memory. */
const CHUNK = 250;

/**
 * Relevance already computed in this process, by data key, request and count: `experiment all`
 * explains the same first test images for the attack and the faithfulness test.
 */
const MEMO = new Map<string, Float64Array>();

/**
 * The relevance of each request for the first `count` images of `images` (flat, NCHW), each
 * explained for its own target, one trace per chunk of images shared by all requests. Advances
 * `progress` by one step per image and request. With a `dataKey` naming the model, images and
 * targets (e.g. `mlp/test`), results are kept for later calls with the same key.
 */
export function relevanceOf<Key extends string>(
  model: Model,
  images: Float32Array,
  targets: ArrayLike<number>,
  count: number,
  requests: Readonly<Record<Key, RelevanceRequest>>,
  progress: Progress,
  dataKey?: string,
): Record<Key, Float64Array> {
  const memoKey = (key: Key) => `${dataKey}|${count}|${JSON.stringify(requests[key])}`;
  const keys = (Object.keys(requests) as Key[]).filter(
    (key) => dataKey === undefined || !MEMO.has(memoKey(key)),
  );
  const out = {} as Record<Key, Float64Array>;
  for (const key of Object.keys(requests) as Key[])
    if (!keys.includes(key)) {
      out[key] = MEMO.get(memoKey(key))!;
      progress.advance(count);
    }
  if (keys.length > 0)
    Object.assign(out, traceRelevance(model, images, targets, count, requests, keys, progress));
  if (dataKey !== undefined) for (const key of keys) MEMO.set(memoKey(key), out[key]);
  return out;
}

function traceRelevance<Key extends string>(
  model: Model,
  images: Float32Array,
  targets: ArrayLike<number>,
  count: number,
  requests: Readonly<Record<Key, RelevanceRequest>>,
  keys: readonly Key[],
  progress: Progress,
): Partial<Record<Key, Float64Array>> {
  const circuit = compile(model);
  const inputShape = model.shapes.get(model.input)!;
  const perImage = sizeOf(inputShape);
  const out: Partial<Record<Key, Float64Array>> = {};
  for (let start = 0; start < count; start += CHUNK) {
    const size = Math.min(CHUNK, count - start);
    const trace = circuit.trace({
      shape: [size, ...inputShape],
      data: images.subarray(start * perImage, (start + size) * perImage),
    });
    const chunkTargets = Array.from({ length: size }, (_, i) => targets[start + i]!);
    for (const key of keys) {
      const { semiring, composite, layer } = requests[key];
      const r = trace.relevance({
        semiring,
        targets: chunkTargets,
        ...(composite === undefined ? {} : { composite }),
        ...(layer === undefined ? {} : { layer }),
      });
      const values = r.data ?? Float64Array.from(r.values as number[]);
      const per = values.length / size;
      const into = out[key] ?? new Float64Array(count * per);
      into.set(values, start * per);
      out[key] = into;
      progress.advance(size);
    }
  }
  return out;
}

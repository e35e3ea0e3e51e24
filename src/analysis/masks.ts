/**
 * Masks (the report's §4, Fig. 4.1–4.4): what the shipped MNIST MLP looks at for a whole class.
 * For each class, the 𝔹 relevance of its first n test images (n = 5 and 100), each explained for
 * its true class, is combined pixel by pixel with AND (the pixels relevant in every image) and OR
 * (relevant in some image); the ℕ relevance (paths of positive contributions) with min, max and
 * mean. The same over all classes together (the first n images of every class).
 *
 * Invariants: AND ⊆ OR, and min ≤ mean ≤ max, pixel by pixel.
 */
import { loadMnist, MNIST_CLASSES, type Mnist } from '../nn/datasets/index.js';
import { loadShippedModel } from '../nn/zoo/index.js';
import { type FigureColumn, type FigurePanel, figureGridPng, RELEVANCE_STYLES } from '../viz/index.js';
import { inProcessRelevance } from './dataset-pass.js';
import { type ExperimentOptions, type ExperimentResult, experimentSeed } from './experiment.js';
import { KLRP_DESCRIPTIONS, relevanceOf } from './klrp-set.js';
import { phase, SILENT_PROGRESS } from './progress.js';

/** Pixel-wise combinations of a group of relevance maps. */
export interface CombinedMasks {
  /** 𝔹: relevant in every map / in some map (0/1 per pixel). */
  readonly and: number[];
  readonly or: number[];
  /** ℕ: the pixel's least, greatest and mean path count. */
  readonly min: number[];
  readonly max: number[];
  readonly mean: number[];
}

/**
 * The sizes of a group's masks: pixels set in AND and OR, pixels > 0 in min, mean and max (these
 * equal AND, OR, OR: ℕ > 0 ⇔ 𝔹 under the same threshold), and the largest path count of each.
 */
export interface MaskSizes {
  readonly images: number;
  readonly and: number;
  readonly or: number;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
  readonly peak: { readonly min: number; readonly mean: number; readonly max: number };
}

/** One group (a class, or all classes) at one n. */
export interface MaskGroup {
  readonly sizes: MaskSizes;
  readonly masks: CombinedMasks;
}

/** `masks.json`. */
export interface MasksData {
  readonly settings: {
    readonly model: string;
    readonly counts: readonly number[];
    readonly boolean: string;
    readonly counting: string;
    readonly target: string;
    readonly seed: number;
    readonly quick: boolean;
  };
  /** Per class (its digit as key) and for `all`, per n (as key). */
  readonly groups: Record<string, Record<string, MaskGroup>>;
}

/** The image counts of the full and the quick run. */
export const MASK_COUNTS = { full: [5, 100], quick: [2, 5] } as const;

/** Combines the maps at `indices` (each `pixels` long, in `maps`). */
export function combineMasks(
  booleanMaps: Float64Array,
  countingMaps: Float64Array,
  indices: readonly number[],
  pixels: number,
): CombinedMasks {
  const and = new Array<number>(pixels).fill(1);
  const or = new Array<number>(pixels).fill(0);
  const min = new Array<number>(pixels).fill(Number.POSITIVE_INFINITY);
  const max = new Array<number>(pixels).fill(0);
  const mean = new Array<number>(pixels).fill(0);
  for (const n of indices)
    for (let p = 0; p < pixels; p++) {
      const b = booleanMaps[n * pixels + p]! > 0 ? 1 : 0;
      and[p] = and[p]! & b;
      or[p] = or[p]! | b;
      const c = countingMaps[n * pixels + p]!;
      if (c < min[p]!) min[p] = c;
      if (c > max[p]!) max[p] = c;
      mean[p] = mean[p]! + c / indices.length;
    }
  return { and, or, min, max, mean };
}

const support = (values: readonly number[]): number => values.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);

/** The first `count` test images of each class, by class. */
export function firstOfEachClass(labels: ArrayLike<number>, count: number): number[][] {
  const byClass = Array.from({ length: MNIST_CLASSES }, () => [] as number[]);
  for (let i = 0; i < labels.length; i++) {
    const group = byClass[labels[i]!]!;
    if (group.length < count) group.push(i);
  }
  return byClass;
}

/** Gathers the images at `indices` into one batch. */
export function gather(images: Float32Array, indices: readonly number[], perImage: number): Float32Array {
  const out = new Float32Array(indices.length * perImage);
  indices.forEach((i, n) => {
    out.set(images.subarray(i * perImage, (i + 1) * perImage), n * perImage);
  });
  return out;
}

/** Maps given for `from` (in that order), rearranged into the order of `to` (the same indices). */
function reorder<Key extends string>(
  maps: Record<Key, Float64Array>,
  from: readonly number[],
  to: readonly number[],
): Record<Key, Float64Array> {
  const place = new Map(from.map((i, n) => [i, n]));
  const out = {} as Record<Key, Float64Array>;
  for (const key of Object.keys(maps) as Key[]) {
    const all = maps[key];
    const per = all.length / from.length;
    const into = new Float64Array(all.length);
    to.forEach((i, n) => {
      const p = place.get(i)!;
      into.set(all.subarray(p * per, (p + 1) * per), n * per);
    });
    out[key] = into;
  }
  return out;
}

/** Options of {@link masksExperiment}. */
export interface MasksOptions extends ExperimentOptions {
  /** The MNIST test split, if already loaded. */
  readonly test?: Mnist;
}

/** Runs the masks experiment on the shipped MNIST MLP. */
export async function masksExperiment(options: MasksOptions = {}): Promise<ExperimentResult<MasksData>> {
  const seed = experimentSeed(options, 'masksExperiment');
  const quick = options.quick ?? false;
  const progress = options.progress ?? SILENT_PROGRESS;
  const counts = quick ? MASK_COUNTS.quick : MASK_COUNTS.full;
  const largest = Math.max(...counts);
  const test = options.test ?? loadMnist('test');
  const model = loadShippedModel('mlp');
  const pixels = 28 * 28;
  const byClass = firstOfEachClass(test.labels, largest);
  const chosen = byClass.flat();
  const requests = { boolean: { semiring: 'boolean' }, counting: { semiring: 'counting' } } as const;
  // The pass explains the chosen images in ascending order; `order` finds each one's place.
  const ascending = [...chosen].sort((a, b) => a - b);
  const maps = await phase(progress, 'masks: relevance', 2 * chosen.length, async () =>
    options.test === undefined
      ? reorder(
          await (options.datasetRelevance ?? inProcessRelevance)(
            { model: 'mlp', split: 'test', samples: ascending, requests },
            progress,
          ),
          ascending,
          chosen,
        )
      : relevanceOf(
          model,
          gather(test.images.data, chosen, pixels),
          chosen.map((i) => test.labels[i]!),
          chosen.length,
          requests,
          progress,
        ),
  );
  // Positions in `chosen` of each class's first n images.
  const positions = byClass.map((group, c) => group.map((_, r) => byClass.slice(0, c).flat().length + r));
  const groups: MasksData['groups'] = {};
  const keys = [...byClass.keys()].map(String).concat('all');
  for (const key of keys) {
    groups[key] = {};
    for (const n of counts) {
      const indices =
        key === 'all' ? positions.flatMap((p) => p.slice(0, n)) : positions[Number(key)]!.slice(0, n);
      const masks = combineMasks(maps.boolean, maps.counting, indices, pixels);
      groups[key][String(n)] = {
        sizes: {
          images: indices.length,
          and: support(masks.and),
          or: support(masks.or),
          min: support(masks.min),
          mean: support(masks.mean),
          max: support(masks.max),
          peak: { min: Math.max(...masks.min), mean: Math.max(...masks.mean), max: Math.max(...masks.max) },
        },
        masks,
      };
    }
  }
  const data: MasksData = {
    settings: {
      model: 'mlp (784-300-100-10, shipped)',
      counts,
      boolean: KLRP_DESCRIPTIONS.boolean,
      counting: KLRP_DESCRIPTIONS.counting,
      target: 'true class',
      seed,
      quick,
    },
    groups,
  };
  return { data, figure: masksFigure(data) };
}

const COMBINATIONS = [
  { key: 'and', title: '𝔹 AND', style: RELEVANCE_STYLES.boolean },
  { key: 'or', title: '𝔹 OR', style: RELEVANCE_STYLES.boolean },
  { key: 'min', title: 'ℕ min', style: RELEVANCE_STYLES.counting },
  { key: 'mean', title: 'ℕ mean', style: RELEVANCE_STYLES.counting },
  { key: 'max', title: 'ℕ max', style: RELEVANCE_STYLES.counting },
] as const;

/** The figure: a row per class and one for all classes, a column per combination and n. */
export function masksFigure(data: MasksData): ReturnType<typeof figureGridPng> {
  const counts = data.settings.counts;
  const columns: FigureColumn[] = counts.flatMap((n) =>
    COMBINATIONS.map(({ title, style }) => ({ title: `${title} (${n})`, ...style })),
  );
  const rows = Object.entries(data.groups).map(([key, byCount]) => ({
    label: key === 'all' ? 'all' : `class ${key}`,
    panels: counts.flatMap((n) =>
      COMBINATIONS.map(
        ({ key: combination }): FigurePanel => ({
          relevance: { shape: [1, 28, 28], data: Float64Array.from(byCount[String(n)]!.masks[combination]) },
        }),
      ),
    ),
  }));
  return figureGridPng({ columns, rows, scale: 3, fontSize: 12 });
}

/**
 * The occlusion map (PAPER.md): for every position (x, y) of the 28 × 28 image, invert the zone of
 * rows y−2 … y+1 and columns x−2 … x+1 (x ← 1 − x, clipped at the borders, every position included)
 * in each of the first 1,000 test images, and record how much the shipped MLP's accuracy drops,
 * over all images and per class. A model-side measure of where the network looks, to compare with
 * the relevance maps.
 */
import { loadMnist, MNIST_CLASSES, type Mnist } from '../nn/datasets/index.js';
import { loadShippedModel } from '../nn/zoo/index.js';
import { renderVegaLite } from '../viz/index.js';
import { type ExperimentOptions, type ExperimentResult, experimentSeed } from './experiment.js';
import { InputFlips } from './input-flips.js';
import { phase, SILENT_PROGRESS } from './progress.js';

/** `occlusion.json`. */
export interface OcclusionData {
  readonly settings: {
    readonly model: string;
    readonly images: number;
    readonly zone: string;
    readonly seed: number;
    readonly quick: boolean;
  };
  /** Accuracy of the unoccluded images, overall (`all`) and per class. */
  readonly accuracy: Record<string, number>;
  /** Accuracy drop per position (row-major, 28 × 28), overall (`all`) and per class. */
  readonly drop: Record<string, number[]>;
}

/** The sizes of the full and the quick run. */
export const OCCLUSION_SIZES = { full: { images: 1_000 }, quick: { images: 100 } } as const;

const SIDE = 28;

/** The pixels of the zone at (x, y): rows y−2 … y+1, columns x−2 … x+1, inside the image. */
export function occlusionZone(x: number, y: number, side = SIDE): number[] {
  const zone: number[] = [];
  for (let row = Math.max(0, y - 2); row <= Math.min(side - 1, y + 1); row++)
    for (let col = Math.max(0, x - 2); col <= Math.min(side - 1, x + 1); col++) zone.push(row * side + col);
  return zone;
}

/** Per group (`all` and each class), the share of its images classified correctly. */
function groupAccuracy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  count: number,
): Record<string, number> {
  const right = new Float64Array(MNIST_CLASSES + 1);
  const total = new Float64Array(MNIST_CLASSES + 1);
  for (let n = 0; n < count; n++) {
    let best = 0;
    for (let c = 1; c < MNIST_CLASSES; c++)
      if (logits[n * MNIST_CLASSES + c]! > logits[n * MNIST_CLASSES + best]!) best = c;
    const label = labels[n]!;
    const correct = best === label ? 1 : 0;
    right[label] = right[label]! + correct;
    total[label] = total[label]! + 1;
    right[MNIST_CLASSES] = right[MNIST_CLASSES]! + correct;
    total[MNIST_CLASSES] = total[MNIST_CLASSES]! + 1;
  }
  const out: Record<string, number> = { all: right[MNIST_CLASSES]! / total[MNIST_CLASSES]! };
  for (let c = 0; c < MNIST_CLASSES; c++) out[String(c)] = total[c]! > 0 ? right[c]! / total[c]! : 0;
  return out;
}

/** Options of {@link occlusionExperiment}. */
export interface OcclusionOptions extends ExperimentOptions {
  readonly test?: Mnist;
}

/** Runs the occlusion experiment on the shipped MNIST MLP. */
export async function occlusionExperiment(
  options: OcclusionOptions = {},
): Promise<ExperimentResult<OcclusionData>> {
  const seed = experimentSeed(options, 'occlusionExperiment');
  const quick = options.quick ?? false;
  const progress = options.progress ?? SILENT_PROGRESS;
  const { images: count } = quick ? OCCLUSION_SIZES.quick : OCCLUSION_SIZES.full;
  const test = options.test ?? loadMnist('test', { limit: count });
  const model = loadShippedModel('mlp');
  const flips = new InputFlips(model, test.images.data, count);
  const accuracy = groupAccuracy(flips.logits(), test.labels, count);
  const drop: Record<string, number[]> = Object.fromEntries(
    Object.keys(accuracy).map((k) => [k, new Array<number>(SIDE * SIDE).fill(0)]),
  );
  await phase(progress, 'occlusion: positions', SIDE * SIDE, () => {
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++) {
        flips.reset();
        const zone = occlusionZone(x, y);
        for (let n = 0; n < count; n++) for (const p of zone) flips.flip(n, p);
        const occluded = groupAccuracy(flips.logits(), test.labels, count);
        for (const key of Object.keys(accuracy)) drop[key]![y * SIDE + x] = accuracy[key]! - occluded[key]!;
        progress.advance();
      }
  });
  const data: OcclusionData = {
    settings: {
      model: 'mlp (784-300-100-10, shipped)',
      images: count,
      zone: 'rows y−2 … y+1, columns x−2 … x+1, x ← 1 − x, clipped at the borders',
      seed,
      quick,
    },
    accuracy,
    drop,
  };
  return { data, figure: await occlusionFigure(data) };
}

/** The figure: one heatmap of the accuracy drop per group (all, then each class), Vega-Lite facets. */
export function occlusionFigure(data: OcclusionData): ReturnType<typeof renderVegaLite> {
  const groups = Object.keys(data.drop);
  const values = groups.flatMap((group) =>
    data.drop[group]!.map((d, i) => ({
      group: group === 'all' ? 'all classes' : `class ${group}`,
      x: i % SIDE,
      y: Math.floor(i / SIDE),
      drop: d,
    })),
  );
  const extent = Math.max(1e-9, ...values.map((v) => Math.abs(v.drop)));
  return renderVegaLite({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 8,
    title: `accuracy drop when the 4 × 4 zone at (x, y) is inverted (${data.settings.images} test images)`,
    data: { values },
    facet: {
      field: 'group',
      type: 'nominal',
      title: null,
      sort: groups.map((g) => (g === 'all' ? 'all classes' : `class ${g}`)),
    },
    columns: 6,
    spec: {
      width: 112,
      height: 112,
      mark: 'rect',
      encoding: {
        x: { field: 'x', type: 'ordinal', axis: null },
        y: { field: 'y', type: 'ordinal', axis: null },
        color: {
          field: 'drop',
          type: 'quantitative',
          title: 'accuracy drop',
          scale: { scheme: 'redblue', reverse: true, domain: [-extent, extent] },
        },
      },
    },
  });
}

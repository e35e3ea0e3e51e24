/**
 * Relevance styles: how each semiring of the K-LRP set (DESIGN.md 1b) is drawn by default.
 *
 * The channel aggregation is the semiring's own ⊕ (a pixel's relevance over its channels is the
 * sum over the paths from all of them): ℝ and counting add, Boolean ors, Viterbi takes the max,
 * tropical the min. Colours:
 *
 * | semiring   | colour map | normalisation | note                                              |
 * |------------|------------|---------------|---------------------------------------------------|
 * | `real`     | `bwr`      | symmetric     | red positive, blue negative, white 0              |
 * | `boolean`  | `boolean`  | none          | red where a relevant path exists                  |
 * | `counting` | `hot`      | max           | black: no path, white: the most paths             |
 * | `viterbi`  | `wred`     | max           | red: the strongest best path                      |
 * | `tropical` | `wred`     | minmax        | reversed: the smallest cost is red; +∞ is white   |
 *
 * The tropical map is −log of the Viterbi one, so its panel is the Viterbi panel on a log scale.
 */
import type { HeatmapStyle } from './heatmap.js';

/** The default heatmap style of each semiring of the K-LRP set, by registry name. */
export const RELEVANCE_STYLES = {
  real: { colorMap: 'bwr', normalize: 'symmetric', aggregate: 'sum' },
  boolean: { colorMap: 'boolean', normalize: 'none', aggregate: 'or' },
  counting: { colorMap: 'hot', normalize: 'max', aggregate: 'sum' },
  viterbi: { colorMap: 'wred', normalize: 'max', aggregate: 'max' },
  tropical: { colorMap: 'wred', normalize: 'minmax', aggregate: 'min', reverse: true },
} as const satisfies Record<string, HeatmapStyle>;

/** A semiring with a default relevance style. */
export type StyledSemiringName = keyof typeof RELEVANCE_STYLES;

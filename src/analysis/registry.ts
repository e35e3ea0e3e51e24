/**
 * The experiments by name, as `provlrp experiment <name>` offers them, in the order `all` runs them.
 */
import { NotFoundError } from '../core/errors.js';
import { attackExperiment } from './attack.js';
import { dmnistExperiment } from './dmnist.js';
import type { ExperimentOptions, ExperimentResult } from './experiment.js';
import { faithfulnessExperiment } from './faithfulness.js';
import { masksExperiment } from './masks.js';
import { occlusionExperiment } from './occlusion.js';
import { pruningExperiment } from './pruning.js';

/** Options only some experiments read (the others ignore them). */
export interface ExperimentVariants {
  /** pruning: keep a removed neuron's bias (the report's variant). */
  readonly keepBias?: boolean;
  /** attack: guide each image by its own |R| instead of the mean over the images. */
  readonly perImage?: boolean;
}

/** An experiment: what it shows, and how to run it. */
export interface Experiment {
  readonly description: string;
  readonly run: (
    options: ExperimentOptions & ExperimentVariants,
  ) => Promise<ExperimentResult<{ readonly settings: object }>>;
}

/** Every experiment, by name. */
export const EXPERIMENTS = {
  masks: {
    description:
      '𝔹 masks (AND, OR) and ℕ masks (min, mean, max) of the first 5 and 100 test images per class',
    run: masksExperiment,
  },
  dmnist: {
    description:
      'two-digit MNIST and its shipped MLP: accuracy, and the share of mask pixels and of |R| in the ignored lower half',
    run: dmnistExperiment,
  },
  pruning: {
    description:
      'remove the first hidden layer’s lowest-ranked neurons (composite, Viterbi, 𝔹, ℕ, L1, L2, random): accuracy and loss',
    run: pruningExperiment,
  },
  occlusion: {
    description: 'the accuracy drop when a 4 × 4 zone is inverted, at every position, overall and per class',
    run: occlusionExperiment,
  },
  attack: {
    description: 'flip pixels chosen by softmax(−η·R̄) against uniform choice: accuracy as pixels are flipped',
    run: attackExperiment,
  },
  faithfulness: {
    description: 'MoRF pixel flipping and AOPC for every K-LRP semiring against a random order, 5 seeds',
    run: faithfulnessExperiment,
  },
} as const satisfies Record<string, Experiment>;

/** An experiment's name. */
export type ExperimentName = keyof typeof EXPERIMENTS;

/** The experiments' names, in the order `all` runs them. */
export const EXPERIMENT_NAMES = Object.keys(EXPERIMENTS) as ExperimentName[];

/** The experiment called `name`. */
export function experimentByName(name: string): Experiment {
  if (!Object.hasOwn(EXPERIMENTS, name))
    throw new NotFoundError('experiment', name, [...EXPERIMENT_NAMES, 'all']);
  return EXPERIMENTS[name as ExperimentName];
}

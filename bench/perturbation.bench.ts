/**
 * The perturbation experiments' evaluators against the plain forward pass they replace, on the
 * shipped MNIST MLP: one pixel flipped in each of 1,000 test images, then the logits (InputFlips,
 * the first dense layer updated per changed pixel) versus a forward pass of the whole batch; and
 * the 10,000 test images with 100 first-layer neurons removed (PrunedEvaluator, the tail of the
 * model only) versus evaluating the pruned copy.
 */
import { InputFlips, PRUNED_LAYER, PrunedEvaluator, pruneNeurons } from '../src/analysis/index.js';
import { loadMnist } from '../src/nn/datasets/index.js';
import { forward } from '../src/nn/forward.js';
import { evaluateModel } from '../src/nn/train/index.js';
import { loadShippedModel } from '../src/nn/zoo/index.js';
import { time } from './timing.js';

export const name = 'perturbation';

export async function run(): Promise<Record<string, unknown>> {
  const model = loadShippedModel('mlp');
  const few = loadMnist('test', { limit: 1_000 });
  const flips = new InputFlips(model, few.images.data, 1_000);
  let p = 0;
  const step = () => {
    for (let n = 0; n < 1_000; n++) flips.flip(n, p % 784);
    p++;
    return flips.logits();
  };
  const full = () => forward(model, { shape: [1_000, 1, 28, 28], data: flips.images }).output;
  const test = loadMnist('test');
  const removed = Array.from({ length: 100 }, (_, i) => 2 * i);
  const evaluator = new PrunedEvaluator(model, PRUNED_LAYER, test);
  return {
    flipOnePixelIn1000Images: { inputFlips: await time(step), fullForward: await time(full) },
    prune100Of300On10000Images: {
      prunedEvaluator: await time(() => evaluator.evaluate(removed), { runs: 7 }),
      pruneAndEvaluate: await time(() => evaluateModel(pruneNeurons(model, PRUNED_LAYER, removed), test), {
        runs: 7,
      }),
    },
  };
}

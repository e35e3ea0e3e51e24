/**
 * K-LRP on the shipped MNIST MLP: milliseconds per digit for each semiring of the K-LRP set, with
 * its kernel and with the generic gate-level evaluator, on a batch of test digits from one trace
 * (the forward pass and each composite's statistics are shared, as in real use).
 */
import { compile } from '../src/circuits/index.js';
import { loadMnist } from '../src/nn/datasets/index.js';
import { loadShippedModel } from '../src/nn/zoo/index.js';
import { time } from './timing.js';

export const name = 'klrp';

export async function run(): Promise<Record<string, unknown>> {
  const model = loadShippedModel('mlp');
  const digits = 20;
  const { images } = loadMnist('test', { limit: digits });
  const result: Record<string, unknown> = { model: 'mnist-mlp 784-300-100-10', digits };
  for (const semiring of ['real', 'boolean', 'counting', 'viterbi', 'tropical']) {
    const composite = semiring === 'real' ? 'report_mlp' : 'epsilon';
    const perDigit = async (evaluator: 'auto' | 'generic') => {
      const timing = await time(
        () => {
          // A fresh trace per run: nothing comes from the memo.
          compile(model).trace(images).relevance({ semiring, composite, evaluator });
        },
        { runs: evaluator === 'auto' ? 5 : 3, warmup: 1 },
      );
      return { medianMsPerDigit: timing.medianMs / digits, minMsPerDigit: timing.minMs / digits };
    };
    const kernel = await perDigit('auto');
    const generic = await perDigit('generic');
    result[semiring] = { kernel, generic, speedup: generic.medianMsPerDigit / kernel.medianMsPerDigit };
  }
  return result;
}

import { compile } from '../src/circuits/index.js';
import { loadMnist } from '../src/nn/datasets/index.js';
import { loadShippedModel } from '../src/nn/zoo/index.js';
import { time } from './timing.js';

for (const [name, batch] of [
  ['mlp', 1],
  ['mlp', 256],
  ['cnn', 1],
] as const) {
  const model = loadShippedModel(name);
  const circuit = compile(model);
  const { images } = loadMnist('test', { limit: batch });
  for (const semiring of ['real', 'boolean', 'counting', 'viterbi', 'tropical']) {
    const t = await time(() => circuit.trace(images).relevance({ semiring }), { runs: 7, warmup: 2 });
    console.log(name, batch, semiring, (t.medianMs / batch).toFixed(4), 'ms/img');
  }
}

import { compile } from '../src/circuits/index.js';
import { loadMnist } from '../src/nn/datasets/index.js';
import { loadShippedModel } from '../src/nn/zoo/index.js';

const name = (process.env.M ?? 'mlp') as 'mlp';
const batch = Number(process.env.B ?? 1);
const model = loadShippedModel(name);
const circuit = compile(model);
const { images } = loadMnist('test', { limit: batch });
const N = 200;
for (const semiring of ['viterbi', 'boolean']) {
  for (let r = 0; r < 2; r++) {
    let t0 = performance.now();
    for (let i = 0; i < N; i++) circuit.trace(images);
    const tt = (performance.now() - t0) / N;
    t0 = performance.now();
    for (let i = 0; i < N; i++) circuit.trace(images).relevance({ semiring });
    const tr = (performance.now() - t0) / N;
    console.log(semiring, 'trace', tt.toFixed(3), 'trace+rel', tr.toFixed(3));
  }
}

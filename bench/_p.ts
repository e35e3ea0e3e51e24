import { compile } from '../src/circuits/index.js';
import { loadMnist } from '../src/nn/datasets/index.js';
import { loadShippedModel } from '../src/nn/zoo/index.js';

const name = (process.env.M ?? 'mlp') as 'mlp';
const batch = Number(process.env.B ?? 1);
const model = loadShippedModel(name);
const circuit = compile(model);
const { images } = loadMnist('test', { limit: batch });
const semiring = process.env.S ?? 'viterbi';
for (let i = 0; i < Number(process.env.N ?? 300); i++) circuit.trace(images).relevance({ semiring });

/**
 * Predicting the size of symbolic relevance before building it (src/circuits/symbolic-size.ts).
 *
 *   vgg16_slim_token   ℕ[X] relevance of VGG-16 at 1/8 width, one 224×224 image, default token
 *                      annotation: refused (paths counted on the unit-weight adjoint GEMMs)
 *   mlp_token          the same on the shipped MNIST MLP, one digit
 *   mlp_threshold      ℕ[X] under threshold:0.05 on the MLP: counted edge by edge, then built
 *
 * Budget: the VGG-16-slim refusal well under 2 s (the bound), after the forward pass.
 */
import { readFileSync } from 'node:fs';
import { compile } from '../src/circuits/index.js';
import { LimitError } from '../src/core/errors.js';
import { loadMnist } from '../src/nn/datasets/index.js';
import { importOnnx } from '../src/nn/onnx/index.js';
import { loadShippedModel } from '../src/nn/zoo/index.js';
import { time } from './timing.js';

export const name = 'symbolic-size';

function refusal(run: () => unknown): () => number {
  return () => {
    try {
      run();
    } catch (error) {
      if (error instanceof LimitError) return Number(error.size);
      throw error;
    }
    throw new Error('bench: the symbolic relevance was not refused');
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = new URL('../test/fixtures/vgg16-slim/', import.meta.url).pathname;
  const vgg = importOnnx(`${dir}vgg16-slim.onnx`);
  const bytes = readFileSync(`${dir}vgg16-slim.input.bin`);
  const image = new Float32Array(bytes.buffer, bytes.byteOffset, 3 * 224 * 224).slice();
  const vggTrace = compile(vgg).trace({ shape: [1, 3, 224, 224], data: image });
  const vggRefusal = refusal(() => vggTrace.relevance({ semiring: 'polynomial' }));

  const mlpTrace = compile(loadShippedModel('mlp')).trace(loadMnist('test', { limit: 1 }).images);
  const mlpRefusal = refusal(() => mlpTrace.relevance({ semiring: 'polynomial' }));
  return {
    vgg16_slim_token: { paths: vggRefusal(), ...(await time(vggRefusal, { warmup: 1, runs: 5 })) },
    mlp_token: { paths: mlpRefusal(), ...(await time(mlpRefusal)) },
    // One run: a second request would be answered from the trace's memo.
    mlp_threshold: await time(
      () => mlpTrace.relevance({ semiring: 'polynomial', annotate: 'threshold:0.05' }),
      {
        warmup: 0,
        runs: 1,
      },
    ),
  };
}

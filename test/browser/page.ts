/**
 * The browser test page's script: fetches the shipped MLP's bytes and one MNIST digit from the
 * test's server, computes the digit's 𝔹 and ℝ relevance with the bundled core, and posts both
 * back as JSON (or the error, so that the test can show it).
 */
import { compile, decodeModel, relevanceToArray, tensor } from '../../src/index.js';

async function bytes(path: string): Promise<Uint8Array> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function explain(): Promise<unknown> {
  const model = decodeModel(await bytes('/model.provlrp'));
  const pixels = new Float32Array((await bytes('/digit.f32')).buffer);
  const trace = compile(model).trace(tensor([1, 1, 28, 28], pixels));
  const boolean = relevanceToArray(trace.relevance({ semiring: 'boolean' }));
  const real = relevanceToArray(trace.relevance({ semiring: 'real' }));
  return { boolean: [...boolean.data], real: [...real.data], shape: real.shape };
}

const report = (body: unknown) => fetch('/result', { method: 'POST', body: JSON.stringify(body) });
explain().then(report, (e: Error) => report({ error: `${e.name}: ${e.message}\n${e.stack}` }));

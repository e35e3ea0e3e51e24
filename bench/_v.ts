import { readFileSync } from 'node:fs';
import { compile } from '../src/circuits/index.js';
import { importOnnx } from '../src/nn/onnx/index.js';

const path = process.env.F ?? 'test/fixtures/vgg16-slim/vgg16-slim.onnx';
const model = importOnnx(readFileSync(path));
const shape = model.shapes.get(model.input)!;
const size = shape.reduce((a, b) => a * b, 1);
const x = { shape: [1, ...shape], data: new Float32Array(size).map((_, i) => Math.sin(i) * 0.5 + 0.5) };
const circuit = compile(model);
const evals = (process.env.E ?? 'auto,per_edge').split(',');
for (const semiring of (process.env.S ?? 'real,boolean,counting,viterbi,tropical').split(',')) {
  const out: Record<string, number> = {};
  let ref: Float64Array | undefined;
  for (const evaluator of evals) {
    const t = performance.now();
    const r = circuit.trace(x).relevance({ semiring, evaluator: evaluator as 'auto' }).data!;
    out[evaluator] = Math.round(performance.now() - t);
    if (ref === undefined) ref = r as Float64Array;
    else {
      let w = 0;
      for (let i = 0; i < r.length; i++) {
        const a = ref[i]!,
          b = r[i]!;
        if (a !== b) w = Math.max(w, Math.abs(a - b) / Math.max(1, Math.abs(b)));
      }
      out.worst = w;
    }
  }
  console.log(semiring, JSON.stringify(out), 'rss MiB', Math.round(process.resourceUsage().maxRSS / 1024));
}

/**
 * Brute-force path enumeration over the neuron-level edges of a trace, written without the
 * evaluator: every path from an input element up to the target logit is listed explicitly, with
 * its tokens (tokenised edges) and its coefficients. Tiny nets only: the number of paths grows
 * exponentially with depth.
 */
import type { Trace } from '../../src/circuits/index.js';
import { layerIndexMap } from '../../src/circuits/index.js';
import type { Composite } from '../../src/nn/lrp/index.js';
import { edgeToken } from '../../src/semirings/index.js';

/** One edge of a path: its token (undefined for structural edges) and coefficient. */
export interface PathEdge {
  readonly token?: number;
  readonly layer: string;
  readonly j: number;
  readonly k: number;
  readonly d: number;
}

interface NeuronEdge extends PathEdge {
  readonly from: string;
  readonly fromIndex: number;
}

/** Every path of sample `n` from each input element to output element `target`. */
export function enumeratePaths(
  trace: Trace,
  composite: string | Composite,
  n: number,
  target: number,
): PathEdge[][][] {
  const model = trace.model;
  // Edges into each (tensor, index), from the coefficients of every node.
  const into = new Map<string, NeuronEdge[]>();
  for (const node of model.nodes) {
    const c = trace.coefficients(node, { composite });
    const sizes = node.inputs.map((t) => model.shapes.get(t)!.reduce((p, d) => p * d, 1));
    const toLayer = layerIndexMap(model, node);
    c.forEachEdge(n, (j, k, d) => {
      let input = 0;
      let local = j;
      while (local >= sizes[input]!) local -= sizes[input++]!;
      const jl = c.tokenized ? toLayer(j) : j;
      if (jl < 0) return;
      const key = `${node.output}#${k}`;
      const list = into.get(key) ?? [];
      list.push({
        from: node.inputs[input]!,
        fromIndex: local,
        layer: node.layer,
        j: jl,
        k,
        d,
        ...(c.tokenized ? { token: edgeToken(node.layer, jl, k) } : {}),
      });
      into.set(key, list);
    });
  }
  const inputSize = model.shapes.get(model.input)!.reduce((p, d) => p * d, 1);
  const paths: PathEdge[][][] = Array.from({ length: inputSize }, () => []);
  const walk = (tensor: string, index: number, suffix: PathEdge[]): void => {
    if (tensor === model.input) {
      paths[index]!.push([...suffix].reverse());
      return;
    }
    for (const e of into.get(`${tensor}#${index}`) ?? []) walk(e.from, e.fromIndex, [...suffix, e]);
  };
  walk(model.output, target, []);
  return paths;
}

import { describe, expect, it } from 'vitest';
import { compile } from '../../src/circuits/index.js';
import { importOnnx } from '../../src/nn/onnx/index.js';
import { tinyNet } from '../support/random-nets.js';
import { ZENNIT_ROOT } from '../support/zennit-fixtures.js';

describe('compile', () => {
  it('makes a node per tensor and an edge per (operator, input) pair, with its token family', () => {
    const model = tinyNet({
      kind: 'padded_pool',
      seed: 1,
      stride: 1,
      pad: 0,
      dilation: 1,
      countIncludePad: true,
    });
    const { graph } = compile(model);
    expect(graph.type).toBe('directed');
    expect(graph.multi).toBe(true);
    expect(graph.order).toBe(model.shapes.size);
    expect(graph.size).toBe(model.nodes.reduce((n, node) => n + node.inputs.length, 0));
    expect(graph.getNodeAttributes(model.input).role).toBe('input');
    expect(graph.getNodeAttributes(model.output).role).toBe('output');
    const byOp = (op: string) =>
      graph.filterEdges((_e, a) => a.op === op).map((e) => graph.getEdgeAttributes(e));
    expect(byOp('avg_pool').map((a) => [a.family, a.tokens, a.layer])).toEqual([['pool', true, 'pool']]);
    expect(byOp('pad').map((a) => [a.family, a.tokens, a.layer])).toEqual([['identity', false, 'pool']]);
    expect(byOp('concat').map((a) => [a.family, a.tokens, a.input])).toEqual([
      ['identity', false, 0],
      ['identity', false, 1],
    ]);
    expect(byOp('dense').map((a) => [a.family, a.tokens])).toEqual([['dense', true]]);
    expect(byOp('conv').map((a) => [a.family, a.tokens])).toEqual([['conv', true]]);
    // Edges run forward: from the operator's input tensor to its output tensor.
    const dense = model.nodes.find((n) => n.op === 'dense')!;
    expect(graph.source(`${dense.name}#0`)).toBe(dense.inputs[0]);
    expect(graph.target(`${dense.name}#0`)).toBe(dense.output);
  });

  it('marks residual sums as tokenised and max-pooling as decided by the rule', () => {
    const model = importOnnx(`${ZENNIT_ROOT}resnet/model.onnx`);
    const { graph } = compile(model);
    const add = graph.filterEdges((_e, a) => a.op === 'add');
    expect(add.map((e) => graph.getEdgeAttributes(e).family)).toEqual(['add', 'add']);
    expect(add.every((e) => graph.getEdgeAttributes(e).tokens === true)).toBe(true);
    const cnn = compile(importOnnx(`${ZENNIT_ROOT}cnn/model.onnx`)).graph;
    const pool = cnn.filterEdges((_e, a) => a.op === 'max_pool').map((e) => cnn.getEdgeAttributes(e));
    expect(pool.map((a) => [a.family, a.tokens])).toEqual([['pool', 'rule']]);
    expect(
      cnn.filterEdges((_e, a) => a.op === 'relu').every((e) => cnn.getEdgeAttributes(e).tokens === false),
    ).toBe(true);
  });
});

describe('Circuit.expand', () => {
  it('expands a trace of its own model, and refuses a trace of another', () => {
    const model = tinyNet({ kind: 'dense', seed: 1, stride: 1, pad: 0, dilation: 1, countIncludePad: false });
    const circuit = compile(model);
    const trace = circuit.trace({ shape: [1, 3], data: Float32Array.from([0.2, 0.4, 0.6]) });
    // The cone of the target: 3·3 + 3 + 3·3 + 3 + 3 edges (dense, relu, dense, relu, the target's column).
    expect(circuit.expand(trace).size).toBe(9 + 3 + 9 + 3 + 3);
    expect(circuit.expand(trace, { target: null }).size).toBe(9 + 3 + 9 + 3 + 6);
    const other = compile(
      tinyNet({ kind: 'dense', seed: 2, stride: 1, pad: 0, dilation: 1, countIncludePad: false }),
    );
    expect(() => other.expand(trace)).toThrow(/another model/);
  });
});

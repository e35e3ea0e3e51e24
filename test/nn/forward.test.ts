import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError, ShapeError } from '../../src/core/errors.js';
import { sliceBatch, tensor } from '../../src/core/tensor.js';
import { conv2d, flatten, linear, maxPool2d, relu, sequential } from '../../src/nn/builder/index.js';
import { argmax, forward, predict } from '../../src/nn/forward.js';
import { applyOp, expectClose, randomTensor, rngOf } from './support.js';

const cnn = sequential(
  [1, 6, 6],
  [conv2d(1, 2, 3, { padding: 1 }), relu(), maxPool2d(2), flatten(), linear(18, 4)],
  { seed: 3 },
);

describe('nn/forward', () => {
  it('keeps every tensor, the input included, each with the batch axis first', () => {
    const x = randomTensor(rngOf(1), [2, 1, 6, 6]);
    const acts = forward(cnn, x);
    expect(acts.names()).toEqual(['input', '0', '1', '2', '3', '4']);
    expect(acts.get('0').shape).toEqual([2, 2, 6, 6]);
    expect(acts.get('2').shape).toEqual([2, 2, 3, 3]);
    expect(acts.output.shape).toEqual([2, 4]);
    expect(acts.batch).toBe(2);
    expect(acts.inputsOf(cnn.nodes[1]!)).toEqual([acts.get('0')]);
  });

  it("computes each node from its inputs' activations with the node's operator", () => {
    const x = randomTensor(rngOf(2), [3, 1, 6, 6]);
    const acts = forward(cnn, x);
    for (const node of cnn.nodes) expectClose(acts.outputOf(node), applyOp(node, acts.inputsOf(node)), 0);
  });

  it('computes each sample independently of the batch it is in', () => {
    const x = randomTensor(rngOf(3), [3, 1, 6, 6]);
    const whole = predict(cnn, x);
    for (let s = 0; s < 3; s++) expectClose(predict(cnn, sliceBatch(x, s)), sliceBatch(whole, s), 0);
  });

  it("computes in the input's dtype by default and in float64 on request", () => {
    const x = randomTensor(rngOf(4), [1, 1, 6, 6]);
    for (const [, t] of forward(cnn, x)) expect(t.data).toBeInstanceOf(Float32Array);
    const acts64 = forward(cnn, x, { dtype: 'float64' });
    expect(acts64.dtype).toBe('float64');
    for (const [, t] of acts64) expect(t.data).toBeInstanceOf(Float64Array);
    // float64 and float32 logits agree to float32 precision
    expectClose(predict(cnn, x), acts64.output, 1e-5);
    const x64 = randomTensor(rngOf(4), [1, 1, 6, 6], 'float64');
    expect(predict(cnn, x64).data).toBeInstanceOf(Float64Array);
  });

  it('rejects an input of the wrong shape, naming expected and actual shapes', () => {
    const wrong = () => forward(cnn, randomTensor(rngOf(5), [1, 6, 6]));
    expect(wrong).toThrow(ShapeError);
    expect(wrong).toThrow(/expected shape \[N, 1, 6, 6\] with N ≥ 1, got \[1, 6, 6\]/);
    expect(() => forward(cnn, randomTensor(rngOf(5), [1, 1, 6, 5]))).toThrow(ShapeError);
    expect(() => forward(cnn, randomTensor(rngOf(5), [0, 1, 6, 6]))).toThrow(ShapeError);
    expect(() => forward(cnn, { shape: [1, 1, 6, 6], data: new Float32Array(35) })).toThrow(/36 elements/);
  });

  it('rejects non-finite inputs and an unknown dtype', () => {
    const x = randomTensor(rngOf(6), [1, 1, 6, 6]);
    x.data[7] = Number.NaN;
    expect(() => forward(cnn, x)).toThrow(InvalidArgumentError);
    expect(() => forward(cnn, x)).toThrow(/element 7/);
    const ok = randomTensor(rngOf(6), [1, 1, 6, 6]);
    expect(() => forward(cnn, ok, { dtype: 'float16' as never })).toThrow(/dtype/);
  });

  it('throws a NotFoundError for an unknown tensor name', () => {
    const acts = forward(cnn, randomTensor(rngOf(7), [1, 1, 6, 6]));
    expect(() => acts.get('logits')).toThrow(NotFoundError);
    expect(acts.has('4')).toBe(true);
  });
});

describe('nn/forward: argmax', () => {
  it('returns each sample’s largest element, the first on ties', () => {
    const t = tensor([3, 3], Float32Array.from([1, 5, 2, 7, 7, 0, -1, -3, -1]));
    expect(argmax(t)).toEqual([1, 0, 0]);
  });

  it('rejects a tensor without a sample axis', () => {
    expect(() => argmax(tensor([3], new Float32Array(3)))).toThrow(ShapeError);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError, ProvlrpError, ShapeError } from '../../src/core/errors.js';
import type { AnyNode } from '../../src/nn/graph.js';
import { createModel, type ModelSpec, shapeOf } from '../../src/nn/model.js';
import { OPS } from '../../src/nn/ops/index.js';
import { randomParam, rngOf } from './support.js';

const rng = rngOf(11);

const fc = (name: string, input: string, nIn: number, nOut: number, output = name): AnyNode => ({
  op: 'dense',
  name,
  layer: name,
  inputs: [input],
  output,
  attributes: {},
  params: { weight: randomParam(rng, [nOut, nIn]), bias: randomParam(rng, [nOut]) },
});

const act = (name: string, input: string): AnyNode => ({
  op: 'relu',
  name,
  layer: name,
  inputs: [input],
  output: name,
  attributes: {},
  params: {},
});

const sum = (name: string, inputs: string[]): AnyNode => ({
  op: 'add',
  name,
  layer: name,
  inputs,
  output: name,
  attributes: {},
  params: {},
});

const mlp: ModelSpec = {
  input: 'input',
  inputShape: [6],
  output: 'fc2',
  nodes: [fc('fc1', 'input', 6, 4), act('relu', 'fc1'), fc('fc2', 'relu', 4, 3)],
};

describe('nn/model: createModel', () => {
  it('infers the per-sample shape of every tensor, the input included', () => {
    const model = createModel(mlp);
    expect(Object.fromEntries(model.shapes)).toEqual({ input: [6], fc1: [4], relu: [4], fc2: [3] });
    expect(model.nodes.map((n) => n.name)).toEqual(['fc1', 'relu', 'fc2']);
    expect(shapeOf(model, 'relu')).toEqual([4]);
    expect(() => shapeOf(model, 'nope')).toThrow(NotFoundError);
  });

  it('keeps the stripped output marker', () => {
    expect(createModel({ ...mlp, strippedOutput: 'log_softmax' }).strippedOutput).toBe('log_softmax');
    expect(createModel(mlp).strippedOutput).toBeUndefined();
  });

  it('rejects a weight of the wrong shape with a ShapeError naming node and layer', () => {
    const nodes = [fc('fc1', 'input', 6, 4), fc('fc2', 'fc1', 5, 3)];
    const build = () => createModel({ ...mlp, nodes });
    expect(build).toThrow(ShapeError);
    expect(build).toThrow(/node "fc2" \(dense, layer "fc2"\)/);
  });

  it('rejects an add of tensors of different shapes, naming the node', () => {
    const nodes = [fc('a', 'input', 6, 4), fc('b', 'input', 6, 3), sum('block', ['a', 'b'])];
    const build = () => createModel({ ...mlp, output: 'block', nodes });
    expect(build).toThrow(ShapeError);
    expect(build).toThrow(/node "block" \(add/);
  });

  it('rejects an input that no earlier node defines (also one defined later)', () => {
    const undefinedInput = () => createModel({ ...mlp, nodes: [fc('fc1', 'x', 6, 4)], output: 'fc1' });
    expect(undefinedInput).toThrow(InvalidArgumentError);
    expect(undefinedInput).toThrow(/node "fc1".*reads tensor "x"/);
    const outOfOrder = () => createModel({ ...mlp, nodes: [act('relu', 'fc1'), fc('fc1', 'input', 6, 4)] });
    expect(outOfOrder).toThrow(/node "relu".*topological order/);
  });

  it('rejects duplicate node names and duplicate output tensors', () => {
    const twice = () =>
      createModel({
        ...mlp,
        output: 'fc1',
        nodes: [fc('fc1', 'input', 6, 4), fc('fc1', 'input', 6, 4, 'other')],
      });
    expect(twice).toThrow(InvalidArgumentError);
    expect(twice).toThrow(/node name "fc1" is used twice/);
    const sameOutput = () =>
      createModel({ ...mlp, output: 'h', nodes: [fc('a', 'input', 6, 4, 'h'), fc('b', 'input', 6, 4, 'h')] });
    expect(sameOutput).toThrow(/node "b".*output tensor "h" is already defined/);
    const shadowsInput = () =>
      createModel({ ...mlp, output: 'input', nodes: [fc('a', 'input', 6, 4, 'input')] });
    expect(shadowsInput).toThrow(InvalidArgumentError);
  });

  it('rejects an output that no node produces, listing the tensors', () => {
    expect(() => createModel({ ...mlp, output: 'logits' })).toThrow(/"logits" is produced by no node.*fc2/);
  });

  it('rejects an unknown op and a bad input shape', () => {
    const unknown = { ...act('lstm', 'input'), op: 'lstm' } as unknown as AnyNode;
    expect(() => createModel({ ...mlp, nodes: [unknown], output: 'lstm' })).toThrow(/unknown op "lstm"/);
    expect(() => createModel({ ...mlp, inputShape: [0] })).toThrow(InvalidArgumentError);
    expect(() => createModel({ ...mlp, inputShape: [2.5] })).toThrow(/positive integer/);
  });

  it('answers nodes with missing attributes or parameters with typed errors, never a crash', () => {
    for (const op of Object.keys(OPS))
      for (const fields of [{ attributes: {}, params: {} }, { attributes: null, params: {} }, {}]) {
        const node = {
          op,
          name: 'n',
          layer: 'n',
          inputs: ['input'],
          output: 'n',
          ...fields,
        } as unknown as AnyNode;
        try {
          createModel({ input: 'input', inputShape: [2, 4, 4], output: 'n', nodes: [node] });
        } catch (error) {
          expect(error, `${op} ${JSON.stringify(fields)}`).toBeInstanceOf(ProvlrpError);
        }
      }
  });

  it('does not share the node list with the spec', () => {
    const nodes = [...mlp.nodes];
    const model = createModel({ ...mlp, nodes });
    nodes.pop();
    expect(model.nodes).toHaveLength(3);
  });
});

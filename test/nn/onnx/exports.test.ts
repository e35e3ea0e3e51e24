import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../src/core/tensor.js';
import { forward } from '../../../src/nn/forward.js';
import type { Model } from '../../../src/nn/graph.js';
import { layerNames } from '../../../src/nn/layers.js';
import { importOnnx } from '../../../src/nn/onnx/index.js';
import { type AttributeProto, onnx, toInt } from '../../../src/nn/onnx/proto.js';
import { EXPORTS, expectPerSample, probabilities, readFloat32, readJson } from './fixture-support.js';

interface ExportEntry {
  readonly name: string;
  readonly file: string;
  readonly opset: number;
  readonly input_name: string;
  readonly output_name: string;
  readonly dynamic_batch: boolean;
  readonly output_kind: 'logits' | 'probabilities' | 'log_probabilities';
  readonly input: { file: string; shape: number[] };
  readonly logits: { file: string; shape: number[] };
  readonly op_types: string[];
}

const manifest = readJson<{ models: ExportEntry[] }>(`${EXPORTS}manifest.json`);

const STRIPPED = { logits: undefined, probabilities: 'softmax', log_probabilities: 'log_softmax' } as const;

/** A decoded ONNX node, its optional fields filled in. */
interface DecodedNode {
  readonly opType: string;
  readonly input: string[];
  readonly output: string[];
  readonly attribute: AttributeProto[];
}

/** The nodes and opset of an export, decoded independently of the importer. */
function decoded(entry: ExportEntry): { nodes: DecodedNode[]; opset: number } {
  const proto = onnx.ModelProto.decode(readFileSync(`${EXPORTS}${entry.file}`));
  const nodes = (proto.graph?.node ?? []).map((n) => ({
    opType: n.opType ?? '',
    input: n.input ?? [],
    output: n.output ?? [],
    attribute: n.attribute ?? [],
  }));
  return { nodes, opset: toInt(proto.opsetImport.find((o) => !o.domain)?.version) };
}

/** The model's output, converted to what the export's reference file holds. */
function referenceOutput(model: Model, entry: ExportEntry, x: Tensor): Tensor {
  const logits = forward(model, x).output;
  const kind = STRIPPED[entry.output_kind];
  return kind === undefined ? logits : probabilities(logits, kind);
}

/** Sample `n` of a batch, as a batch of one. */
function sample(x: Tensor, n: number): Tensor {
  const per = x.data.length / x.shape[0]!;
  return { shape: [1, ...x.shape.slice(1)], data: x.data.slice(n * per, (n + 1) * per) };
}

/** What an export exercises, read from its graph: op types, attribute forms, opset. */
function features(entry: ExportEntry): Set<string> {
  const { nodes, opset } = decoded(entry);
  const found = new Set<string>([`opset ${opset}`]);
  const producer = new Map<string, string>();
  for (const n of nodes) for (const out of n.output) producer.set(out, n.opType);
  const attr = (n: DecodedNode, name: string) => n.attribute.find((a) => a.name === name);
  for (const n of nodes) {
    found.add(n.opType);
    if (n.opType === 'Conv') {
      if (toInt(attr(n, 'group')?.i ?? 1) > 1) found.add('Conv group > 1');
      if ((attr(n, 'dilations')?.ints ?? []).some((d) => toInt(d) > 1)) found.add('Conv dilation > 1');
      if ((attr(n, 'strides')?.ints ?? []).some((s) => toInt(s) > 1)) found.add('Conv stride > 1');
    }
    if (n.opType === 'Gemm' && toInt(attr(n, 'transB')?.i ?? 0) === 1) found.add('Gemm transB');
    if (n.opType === 'AveragePool')
      found.add(`AveragePool count_include_pad ${toInt(attr(n, 'count_include_pad')?.i ?? 0)}`);
    if (n.opType === 'BatchNormalization') {
      const source = producer.get(n.input[0]!);
      if (source === 'Conv') found.add('BatchNormalization after Conv');
      if (source === 'Gemm' || source === 'MatMul') found.add('BatchNormalization after Gemm/MatMul');
    }
  }
  return found;
}

const REQUIRED = [
  'Conv group > 1',
  'Conv dilation > 1',
  'Conv stride > 1',
  'Concat',
  'Pad',
  'MatMul',
  'Add',
  'Gemm transB',
  'BatchNormalization after Gemm/MatMul',
  'BatchNormalization after Conv',
  'Shape',
  'Gather',
  'Unsqueeze',
  'Reshape',
  'AveragePool count_include_pad 0',
  'AveragePool count_include_pad 1',
  'LogSoftmax',
  ...[11, 13, 17, 18, 19, 20, 21].map((v) => `opset ${v}`),
];

describe('the PyTorch export fixtures', () => {
  it('list exactly the op types their graphs contain', () => {
    expect(manifest.models.length).toBeGreaterThan(0);
    for (const entry of manifest.models) {
      const types = new Set(decoded(entry).nodes.map((n) => n.opType));
      expect([...types].sort(), entry.name).toEqual([...new Set(entry.op_types)].sort());
      expect(decoded(entry).opset, entry.name).toBe(entry.opset);
    }
  });

  it('cover together every op form and opset the importer must accept', () => {
    const union = new Set(manifest.models.flatMap((entry) => [...features(entry)]));
    expect(REQUIRED.filter((f) => !union.has(f))).toEqual([]);
  });
});

for (const entry of manifest.models)
  describe(`importOnnx on the export "${entry.name}" (opset ${entry.opset})`, () => {
    const model = importOnnx(`${EXPORTS}${entry.file}`);
    const x = { shape: entry.input.shape, data: readFloat32(`${EXPORTS}${entry.input.file}`) };
    const expected = readFloat32(`${EXPORTS}${entry.logits.file}`);

    it('computes the reference output to 1e-5 of each sample’s largest value', () => {
      expectPerSample(referenceOutput(model, entry, x), expected, entry.logits.shape, 1e-5);
    });

    it('keeps the input name and records the stripped probability layer', () => {
      expect(model.input).toBe(entry.input_name);
      expect(model.strippedOutput).toBe(STRIPPED[entry.output_kind]);
      if (entry.output_kind === 'logits') expect(model.output).toBe(entry.output_name);
    });

    it('gives the same output with the BatchNorms left unfolded', () => {
      const unfolded = importOnnx(`${EXPORTS}${entry.file}`, { foldBatchNorm: false });
      expectPerSample(referenceOutput(unfolded, entry, x), expected, entry.logits.shape, 1e-5);
      const bn = (m: Model) => m.nodes.filter((n) => n.op === 'batch_norm').length;
      const declared = entry.op_types.includes('BatchNormalization');
      expect(bn(unfolded) > 0).toBe(declared);
      expect(bn(model)).toBe(0);
    });

    it('names every layer by a module path or a node name', () => {
      for (const layer of layerNames(model)) expect(layer).toMatch(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/);
    });

    it(`accepts batches of another size than the file’s (${entry.dynamic_batch ? 'dynamic' : 'fixed'} batch)`, () => {
      const batch = x.shape[0]!;
      const full = forward(model, x).output;
      const per = full.data.length / batch;
      for (let n = 0; n < batch; n++) {
        const one = forward(model, sample(x, n)).output;
        expectPerSample(one, full.data.slice(n * per, (n + 1) * per) as Float32Array, [1, per], 1e-6);
      }
      const twice: Tensor = {
        shape: [2 * batch, ...x.shape.slice(1)],
        data: new Float32Array(2 * x.data.length),
      };
      (twice.data as Float32Array).set(x.data);
      (twice.data as Float32Array).set(x.data, x.data.length);
      const doubled = forward(model, twice).output;
      expect(Array.from(doubled.data.slice(full.data.length))).toEqual(Array.from(full.data));
    });
  });

/**
 * Activations that exporters write as small subgraphs, recognised before the import walks the
 * graph and replaced by the one ONNX op they compute, so that each becomes one model node and
 * relevance passes through it whole instead of splitting at its `Mul` (DESIGN.md §1b):
 * - SiLU / Swish: Mul(x, Sigmoid(x)) → Swish(x) (alpha 1);
 * - HardSwish: Mul(x, HardSigmoid(x; α = 1/6, β = 1/2)) → HardSwish(x) (PyTorch before opset 14),
 *   and the ReLU6 form x·Clip(x + 3, 0, 6)/6, as Div(Mul(x, Clip(…)), 6) or Mul(x, Div(Clip(…), 6));
 * - exact GELU: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5), or with the 0.5 taken first → Gelu(x);
 * - tanh GELU: Mul(0.5, Mul(x, Add(1, Tanh(Mul(√(2/π), Add(x, Mul(0.044715, x·x·x))))))) with the
 *   cube as Mul(x, Mul(x, x)) or Pow(x, 3) → Gelu(x; approximate = "tanh").
 * - LayerNorm: Div(Sub(x, m), Sqrt(Add(ReduceMean(Pow(Sub(x, m), 2)), ε))) with m = ReduceMean(x)
 *   over trailing axes [−k, …, −1], then optionally Mul by a constant γ and Add of a constant β →
 *   LayerNormalization(x, γ, β; axis = −k, epsilon = ε) (PyTorch before opset 17).
 * Operands may come in either order and constants as initializers or Constant nodes. A pattern
 * fuses only when each of its intermediate tensors is read by the pattern alone; the fused node
 * takes the name and output of the pattern's last node (so its layer is the module's).
 *
 * Reference: PyTorch 1.13's symbolic_opset9 (silu, hardswish, gelu) exports.
 */
import type { NodeProto } from './proto.js';
import { constantFromTensor } from './tensor-proto.js';
import type { Constant } from './values.js';

/** What a matched pattern becomes: the nodes it removes and the node it puts at `at`. */
interface Fusion {
  readonly at: number;
  readonly remove: readonly number[];
  readonly node: NodeProto;
}

/** The graph as the matchers read it. */
class PatternGraph {
  private readonly producers = new Map<string, number>();
  private readonly readers = new Map<string, number>();

  constructor(
    readonly nodes: readonly NodeProto[],
    private readonly initializers: ReadonlyMap<string, Constant>,
    graphOutput: string,
  ) {
    nodes.forEach((node, i) => {
      for (const out of node.output ?? []) this.producers.set(out, i);
      for (const name of node.input ?? []) this.readers.set(name, (this.readers.get(name) ?? 0) + 1);
    });
    this.readers.set(graphOutput, (this.readers.get(graphOutput) ?? 0) + 1);
  }

  /** The index of the node of type `op` that computes `tensor`, if any. */
  producer(tensor: string | undefined, op: string): number | undefined {
    const i = tensor === undefined ? undefined : this.producers.get(tensor);
    return i !== undefined && this.nodes[i]!.opType === op && isDefault(this.nodes[i]!) ? i : undefined;
  }

  /** Whether one node alone reads `tensor` (and it is not the graph output). */
  private(tensor: string): boolean {
    return this.readers.get(tensor) === 1;
  }

  /** The value of a one-element float constant, if `tensor` is one. */
  scalar(tensor: string | undefined): number | undefined {
    if (tensor === undefined) return undefined;
    let value = this.initializers.get(tensor);
    const i = this.producers.get(tensor);
    if (value === undefined && i !== undefined && this.nodes[i]!.opType === 'Constant') {
      const t = (this.nodes[i]!.attribute ?? []).find((a) => a.name === 'value')?.t;
      if (t) value = constantFromTensor(t, `node "${this.nodes[i]!.name}" (Constant)`);
    }
    return value !== undefined && value.data.length === 1 && typeof value.data[0] === 'number'
      ? value.data[0]
      : undefined;
  }

  /** The one node that reads `tensor`, if exactly one does. */
  reader(tensor: string): number | undefined {
    if (!this.private(tensor)) return undefined;
    const i = this.nodes.findIndex((node) => (node.input ?? []).includes(tensor));
    return i < 0 ? undefined : i;
  }

  /**
   * Whether `tensor` is a float constant of more than one element (a weight, γ, β): an
   * initializer, or an Identity of one (PyTorch's export shares equal initializers, the γ = 1 of
   * every untrained LayerNorm, through Identity nodes).
   */
  isTensorConstant(tensor: string): boolean {
    const value = this.initializers.get(tensor);
    if (value !== undefined) return value.kind === 'float';
    const i = this.producer(tensor, 'Identity');
    return i !== undefined && this.isTensorConstant(this.inputs(i)[0] ?? '');
  }

  /** A ReduceMean's axes (attribute before opset 18, constant input from 18 on). */
  axes(i: number): number[] | undefined {
    const attribute = (this.nodes[i]!.attribute ?? []).find((a) => a.name === 'axes');
    if (attribute) return (attribute.ints ?? []).map(Number);
    const name = this.inputs(i)[1];
    if (name === undefined) return undefined;
    let value = this.initializers.get(name);
    const p = this.producers.get(name);
    if (value === undefined && p !== undefined && this.nodes[p]!.opType === 'Constant') {
      const t = (this.nodes[p]!.attribute ?? []).find((a) => a.name === 'value')?.t;
      if (t) value = constantFromTensor(t, `node "${this.nodes[p]!.name}" (Constant)`);
    }
    return value?.kind === 'int' && value.data.every((v) => typeof v === 'number')
      ? (value.data as number[])
      : undefined;
  }

  /** The inputs of node i, in order. */
  inputs(i: number): readonly string[] {
    return this.nodes[i]!.input ?? [];
  }

  output(i: number): string {
    return this.nodes[i]!.output?.[0] ?? '';
  }
}

const isDefault = (node: NodeProto): boolean => !node.domain || node.domain === 'ai.onnx';

/** Whether a float32 constant is `value`, to float32 rounding. */
const near = (a: number | undefined, value: number): boolean =>
  a !== undefined && Math.abs(a - value) <= 1e-6 * Math.max(1, Math.abs(value));

/** The other operand of a two-input node when one operand is the scalar `value`. */
function besideScalar(g: PatternGraph, i: number, value: number): string | undefined {
  const [a, b] = g.inputs(i);
  if (near(g.scalar(b), value)) return a;
  if (near(g.scalar(a), value)) return b;
  return undefined;
}

/** Both operand orders of a two-input node. */
function orders(g: PatternGraph, i: number): [string, string][] {
  const [a = '', b = ''] = g.inputs(i);
  return [
    [a, b],
    [b, a],
  ];
}

/** The node that replaces the pattern ending at `last`, of type `op`, reading `x`. */
function fused(
  g: PatternGraph,
  last: number,
  op: string,
  x: string,
  attribute: NodeProto['attribute'] = [],
): NodeProto {
  const end = g.nodes[last]!;
  return { name: end.name ?? '', opType: op, domain: '', input: [x], output: [g.output(last)], attribute };
}

/** Mul(x, Sigmoid(x)) and Mul(x, HardSigmoid(x; 1/6, 1/2)). */
function gatedByItself(g: PatternGraph, i: number): Fusion | undefined {
  for (const [x, gate] of orders(g, i)) {
    const sigmoid = g.producer(gate, 'Sigmoid');
    if (sigmoid !== undefined && g.inputs(sigmoid)[0] === x && g.private(gate))
      return { at: i, remove: [sigmoid], node: fused(g, i, 'Swish', x) };
    const hard = g.producer(gate, 'HardSigmoid');
    if (hard !== undefined && g.inputs(hard)[0] === x && g.private(gate)) {
      const attribute = g.nodes[hard]!.attribute ?? [];
      const alpha = attribute.find((a) => a.name === 'alpha')?.f ?? 0.2;
      const beta = attribute.find((a) => a.name === 'beta')?.f ?? 0.5;
      if (near(alpha, 1 / 6) && near(beta, 0.5))
        return { at: i, remove: [hard], node: fused(g, i, 'HardSwish', x) };
    }
  }
  return undefined;
}

/** Clip(x + 3, 0, 6) (returns x and the nodes), from the Clip's output. */
function relu6Shifted(g: PatternGraph, tensor: string): { x: string; nodes: number[] } | undefined {
  const clip = g.producer(tensor, 'Clip');
  if (clip === undefined || !g.private(tensor)) return undefined;
  const [input, lo, hi] = g.inputs(clip);
  const attribute = g.nodes[clip]!.attribute ?? [];
  const min = lo !== undefined && lo !== '' ? g.scalar(lo) : attribute.find((a) => a.name === 'min')?.f;
  const max = hi !== undefined && hi !== '' ? g.scalar(hi) : attribute.find((a) => a.name === 'max')?.f;
  const add = g.producer(input, 'Add');
  if (!near(min ?? undefined, 0) || !near(max ?? undefined, 6) || add === undefined || !g.private(input!))
    return undefined;
  const x = besideScalar(g, add, 3);
  return x === undefined ? undefined : { x, nodes: [clip, add] };
}

/** x·Clip(x + 3, 0, 6)/6 in either order of the product and the division. */
function hardSwishDecomposed(g: PatternGraph, i: number): Fusion | undefined {
  if (g.nodes[i]!.opType === 'Div') {
    if (!near(g.scalar(g.inputs(i)[1]), 6)) return undefined;
    const product = g.inputs(i)[0]!;
    const mul = g.producer(product, 'Mul');
    if (mul === undefined || !g.private(product)) return undefined;
    for (const [x, gate] of orders(g, mul)) {
      const found = relu6Shifted(g, gate);
      if (found?.x === x) return { at: i, remove: [mul, ...found.nodes], node: fused(g, i, 'HardSwish', x) };
    }
    return undefined;
  }
  for (const [x, gate] of orders(g, i)) {
    const div = g.producer(gate, 'Div');
    if (div === undefined || !g.private(gate) || !near(g.scalar(g.inputs(div)[1]), 6)) continue;
    const found = relu6Shifted(g, g.inputs(div)[0]!);
    if (found?.x === x) return { at: i, remove: [div, ...found.nodes], node: fused(g, i, 'HardSwish', x) };
  }
  return undefined;
}

/** 1 + Erf(x/√2) (returns x and the nodes), from the Add's output. */
function erfTerm(g: PatternGraph, tensor: string): { x: string; nodes: number[] } | undefined {
  const add = g.producer(tensor, 'Add');
  if (add === undefined || !g.private(tensor)) return undefined;
  const erfOut = besideScalar(g, add, 1);
  const erf = g.producer(erfOut, 'Erf');
  if (erf === undefined || !g.private(erfOut!)) return undefined;
  const scaled = g.inputs(erf)[0];
  const div = g.producer(scaled, 'Div');
  const mul = g.producer(scaled, 'Mul');
  if (!g.private(scaled ?? '')) return undefined;
  if (div !== undefined && near(g.scalar(g.inputs(div)[1]), Math.SQRT2))
    return { x: g.inputs(div)[0]!, nodes: [add, erf, div] };
  const x = mul === undefined ? undefined : besideScalar(g, mul, Math.SQRT1_2);
  return x === undefined || mul === undefined ? undefined : { x, nodes: [add, erf, mul] };
}

/** 1 + Tanh(√(2/π)·(x + 0.044715·x³)) (returns x and the nodes), from the Add's output. */
function tanhTerm(g: PatternGraph, tensor: string): { x: string; nodes: number[] } | undefined {
  const add = g.producer(tensor, 'Add');
  if (add === undefined || !g.private(tensor)) return undefined;
  const tanhOut = besideScalar(g, add, 1);
  const tanh = g.producer(tanhOut, 'Tanh');
  if (tanh === undefined || !g.private(tanhOut!)) return undefined;
  const scaled = g.inputs(tanh)[0]!;
  const scale = g.producer(scaled, 'Mul');
  const inner = scale === undefined ? undefined : besideScalar(g, scale, Math.sqrt(2 / Math.PI));
  const sum = g.producer(inner, 'Add');
  if (scale === undefined || sum === undefined || !g.private(scaled) || !g.private(inner!)) return undefined;
  for (const [x, cubic] of orders(g, sum)) {
    const coefficient = g.producer(cubic, 'Mul');
    const cube = coefficient === undefined ? undefined : besideScalar(g, coefficient, 0.044715);
    if (coefficient === undefined || cube === undefined || !g.private(cubic) || !g.private(cube)) continue;
    const pow = g.producer(cube, 'Pow');
    if (pow !== undefined && g.inputs(pow)[0] === x && near(g.scalar(g.inputs(pow)[1]), 3))
      return { x, nodes: [add, tanh, scale, sum, coefficient, pow] };
    const outer = g.producer(cube, 'Mul');
    if (outer === undefined) continue;
    for (const [y, square] of orders(g, outer)) {
      const sq = g.producer(square, 'Mul');
      if (y === x && sq !== undefined && g.private(square) && g.inputs(sq).every((t) => t === x))
        return { x, nodes: [add, tanh, scale, sum, coefficient, outer, sq] };
    }
  }
  return undefined;
}

/** x·(1 + erf or tanh term)·0.5, with the 0.5 applied last or to x first. */
function gelu(g: PatternGraph, i: number): Fusion | undefined {
  const terms = [
    { term: erfTerm, attribute: [] },
    { term: tanhTerm, attribute: [{ name: 'approximate', type: 3, s: new TextEncoder().encode('tanh') }] },
  ];
  for (const { term, attribute } of terms) {
    // 0.5 last: Mul(Mul(x, term), 0.5).
    const product = besideScalar(g, i, 0.5);
    const mul = g.producer(product, 'Mul');
    if (mul !== undefined && g.private(product!))
      for (const [x, t] of orders(g, mul)) {
        const found = term(g, t);
        if (found?.x === x)
          return { at: i, remove: [mul, ...found.nodes], node: fused(g, i, 'Gelu', x, attribute) };
      }
    // 0.5 first: Mul(Mul(x, 0.5), term).
    for (const [half, t] of orders(g, i)) {
      const halving = g.producer(half, 'Mul');
      const x = halving === undefined ? undefined : besideScalar(g, halving, 0.5);
      const found = x === undefined ? undefined : term(g, t);
      if (halving !== undefined && found !== undefined && found.x === x && g.private(half))
        return { at: i, remove: [halving, ...found.nodes], node: fused(g, i, 'Gelu', found.x, attribute) };
    }
  }
  return undefined;
}

/** The decomposed LayerNorm, anchored at its Div. */
function layerNorm(g: PatternGraph, i: number): Fusion | undefined {
  const [centred, std] = g.inputs(i) as [string, string];
  const sub = g.producer(centred, 'Sub');
  const sqrt = g.producer(std, 'Sqrt');
  if (sub === undefined || sqrt === undefined || !g.private(std)) return undefined;
  const [x, meanOut] = g.inputs(sub) as [string, string];
  const mean = g.producer(meanOut, 'ReduceMean');
  const shifted = g.producer(g.inputs(sqrt)[0], 'Add');
  if (mean === undefined || shifted === undefined || g.inputs(mean)[0] !== x || !g.private(meanOut))
    return undefined;
  const [varianceOut, epsOut] = g.inputs(shifted) as [string, string];
  const epsilon = g.scalar(epsOut);
  const variance = g.producer(varianceOut, 'ReduceMean');
  if (
    epsilon === undefined ||
    variance === undefined ||
    !g.private(varianceOut) ||
    !g.private(g.inputs(sqrt)[0]!)
  )
    return undefined;
  const pow = g.producer(g.inputs(variance)[0], 'Pow');
  if (
    pow === undefined ||
    g.inputs(pow)[0] !== centred ||
    !near(g.scalar(g.inputs(pow)[1]), 2) ||
    !g.private(g.inputs(variance)[0]!)
  )
    return undefined;
  // Exactly the Pow and the Div read the centred input.
  if (g.nodes.filter((n) => (n.input ?? []).includes(centred)).length !== 2) return undefined;
  const axes = g.axes(mean);
  const same = g.axes(variance);
  const k = axes?.length ?? 0;
  const trailing =
    axes !== undefined && k > 0 && axes.every((a, n) => a === -k + n) && same?.join() === axes.join();
  if (!trailing) return undefined;
  const keeps = [mean, variance].every(
    (n) => ((g.nodes[n]!.attribute ?? []).find((a) => a.name === 'keepdims')?.i ?? 1) !== 0,
  );
  if (!keeps) return undefined;
  const remove = [sub, mean, pow, variance, shifted, sqrt];
  let last = i;
  let scale = '';
  let bias = '';
  const scaling = g.reader(g.output(last));
  if (scaling !== undefined && g.nodes[scaling]!.opType === 'Mul') {
    const other = g.inputs(scaling).find((t) => t !== g.output(last))!;
    if (g.isTensorConstant(other)) {
      remove.push(last);
      last = scaling;
      scale = other;
    }
  }
  const shifting = g.reader(g.output(last));
  if (shifting !== undefined && g.nodes[shifting]!.opType === 'Add') {
    const other = g.inputs(shifting).find((t) => t !== g.output(last))!;
    if (g.isTensorConstant(other)) {
      remove.push(last);
      last = shifting;
      bias = other;
    }
  }
  const end = g.nodes[last]!;
  return {
    at: last,
    remove,
    node: {
      name: end.name ?? '',
      opType: 'LayerNormalization',
      domain: '',
      input: [x, scale, bias],
      output: [g.output(last)],
      attribute: [
        { name: 'axis', type: 2, i: -k },
        { name: 'epsilon', type: 1, f: epsilon },
      ],
    },
  };
}

/** The matchers by the op type of the node they start from. */
const MATCHERS: Readonly<Record<string, readonly ((g: PatternGraph, i: number) => Fusion | undefined)[]>> = {
  Mul: [gelu, gatedByItself, hardSwishDecomposed],
  Div: [layerNorm, hardSwishDecomposed],
};

/** The graph's nodes with every recognised pattern replaced by its one op. */
export function fusePatterns(
  nodes: readonly NodeProto[],
  initializers: ReadonlyMap<string, Constant>,
  graphOutput: string,
): NodeProto[] {
  const g = new PatternGraph(nodes, initializers, graphOutput);
  const removed = new Set<number>();
  const replaced = new Map<number, NodeProto>();
  nodes.forEach((node, i) => {
    const matchers = Object.hasOwn(MATCHERS, node.opType ?? '') ? MATCHERS[node.opType!]! : [];
    if (!isDefault(node) || (node.input ?? []).length !== 2 || removed.has(i) || replaced.has(i)) return;
    for (const match of matchers) {
      const fusion = match(g, i);
      if (fusion === undefined || fusion.remove.some((r) => removed.has(r) || replaced.has(r))) continue;
      for (const r of fusion.remove) removed.add(r);
      replaced.set(fusion.at, fusion.node);
      return;
    }
  });
  if (replaced.size === 0) return [...nodes];
  return nodes.flatMap((node, i) => (removed.has(i) ? [] : [replaced.get(i) ?? node]));
}

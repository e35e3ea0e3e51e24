/**
 * The WebAssembly SIMD GEMM (src/kernels/gemm.wat) against the plain JavaScript loops:
 *
 *   gemm         GFLOP/s (2 flops per multiply-add) of the packed-panel GEMM alone, operands packed
 *                and in place: the JavaScript twin `gemmPanels` and the WebAssembly `gemm`
 *   mlpForward   the shipped MNIST MLP (784-300-100-10) on a batch of 64 digits: the whole forward
 *                pass and each dense layer, JavaScript and WebAssembly (medians, ratio)
 *   mlpAdjoint   c = Wᵀs of the MLP's first layer for a batch of 64 (LRP's and training's map)
 *   vggConv      one VGG-16 layer, conv3_2 (256 → 256 channels, 56 × 56, 3 × 3, pad 1; 1.85 G
 *                multiply-adds): forward and adjoint, with what the copies in and out of
 *                WebAssembly memory and the packing (weight panels, im2col) cost on their own
 *   small        dense layers around the size where WebAssembly starts to pay (WASM_MIN_MACS)
 *   threads      conv forwards (c → c channels, s × s, 3 × 3, pad 1, one image) on one thread and
 *                on two (src/kernels/threads.ts), around the size where the split starts to pay
 *                (THREAD_MIN_MACS, multiply-adds per thread), and the whole conv3_2 forward
 *   gradients    the trainer's weight gradients on a batch of 64 digits, with the ∂z of a real
 *                backward pass (ReLU zeros included): each dense layer of the MLP (∂W and ∂b; and
 *                the whole layer, ∂x included) and each convolution of the CNN (∂W), JavaScript
 *                and WebAssembly; and VGG-16's conv3_2 ∂W for one image
 *   training     one epoch of 50 batches of 64 MNIST digits for the MLP and the CNN, everything in
 *                JavaScript against the default (WebAssembly wherever the kernels take the work)
 *   precision    max |WebAssembly − JavaScript| of the float32 forward results (0: bit-identical),
 *                and of the adjoint and the MLP's first weight gradient relative to the float64
 *                result
 */
import { Rng } from '../src/core/rng.js';
import {
  activeWasmKernels,
  configureKernels,
  configureKernelThreads,
  denseForwardWasm,
  GEOMETRY_BYTES,
  gemmPanels,
  type Layout,
  THREAD_MIN_MACS,
  WASM_MIN_MACS,
  type WasmKernels,
} from '../src/kernels/index.js';
import { convAdjoint, denseAdjoint } from '../src/nn/adjoints/index.js';
import { loadMnist } from '../src/nn/datasets/index.js';
import { type Activations, forward } from '../src/nn/forward.js';
import type { Model, Node } from '../src/nn/graph.js';
import { opOf } from '../src/nn/ops/index.js';
import {
  backward,
  convWeightGradient,
  denseBackward,
  GradientBuffers,
  softmaxCrossEntropy,
  train,
} from '../src/nn/train/index.js';
import { loadShippedModel, SHIPPED_MODELS, type ShippedModelName } from '../src/nn/zoo/index.js';
import { type Timing, time } from './timing.js';

export const name = 'gemm';

/** `kernels.layout(sizes)`; the benchmark's sizes are far below the kernels' memory limit. */
function place<K extends string>(kernels: WasmKernels, sizes: Readonly<Record<K, number>>): Layout<K> {
  const at = kernels.layout(sizes);
  if (at === null) throw new Error('gemm bench: the WebAssembly kernels could not lay out the buffers');
  return at;
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** A JavaScript and a WebAssembly timing of the same work, and their ratio. */
async function versus(fn: () => unknown, runs: number): Promise<Record<string, unknown>> {
  configureKernels({ backend: 'js' });
  const js = await time(fn, { warmup: 1, runs });
  configureKernels({ backend: 'auto' });
  const wasm = await time(fn, { warmup: 1, runs });
  return { jsMs: js.medianMs, wasmMs: wasm.medianMs, speedup: round(js.medianMs / wasm.medianMs, 2) };
}

const gflops = (macs: number, t: Timing): number => round((2 * macs) / 1e6 / t.medianMs, 2);

/** The packed GEMM alone at M × N × K, repeated to about 50 M multiply-adds per timing. */
async function gemmAt(
  kernels: WasmKernels,
  m: number,
  n: number,
  k: number,
): Promise<Record<string, unknown>> {
  const rng = new Rng(1);
  const a = Float64Array.from({ length: m * k }, () => rng.uniform(-1, 1));
  const b = Float64Array.from({ length: n * k }, () => rng.uniform(-1, 1));
  const c = new Float64Array(m * n);
  const repeat = Math.max(1, Math.round(5e7 / (m * n * k)));
  const shape = {
    aOffset: 0,
    aStride: 4 * k,
    bOffset: 0,
    bStride: 4 * k,
    bStep: 4,
    cOffset: 0,
    ldc: n,
    mPanels: m / 4,
    nPanels: n / 4,
    kc: k,
  };
  const js = await time(() => {
    for (let r = 0; r < repeat; r++) gemmPanels(a, b, c, shape);
  });
  const at = place(kernels, { a: 8 * a.length, b: 8 * b.length, c: 8 * c.length });
  kernels.f64.set(a, at.a >> 3);
  kernels.f64.set(b, at.b >> 3);
  const wasm = await time(() => {
    for (let r = 0; r < repeat; r++)
      kernels.exports.gemm(at.a, 4 * k, at.b, 4 * k, 4, at.c, n, m / 4, n / 4, k);
  });
  const macs = repeat * m * n * k;
  return {
    size: `${m}x${n}x${k}`,
    jsGflops: gflops(macs, js),
    wasmGflops: gflops(macs, wasm),
    speedup: round(js.medianMs / wasm.medianMs, 2),
  };
}

/** A dense node with random float32 parameters. */
function denseNode(rng: Rng, nIn: number, nOut: number): Node<'dense'> {
  return {
    op: 'dense',
    name: 'fc',
    layer: 'fc',
    inputs: ['x'],
    output: 'y',
    attributes: {},
    params: {
      weight: { shape: [nOut, nIn], data: rng.uniformArray(nOut * nIn, -0.1, 0.1) },
      bias: { shape: [nOut], data: rng.uniformArray(nOut, -0.1, 0.1) },
    },
  };
}

async function mlp(): Promise<Record<string, unknown>> {
  const model = loadShippedModel('mlp');
  const { images } = loadMnist('test', { limit: 64 });
  const activations = forward(model, images);
  const result: Record<string, unknown> = {
    batch: 64,
    model: await versus(() => forward(model, images), 15),
  };
  for (const node of model.nodes)
    if (node.op === 'dense') {
      const inputs = activations.inputsOf(node);
      const out = activations.outputOf(node);
      result[`layer ${node.layer}`] = await versus(() => opOf(node).forward(node, inputs, out), 15);
    }
  return result;
}

async function mlpAdjoint(): Promise<Record<string, unknown>> {
  const node = loadShippedModel('mlp').nodes.find((n) => n.op === 'dense') as Node<'dense'>;
  const [nOut = 0, nIn = 0] = node.params.weight.shape;
  const s = new Rng(2).uniformArray(64 * nOut, -1, 1);
  const c = new Float32Array(64 * nIn);
  return { layer: node.layer, ...(await versus(() => denseAdjoint(node, s, c), 15)) };
}

/** VGG-16's conv3_2: 256 → 256 channels on 56 × 56, 3 × 3, pad 1. */
function vggLayer(): { node: Node<'conv'>; input: number[]; output: number[] } {
  const rng = new Rng(3);
  const node: Node<'conv'> = {
    op: 'conv',
    name: 'conv3_2',
    layer: 'features.12',
    inputs: ['x'],
    output: 'y',
    attributes: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 },
    params: {
      weight: { shape: [256, 256, 3, 3], data: rng.uniformArray(256 * 256 * 9, -0.03, 0.03) },
      bias: { shape: [256], data: rng.uniformArray(256, -0.1, 0.1) },
    },
  };
  return { node, input: [256, 56, 56], output: opOf(node).inferShape(node, [[256, 56, 56]]) };
}

async function vggConv(kernels: WasmKernels): Promise<Record<string, unknown>> {
  const { node, input, output } = vggLayer();
  const rng = new Rng(4);
  const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
  const x = { shape: [1, ...input], data: rng.uniformArray(size(input), 0, 1) };
  const z = { shape: [1, ...output], data: new Float32Array(size(output)) };
  const macs = 256 * 256 * 9 * 56 * 56;
  const fwd = await versus(() => opOf(node).forward(node, [x], z), 3);
  const s = rng.uniformArray(size(output), -1, 1);
  const c = new Float32Array(size(input));
  const adjoint = await versus(() => convAdjoint(node, input, output, s, c), 3);
  // The copies of one forward call alone: input planes and weights in, output planes out.
  const w = node.params.weight.data;
  const at = place(kernels, { input: 4 * x.data.length, weight: 4 * w.length, out: 4 * z.data.length });
  const copies = await time(() => {
    kernels.f32.set(x.data, at.input >> 2);
    kernels.f32.set(w, at.weight >> 2);
    z.data.set(kernels.f32.subarray(at.out >> 2, (at.out >> 2) + z.data.length));
  });
  // The packing of one forward call alone: the weights into panels, the input into im2col tiles.
  const depth = 256 * 9;
  const tile = 256;
  const packing = place(kernels, {
    geometry: GEOMETRY_BYTES,
    input: 4 * x.data.length,
    weight: 4 * w.length,
    panels: 8 * w.length,
    columns: 8 * tile * depth,
  });
  kernels.i32.set([256, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 56], packing.geometry >> 2);
  const pack = await time(() => {
    kernels.exports.pack(packing.weight, 256, depth, depth, packing.panels);
    for (let p0 = 0; p0 < 56 * 56; p0 += tile)
      kernels.exports.im2col(
        packing.geometry,
        packing.input,
        packing.columns,
        tile,
        p0,
        Math.min(tile, 56 * 56 - p0),
      );
  });
  return {
    layer: 'conv3_2 256->256, 56x56, 3x3',
    multiplyAdds: macs,
    forward: { ...fwd, wasmGflops: round((2 * macs) / 1e6 / (fwd.wasmMs as number), 2) },
    adjoint,
    copiesMs: copies.medianMs,
    copiesShareOfForward: round(copies.medianMs / (fwd.wasmMs as number), 4),
    packAndIm2colMs: pack.medianMs,
    packAndIm2colShareOfForward: round(pack.medianMs / (fwd.wasmMs as number), 4),
  };
}

/** A c → c channel, 3 × 3, pad 1 convolution on s × s, with random weights. */
function squareConv(c: number, s: number): Node<'conv'> {
  const rng = new Rng(c * 1000 + s);
  return {
    op: 'conv',
    name: 'conv',
    layer: 'features.0',
    inputs: ['x'],
    output: 'y',
    attributes: { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 },
    params: {
      weight: { shape: [c, c, 3, 3], data: rng.uniformArray(c * c * 9, -0.05, 0.05) },
      bias: { shape: [c], data: rng.uniformArray(c, -0.1, 0.1) },
    },
  };
}

/**
 * Conv forwards and adjoints on one thread and on two (split whatever their size), with the
 * multiply-adds of the block each thread computes in the forward (the first ⌊tiles / 2⌋ tiles of
 * 256 positions on this thread). One thread is a threshold of ∞, so the worker stays warm.
 */
async function threads(): Promise<Record<string, unknown>> {
  const sizes: [number, number][] = [
    [8, 32],
    [16, 24],
    [16, 32],
    [32, 24],
    [32, 32],
    [64, 28],
    [64, 56],
    [128, 56],
    [256, 56],
    [64, 224],
  ];
  const rows: Record<string, unknown>[] = [];
  const both = async (fn: () => unknown, runs: number) => {
    configureKernelThreads(2, Number.POSITIVE_INFINITY);
    const one = await time(fn, { warmup: 1, runs });
    configureKernelThreads(2, 0);
    const two = await time(fn, { warmup: 1, runs });
    return { oneMs: one.medianMs, twoMs: two.medianMs, speedup: round(one.medianMs / two.medianMs, 2) };
  };
  for (const [c, s] of sizes) {
    const node = squareConv(c, s);
    const rng = new Rng(s);
    const shape = [c, s, s];
    const x = { shape: [1, ...shape], data: rng.uniformArray(c * s * s, 0, 1) };
    const z = { shape: [1, ...shape], data: new Float32Array(c * s * s) };
    const grad = rng.uniformArray(c * s * s, -1, 1);
    const into = new Float32Array(c * s * s);
    const runs = c * c * s * s > 2 ** 26 ? 5 : 21;
    rows.push({
      layer: `${c}->${c}, ${s}x${s}, 3x3`,
      forwardMacsPerThread: c * c * 9 * Math.floor(Math.ceil((s * s) / 256) / 2) * 256,
      forward: await both(() => opOf(node).forward(node, [x], z), runs),
      adjoint: await both(() => convAdjoint(node, shape, shape, grad, into), runs),
    });
  }
  configureKernelThreads(2);
  return { threadMinMacs: THREAD_MIN_MACS, conv: rows };
}

async function small(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const rng = new Rng(5);
  for (const [batch, nIn, nOut] of [
    [4, 16, 16],
    [4, 32, 32],
    [8, 32, 32],
    [8, 64, 64],
    [16, 128, 64],
  ] as const) {
    const node = denseNode(rng, nIn, nOut);
    const x = { shape: [batch, nIn], data: rng.uniformArray(batch * nIn, -1, 1) };
    const z = { shape: [batch, nOut], data: new Float32Array(batch * nOut) };
    const repeat = 200;
    const run = () => {
      for (let r = 0; r < repeat; r++) opOf(node).forward(node, [x], z);
    };
    // Both forced: the threshold itself is what is measured.
    configureKernels({ backend: 'js' });
    const js = await time(run, { runs: 9 });
    configureKernels({ backend: 'auto' });
    const kernels = activeWasmKernels()!;
    const wasm = await time(() => {
      for (let r = 0; r < repeat; r++) denseForward(kernels, node, x.data, z.data);
    });
    const macs = batch * nIn * nOut;
    rows.push({
      macs,
      jsUs: round((js.medianMs * 1000) / repeat, 2),
      wasmUs: round((wasm.medianMs * 1000) / repeat, 2),
      routedTo: macs >= WASM_MIN_MACS ? 'wasm' : 'js',
    });
  }
  return rows;
}

/** The WebAssembly dense forward, called directly (below the routing threshold too). */
function denseForward(kernels: WasmKernels, node: Node<'dense'>, a: Float32Array, z: Float32Array): void {
  const [nOut = 0, nIn = 0] = node.params.weight.shape;
  denseForwardWasm(kernels, a, node.params.weight.data, node.params.bias.data, z, nIn, nOut);
}

/** A shipped model's forward pass and ∂L/∂(every tensor) on the first 64 test digits. */
function backwardPass(name: ShippedModelName): {
  model: Model;
  activations: Activations;
  buffers: GradientBuffers;
} {
  const model = loadShippedModel(name);
  const { images, labels } = loadMnist('test', { limit: 64 });
  const activations = forward(model, images);
  const buffers = new GradientBuffers(model, 64);
  backward(model, activations, softmaxCrossEntropy(activations.output, labels).gradient, buffers);
  return { model, activations, buffers };
}

async function gradients(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { batch: 64 };
  const mlp = backwardPass('mlp');
  for (const node of mlp.model.nodes)
    if (node.op === 'dense') {
      const params = {
        weight: new Float32Array(node.params.weight.data.length),
        bias: new Float32Array(node.params.bias.data.length),
      };
      const inputs = mlp.activations.inputsOf(node);
      const context = {
        node,
        inputs,
        output: mlp.activations.outputOf(node),
        gradOutput: mlp.buffers.tensor(node.output),
        gradParams: params,
      };
      const gx = new Float32Array(inputs[0]!.data.length);
      result[`mlp ${node.layer} dW db`] = await versus(
        () => denseBackward({ ...context, gradInputs: [null] }),
        15,
      );
      result[`mlp ${node.layer} dW db dx`] = await versus(
        () => denseBackward({ ...context, gradInputs: [gx] }),
        15,
      );
    }
  const cnn = backwardPass('cnn');
  for (const node of cnn.model.nodes)
    if (node.op === 'conv') {
      const x = cnn.activations.inputsOf(node)[0]!;
      const out = cnn.activations.outputOf(node);
      const gw = new Float32Array(node.params.weight.data.length);
      const gz = cnn.buffers.tensor(node.output);
      result[`cnn ${node.layer} dW`] = await versus(
        () => convWeightGradient(node, x.data, x.shape, out.shape, gz, gw),
        15,
      );
    }
  const { node, input, output } = vggLayer();
  const rng = new Rng(7);
  const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
  const a = rng.uniformArray(size(input), 0, 1);
  const gz = rng.uniformArray(size(output), -1, 1);
  const gw = new Float32Array(node.params.weight.data.length);
  result['vgg conv3_2 dW, 1 image'] = await versus(
    () => convWeightGradient(node, a, [1, ...input], [1, ...output], gz, gw),
    3,
  );
  return result;
}

/** One epoch of 50 batches of 64 training digits, per shipped model, with its own recipe. */
async function training(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { batches: 50, batchSize: 64 };
  for (const name of Object.keys(SHIPPED_MODELS) as ShippedModelName[]) {
    const recipe = SHIPPED_MODELS[name];
    const data = recipe.data('train', 50 * 64);
    const epoch = () => train(recipe.architecture(), data, { ...recipe.training(), epochs: 1 });
    result[name] = await versus(epoch, 5);
  }
  return result;
}

function precision(): Record<string, unknown> {
  const model = loadShippedModel('mlp');
  const { images } = loadMnist('test', { limit: 64 });
  configureKernels({ backend: 'js' });
  const js = forward(model, images).output.data;
  configureKernels({ backend: 'auto' });
  const wasm = forward(model, images).output.data;
  let forwardDiff = 0;
  for (let i = 0; i < js.length; i++) forwardDiff = Math.max(forwardDiff, Math.abs(js[i]! - wasm[i]!));
  // Adjoint: float32 results of both against the float64 one, relative to its largest magnitude.
  const node = model.nodes.find((n) => n.op === 'dense') as Node<'dense'>;
  const [nOut = 0, nIn = 0] = node.params.weight.shape;
  const s = new Rng(6).uniformArray(64 * nOut, -1, 1);
  const exact = new Float64Array(64 * nIn);
  denseAdjoint(node, Float64Array.from(s), exact);
  const relative = (c: Float32Array) => {
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < c.length; i++) {
      worst = Math.max(worst, Math.abs(c[i]! - exact[i]!));
      scale = Math.max(scale, Math.abs(exact[i]!));
    }
    return worst / scale;
  };
  const adjoint = (backend: 'js' | 'auto') => {
    configureKernels({ backend });
    const c = new Float32Array(64 * nIn);
    denseAdjoint(node, s, c);
    return relative(c);
  };
  const jsError = adjoint('js');
  const wasmError = adjoint('auto');
  return {
    forwardMaxAbsDiff: forwardDiff,
    adjointRelErrorJs: jsError,
    adjointRelErrorWasm: wasmError,
    ...weightGradientPrecision(),
  };
}

/** The MLP's first ∂W in float32 (JavaScript, WebAssembly) against float64, relative to its largest. */
function weightGradientPrecision(): Record<string, number> {
  const { model, activations, buffers } = backwardPass('mlp');
  const node = model.nodes.find((n) => n.op === 'dense') as Node<'dense'>;
  const x = activations.inputsOf(node)[0]!;
  const gz = buffers.tensor(node.output);
  const [nOut = 0, nIn = 0] = node.params.weight.shape;
  const exact = new Float64Array(nOut * nIn);
  for (let r = 0; r < 64; r++)
    for (let k = 0; k < nOut; k++)
      for (let j = 0; j < nIn; j++) exact[k * nIn + j]! += gz[r * nOut + k]! * x.data[r * nIn + j]!;
  const relative = (backend: 'js' | 'auto') => {
    configureKernels({ backend });
    const gradParams = { weight: new Float32Array(nOut * nIn), bias: new Float32Array(nOut) };
    const output = activations.outputOf(node);
    denseBackward({ node, inputs: [x], output, gradOutput: gz, gradInputs: [null], gradParams });
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < exact.length; i++) {
      worst = Math.max(worst, Math.abs(gradParams.weight[i]! - exact[i]!));
      scale = Math.max(scale, Math.abs(exact[i]!));
    }
    return worst / scale;
  };
  const weightGradientRelErrorJs = relative('js');
  const weightGradientRelErrorWasm = relative('auto');
  return { weightGradientRelErrorJs, weightGradientRelErrorWasm };
}

export async function run(): Promise<Record<string, unknown>> {
  const kernels = activeWasmKernels();
  if (kernels === null) return { status: 'unavailable', reason: 'WebAssembly SIMD is not available here' };
  const gemm = [];
  for (const [m, n, k] of [
    [16, 16, 64],
    [64, 64, 256],
    [128, 128, 512],
    [256, 256, 1024],
  ] as const)
    gemm.push(await gemmAt(kernels, m, n, k));
  return {
    status: 'ok',
    gemm,
    mlpForward: await mlp(),
    mlpAdjoint: await mlpAdjoint(),
    vggConv: await vggConv(kernels),
    small: await small(),
    threads: await threads(),
    gradients: await gradients(),
    training: await training(),
    precision: precision(),
    wasmMemoryMiB: round(kernels.byteLength / 2 ** 20, 1),
  };
}

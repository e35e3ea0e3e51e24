/**
 * The pictures notebooks show (core/display.ts): an image-shaped tensor as its images, a relevance
 * result as one heatmap per sample in its semiring's style (styles.ts), a circuit as a layered
 * drawing, one column per tensor (the compiled circuit) or per layer of neurons (an expanded one).
 * Images go out as base64 PNG, drawings as SVG. Importing provlrp/viz registers them.
 */
import {
  Circuit,
  ExpandedCircuit,
  neuronText,
  type Relevance,
  relevanceToArray,
  tensorLabel,
} from '../circuits/index.js';
import { bytesToBase64 } from '../core/base64.js';
import { type MimeBundle, registerPicture } from '../core/display.js';
import { sizeOf, type Tensor } from '../core/tensor.js';
import { type HeatmapStyle, heatmap } from './heatmap.js';
import { createImage, type RgbaImage } from './image.js';
import { inputImage } from './input-image.js';
import { type LayeredEdge, type LayeredNode, layeredGraphSvg } from './layered-graph.js';
import { encodePng } from './png.js';
import type { TensorLike } from './relevance-plane.js';
import { RELEVANCE_STYLES } from './styles.js';

/** At most this many samples of a batch are drawn. */
const MAX_SAMPLES = 16;
/** Pictures are drawn at least this many pixels high (MNIST's 28 rows become 112). */
const MIN_HEIGHT = 112;
/** Expanded circuits with more neurons than this are not drawn: the drawing would be unreadable. */
const MAX_DRAWN_NEURONS = 200;

/** The samples of a [N, C, H, W] batch, or the one image of a [C, H, W] or [H, W] tensor. */
function samples(t: TensorLike): TensorLike[] {
  if (t.shape.length !== 4) return [t];
  const each = sizeOf(t.shape.slice(1));
  const data = t.data as Float32Array;
  return Array.from({ length: Math.min(t.shape[0]!, MAX_SAMPLES) }, (_, n) => ({
    shape: t.shape.slice(1),
    data: data.subarray(n * each, (n + 1) * each),
  }));
}

const scaleFor = (t: TensorLike): number =>
  Math.max(1, Math.ceil(MIN_HEIGHT / (t.shape[t.shape.length - 2] ?? 1)));

/** Images of one height side by side, 4 white pixels apart. */
function tile(images: readonly RgbaImage[]): RgbaImage {
  const gap = 4;
  const height = Math.max(...images.map((i) => i.height));
  const out = createImage(images.reduce((w, i) => w + i.width, 0) + gap * (images.length - 1), height);
  let x0 = 0;
  for (const image of images) {
    for (let y = 0; y < image.height; y++)
      out.data.set(
        image.data.subarray(4 * y * image.width, 4 * (y + 1) * image.width),
        4 * (y * out.width + x0),
      );
    x0 += image.width + gap;
  }
  return out;
}

const png = (image: RgbaImage): Partial<MimeBundle> => ({ 'image/png': bytesToBase64(encodePng(image)) });

/** A tensor's images: grey or RGB where its values are in [0, 1], a heatmap otherwise. */
function tensorPicture(t: Tensor): Partial<MimeBundle> {
  const unit = t.data.every((v) => v >= 0 && v <= 1);
  return png(
    tile(
      samples(t).map((s) =>
        unit ? inputImage(s, { scale: scaleFor(s) }) : heatmap(s, { colorMap: 'bwr', scale: scaleFor(s) }),
      ),
    ),
  );
}

/** A relevance result's heatmaps, one per sample, in its semiring's style. */
function relevancePicture(r: Relevance<unknown>): Partial<MimeBundle> {
  const array = relevanceToArray(r);
  const style: HeatmapStyle = (RELEVANCE_STYLES as Record<string, HeatmapStyle>)[r.semiring.name] ?? {
    colorMap: array.data.some((v) => v < 0) ? 'bwr' : 'hot',
  };
  return png(tile(samples(array).map((s) => heatmap(s, { ...style, scale: scaleFor(s) }))));
}

/** A compiled circuit: one column per tensor, edges labelled with their operators. */
function circuitColumns(circuit: Circuit): [LayeredNode[][], LayeredEdge[]] {
  const { model, graph } = circuit;
  const tensors = [model.input, ...model.nodes.map((n) => n.output)];
  const columns = tensors.map((t) => [
    { id: t, label: `${tensorLabel(model, t)} [${graph.getNodeAttribute(t, 'shape').join('×')}]` },
  ]);
  const edges = graph.mapEdges((_e, a, from, to) => ({ from, to, label: a.op }));
  return [columns, edges];
}

/** An expanded circuit: one column per tensor, its neurons in index order, edges labelled with their tokens. */
function expandedColumns(expanded: ExpandedCircuit): [LayeredNode[][], LayeredEdge[]] {
  const { model, graph } = expanded;
  const tensors = [model.input, ...model.nodes.map((n) => n.output)];
  const columns = tensors.map((t) =>
    graph
      .filterNodes((_n, a) => a.tensor === t)
      .map((id) => graph.getNodeAttributes(id))
      .sort((a, b) => a.index - b.index)
      .map((a) => ({ id: neuronText(a.label, a.index), label: neuronText(a.label, a.index) })),
  );
  const name = (id: string) =>
    neuronText(graph.getNodeAttribute(id, 'label'), graph.getNodeAttribute(id, 'index'));
  const edges = graph.mapEdges((_e, a, from, to) => ({
    from: name(from),
    to: name(to),
    label: a.token ?? '1',
  }));
  return [columns.filter((c) => c.length > 0), edges];
}

function circuitPicture(circuit: Circuit | ExpandedCircuit): Partial<MimeBundle> {
  if (circuit instanceof ExpandedCircuit && circuit.graph.order > MAX_DRAWN_NEURONS) return {};
  return { 'image/svg+xml': circuitSvg(circuit) };
}

registerPicture('tensor', tensorPicture);
registerPicture('relevance', relevancePicture);
registerPicture('circuit', circuitPicture);

/** The SVG drawing of a compiled or expanded circuit (what notebooks show). */
export function circuitSvg(circuit: Circuit | ExpandedCircuit): string {
  const [columns, edges] = circuit instanceof Circuit ? circuitColumns(circuit) : expandedColumns(circuit);
  return layeredGraphSvg(columns, edges);
}

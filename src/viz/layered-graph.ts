/**
 * Layered graph drawings as SVG: the nodes of each layer in one column, left (inputs) to right
 * (the target), edges as lines labelled with their tokens, as a circuit is read (DESIGN.md §1:
 * relevance flows from the target down to the inputs). A drawing for notebooks, so no Graphviz:
 * circuits are layered already, and a column per layer is their natural layout.
 */
import { estimateTextWidth } from './figure-layout.js';
import { escapeXml, num, svgDocument, svgText } from './svg.js';

/** A node: its id and the text in its box. */
export interface LayeredNode {
  readonly id: string;
  readonly label: string;
}

/** An edge from a node in a lower column to one in a higher column, with an optional label. */
export interface LayeredEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

/** Options of {@link layeredGraphSvg}. */
export interface LayeredGraphOptions {
  /** Edge labels are drawn up to this many edges (default 60); more would hide the graph. */
  readonly maxEdgeLabels?: number;
  readonly fontSize?: number;
}

/** Row height, and with edge labels more, so that the labels of one node's edges do not overlap. */
const ROW = 34;
const LABELLED_ROW = 46;
const GAP = 90;
const MARGIN = 16;

/** The graph as an SVG document, `columns[0]` on the left. */
export function layeredGraphSvg(
  columns: readonly (readonly LayeredNode[])[],
  edges: readonly LayeredEdge[],
  options: LayeredGraphOptions = {},
): string {
  const fontSize = options.fontSize ?? 11;
  const labelled = edges.length <= (options.maxEdgeLabels ?? 60) && edges.some((e) => e.label);
  const rowHeight = labelled ? LABELLED_ROW : ROW;
  const boxWidth = Math.max(40, ...columns.flat().map((n) => estimateTextWidth(n.label, fontSize) + 14));
  const rows = Math.max(1, ...columns.map((c) => c.length));
  const height = 2 * MARGIN + rows * rowHeight;
  const width = 2 * MARGIN + columns.length * boxWidth + (columns.length - 1) * GAP;
  const at = new Map<string, { x: number; y: number; column: number }>();
  columns.forEach((column, c) => {
    const top = MARGIN + ((rows - column.length) * rowHeight) / 2;
    column.forEach((node, r) => {
      at.set(node.id, {
        x: MARGIN + c * (boxWidth + GAP),
        y: top + r * rowHeight + rowHeight / 2,
        column: c,
      });
    });
  });
  const body: string[] = [];
  for (const edge of edges) {
    const a = at.get(edge.from);
    const b = at.get(edge.to);
    if (!a || !b) continue;
    const x1 = a.x + boxWidth;
    const x2 = b.x;
    // An edge that skips columns bends upwards, so that it is not drawn over the boxes it passes.
    const bend = b.column - a.column > 1 ? -rowHeight * (b.column - a.column) : 0;
    const cx = (x1 + x2) / 2;
    const cy = (a.y + b.y) / 2 + bend;
    body.push(
      `<path d="M${num(x1)},${num(a.y)} Q${num(cx)},${num(cy)} ${num(x2)},${num(b.y)}" fill="none" stroke="#7a7a7a" stroke-width="1"/>`,
    );
    if (labelled && edge.label) {
      // At t = 0.3 of the curve, nearer the source than the crossing of two edges at mid-span.
      const t = 0.3;
      const point = (p0: number, p1: number, p2: number) =>
        (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2;
      body.push(
        svgText(edge.label, point(x1, cx, x2), point(a.y, cy, b.y) - 2, {
          fontSize: fontSize - 2,
          anchor: 'middle',
        }),
      );
    }
  }
  for (const [id, p] of at) {
    const node = columns[p.column]!.find((n) => n.id === id)!;
    body.push(
      `<rect x="${num(p.x)}" y="${num(p.y - ROW / 2 + 5)}" width="${num(boxWidth)}" height="${ROW - 10}" rx="5" fill="#eef3fb" stroke="#3b5b92"><title>${escapeXml(id)}</title></rect>`,
      svgText(node.label, p.x + boxWidth / 2, p.y + fontSize / 3, { fontSize, anchor: 'middle' }),
    );
  }
  return svgDocument(Math.ceil(width), Math.ceil(height), body);
}

/**
 * Diagonal connectivity: output element k from input element k alone, weighed by a per-channel
 * factor (channels on the first per-sample axis), as a BatchNorm that could not be merged into a
 * neighbouring layer: z[c, …] = a[c, …]·s[c] + t[c]. Its edges carry tokens, one per element
 * (DESIGN.md §1b), since the weight is the layer's own.
 */
import type { EmitEdge, NodeShapes } from './connectivity.js';
import { elements } from './connectivity.js';

/** Edge (k, k) with weight `scale[c]`, c the channel of element k. */
export function forEachDiagonalEdge(scale: ArrayLike<number>, shapes: NodeShapes, emit: EmitEdge): void {
  const n = elements(shapes.output);
  const channels = shapes.output[0] ?? 1;
  const inner = n / channels;
  for (let k = 0; k < n; k++) emit(k, k, scale[Math.floor(k / inner)]!);
}

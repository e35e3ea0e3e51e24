/**
 * Exports of an expanded circuit: graphology's JSON (`graph.export()`, which any graphology tool
 * can `import`) and Graphviz DOT, one `->` line per edge, labelled with its token (or 1 for a
 * constant edge) and its coefficient.
 */
import type { ExpandedCircuit } from './expand.js';

/** The expanded circuit in graphology's serialised form. */
export const toGraphologyJson = (expanded: ExpandedCircuit): object => expanded.graph.export();

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The expanded circuit as Graphviz DOT: inputs at the bottom, the target at the top. */
export function toDot(expanded: ExpandedCircuit, name = 'circuit'): string {
  const { graph } = expanded;
  const lines = [`digraph ${quote(name)} {`, '  rankdir=BT;', '  node [shape=circle, fontsize=10];'];
  graph.forEachNode((neuron) => lines.push(`  ${quote(neuron)};`));
  graph.forEachEdge((_e, a, source, target) => {
    const label = `${a.constant ? '1' : a.token} (${Number(a.d.toPrecision(4))})`;
    lines.push(`  ${quote(source)} -> ${quote(target)} [label=${quote(label)}];`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * Layer names from ONNX node names (DESIGN.md §1b).
 *
 * PyTorch names an exported node `/<module path components>/<Op>` (`/block/conv/Conv`), so the
 * node's **scope**, its name without the last `/` component, is the module path. Components are
 * joined with `.`, except that a component which already starts with the path so far plus `.`
 * replaces it, because PyTorch repeats the parent's path in a child's component:
 *
 *   /block/conv/Conv              → block.conv
 *   /features/features.0/Conv     → features.0
 *   /5/Pad, /5/AveragePool        → 5
 *
 * A node without a scope (`/Flatten`, an old export's `Conv_0`) is named by its node name without
 * a leading `/`, and a node without a name by `<op>_<index>`.
 */

/**
 * The layer name of an ONNX node.
 *
 * @param nodeName - the ONNX node's `name` (may be empty)
 * @param opType - the node's op type, for unnamed nodes
 * @param index - the node's position in the graph, for unnamed nodes
 */
export function layerName(nodeName: string, opType: string, index: number): string {
  const components = nodeName.split('/').filter((c) => c.length > 0);
  const scope = components.slice(0, -1);
  if (scope.length === 0) return components[0] ?? `${opType}_${index}`;
  let path = '';
  for (const component of scope) {
    if (path !== '' && component.startsWith(`${path}.`)) path = component;
    else path = path === '' ? component : `${path}.${component}`;
  }
  return path;
}

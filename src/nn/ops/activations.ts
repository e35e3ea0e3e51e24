/**
 * The activation operators (clip, elu, selu, gelu, gelu_tanh, sigmoid, tanh, softplus,
 * hard_sigmoid, hard_swish, silu): one definition made from the table of functions
 * (activation-functions.ts), since they differ only in f and f′.
 *
 * LRP category `elementwise`: relevance passes unchanged, R_a = R_z, as zennit's Pass rule treats
 * every activation module; in the circuit each output k has one edge, from input k, with
 * coefficient d_kk = 1 and no token (DESIGN.md §1b). Real LRP therefore ignores the activation's
 * shape, and every semiring sees the same structural edge as at a ReLU.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { forEachIdentityEdge } from '../connectivity/structural.js';
import type { ActivationOp } from '../graph.js';
import { activationBackward } from '../train/activation-gradients.js';
import { ACTIVATION_OPS, ACTIVATIONS, type ActivationFunction } from './activation-functions.js';
import { describeNode, expectAttributes, expectInputCount } from './checks.js';
import type { OpDefinition } from './op-definition.js';

/** The definition of one activation operator. */
function activationOp<A extends ActivationOp>(op: A): OpDefinition<A> {
  const fn = ACTIVATIONS[op] as ActivationFunction<A>;
  return {
    op,
    connectivity: 'identity',
    lrp: 'elementwise',
    backward: (context) => activationBackward(context as never),
    edges: (_node, shapes, emit) => forEachIdentityEdge(shapes, emit),
    inferShape(node, inputs) {
      expectInputCount(node, inputs, 1);
      expectAttributes(node);
      const problem = fn.check?.(node.attributes);
      if (problem !== undefined) throw new InvalidArgumentError(describeNode(node), problem);
      return [...inputs[0]!];
    },
    forward(node, inputs, out) {
      const a = inputs[0]!.data;
      const z = out.data;
      // NOTE: the function and the attributes read once, not per element.
      const { f } = fn;
      const { attributes } = node;
      for (let i = 0; i < a.length; i++) z[i] = f(a[i]!, attributes);
    },
  };
}

/** Every activation operator's definition, keyed by its name. */
export const ACTIVATION_DEFINITIONS = Object.fromEntries(
  ACTIVATION_OPS.map((op) => [op, activationOp(op)]),
) as { readonly [A in ActivationOp]: OpDefinition<A> };

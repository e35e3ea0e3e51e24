/**
 * The propagation driver: the one backward traversal every evaluator runs (DESIGN.md §3). Steps
 * are operator applications in topological order, each reading named tensors and writing one;
 * relevance starts at the seeded tensors and flows down in reverse order, each step passing the
 * relevance of its output into accumulators for its inputs (a tensor read by several steps sums
 * what they pass back). What relevance *is* — a typed array of reals, 0/1 flags, values of a
 * semiring, reachability marks — and how a step passes it belong to the visitor.
 *
 * The state can be resumed: a request that stops at a layer leaves the steps below it undone,
 * and a later request continues from there instead of starting again from the output. A visit
 * that throws may have passed part of its relevance on: that state is spoilt and must be dropped.
 */

/** What the driver needs of a step: the tensors it reads and the one it writes. */
export interface PropagationStep {
  readonly inputs: readonly string[];
  readonly output: string;
}

/** How relevance of representation `R` is made and passed on. */
export interface PropagationVisitor<R> {
  /** Relevance 0 for `tensor` (a fresh accumulator). */
  zero(tensor: string): R;
  /**
   * Passes `upper` (the step's output relevance, complete) into `lower` (its inputs' accumulators).
   * `fresh[k]`: lower[k] was made by `zero` for this visit, nothing has been passed into it yet
   * (an input read twice is fresh at its first place only).
   */
  visit(step: number, upper: R, lower: readonly R[], fresh: readonly boolean[]): void;
  /**
   * Called when a tensor's relevance is complete, before anything reads it; again when a resumed
   * request reaches it, so it must be idempotent (knock-outs set values to 0).
   */
  complete?(tensor: string, relevance: R): void;
}

/** Relevance computed so far, and the next step to visit (counting down; −1 when all are done). */
export interface PropagationState<R> {
  readonly relevance: Map<string, R>;
  next: number;
}

/** A fresh state: the seeded tensors' relevance, nothing visited. */
export function startPropagation<R>(
  steps: readonly PropagationStep[],
  seeds: ReadonlyMap<string, R>,
): PropagationState<R> {
  return { relevance: new Map(seeds), next: steps.length - 1 };
}

/**
 * Visits steps from `state.next` down to (but not including) `stopAt`, the index of the step that
 * produces the wanted tensor (−1 for a tensor no step produces: the input). Steps whose output
 * received no relevance are skipped. Returns the wanted tensor's relevance, completed.
 */
export function propagate<R>(
  steps: readonly PropagationStep[],
  state: PropagationState<R>,
  stopAt: number,
  wanted: string,
  visitor: PropagationVisitor<R>,
): R {
  const { relevance } = state;
  const accumulator = (tensor: string): R => {
    let r = relevance.get(tensor);
    if (r === undefined) {
      r = visitor.zero(tensor);
      relevance.set(tensor, r);
    }
    return r;
  };
  for (let i = state.next; i > stopAt; i--) {
    const step = steps[i]!;
    const upper = relevance.get(step.output);
    if (upper !== undefined) {
      visitor.complete?.(step.output, upper);
      const fresh = step.inputs.map(() => false);
      const lower = step.inputs.map((tensor, k) => {
        fresh[k] = !relevance.has(tensor);
        return accumulator(tensor);
      });
      visitor.visit(i, upper, lower, fresh);
    } // else nothing reached it (a branch that does not lead to the output)
    state.next = i - 1;
  }
  const result = accumulator(wanted);
  visitor.complete?.(wanted, result);
  return result;
}

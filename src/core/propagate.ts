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
 *
 * A state that `releases` drops each tensor's relevance once its producer has passed it on (the
 * driver never reads it again), so that a propagation holds the relevance of its frontier rather
 * than of the whole network (VGG-16 in float64: tens of MB instead of 220). A later request for a
 * released tensor starts again from the seeds (`Propagation`).
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
  /** With a releasing state: `relevance` of `tensor` was dropped, and nothing refers to it any more. */
  release?(tensor: string, relevance: R): void;
}

/** Relevance computed so far, and the next step to visit (counting down; −1 when all are done). */
export interface PropagationState<R> {
  readonly relevance: Map<string, R>;
  next: number;
  /** With `release`: the tensors whose relevance was passed on and dropped. */
  readonly released?: Set<string>;
}

/** A fresh state: the seeded tensors' relevance, nothing visited (see the file header for `release`). */
export function startPropagation<R>(
  steps: readonly PropagationStep[],
  seeds: ReadonlyMap<string, R>,
  options: { readonly release?: boolean } = {},
): PropagationState<R> {
  return {
    relevance: new Map(seeds),
    next: steps.length - 1,
    ...(options.release ? { released: new Set<string>() } : {}),
  };
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
    if (state.released !== undefined && upper !== undefined) {
      relevance.delete(step.output);
      state.released.add(step.output);
      visitor.release?.(step.output, upper);
    }
  }
  if (state.released?.has(wanted))
    throw new Error(`propagate: the relevance of "${wanted}" was released; start a new propagation`);
  const result = accumulator(wanted);
  visitor.complete?.(wanted, result);
  return result;
}

/**
 * A releasing propagation that can be asked for any tensor in any order: requests going down
 * continue where the last one stopped; a request for a tensor already passed on starts again from
 * the seeds (made anew by `seeds`, as the visitors may change the arrays they are given).
 */
export class Propagation<R> {
  private state: PropagationState<R>;

  constructor(
    private readonly steps: readonly PropagationStep[],
    private readonly seeds: () => ReadonlyMap<string, R>,
  ) {
    this.state = startPropagation(steps, seeds(), { release: true });
  }

  /** The relevance held now: the frontier of the last request. */
  get relevance(): ReadonlyMap<string, R> {
    return this.state.relevance;
  }

  /** The relevance of `wanted`, produced by step `stopAt` (−1: the input), as `propagate` returns it. */
  relevanceOf(stopAt: number, wanted: string, visitor: PropagationVisitor<R>): R {
    if (this.state.released!.has(wanted))
      this.state = startPropagation(this.steps, this.seeds(), { release: true });
    return propagate(this.steps, this.state, stopAt, wanted, visitor);
  }
}

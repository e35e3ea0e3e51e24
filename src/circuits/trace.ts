/**
 * A trace: one forward pass of a batch through a circuit's model, and everything K-LRP computes
 * from it. `relevance()` concretises the circuit in a semiring (DESIGN.md §1b): it takes the
 * composite's coefficient statistics (computed once per composite and kept), the annotation Θ,
 * one target per sample, and returns the relevance of the input or of a layer's output.
 *
 * Every request runs the propagation driver over the circuit's plan with one visitor: the
 * semiring kernel's factored form where it has one for the annotation (real LRP: `lrp()`'s own
 * visitor), its per-edge loop otherwise, or the generic gate-level evaluator. What a request has
 * propagated is kept (per semiring, composite, annotation and targets), so a later request for a
 * lower layer goes on from there; the least recently used is forgotten beyond `memoBytes`.
 */
import type fc from 'fast-check';
import { DEFAULTS } from '../core/defaults.js';
import { withDisplay } from '../core/display.js';
import { InvalidArgumentError, OverflowError } from '../core/errors.js';
import { firstNonFinite } from '../core/finite.js';
import { Propagation, type PropagationVisitor, propagate, startPropagation } from '../core/propagate.js';
import { type DType, dtypeOf, type FloatArray, type Tensor } from '../core/tensor.js';
import { type Activations, forward } from '../nn/forward.js';
import type { AnyNode, Model } from '../nn/graph.js';
import { layerOutput } from '../nn/layers.js';
import {
  type Composite,
  type CompositeOptions,
  compositeByName,
  outputSeed,
  type Rule,
  resolveTargets,
  type SeedOptions,
} from '../nn/lrp/index.js';
import {
  assertSemiring,
  assertSemiringLaws,
  counting,
  lawValuesOf,
  real,
  type Semiring,
  semiringByName,
} from '../semirings/index.js';
import { type Annotation, liftedFrom } from './annotations/annotation.js';
import { type AnnotationSpec, isUserAnnotation, resolveAnnotation } from './annotations/resolve.js';
import type { Circuit } from './circuit.js';
import { type NodeCoefficients, nodeCoefficients } from './coefficients.js';
import { genericVisitor } from './generic-evaluator.js';
import { kernelVisitor } from './kernel-evaluator.js';
import { kernelOf } from './kernels/kernel.js';
import { linearLayerStep } from './kernels/linear-kernel.js';
import type { CircuitStep } from './plan.js';
import { type EvaluationProgress, withProgress } from './progress.js';
import { kernelRelevance, type Relevance, relevanceBundle } from './relevance-result.js';
import { assertSymbolicSize } from './symbolic-size.js';

/** Options of `Trace.relevance`. */
export interface RelevanceOptions<T> extends SeedOptions, CompositeOptions {
  /** A composite name or object; default `epsilon_plus_flat` for ℝ and `epsilon` otherwise. */
  readonly composite?: string | Composite;
  /** The semiring, or its registry name (default ℝ). */
  readonly semiring?: Semiring<T> | string;
  /** Θ; default per semiring (see annotations/resolve.ts). */
  readonly annotate?: AnnotationSpec<T>;
  /**
   * For symbolic semirings (ℕ[X], Why(X), …): the most monomials (paths) the relevance may have in
   * all, predicted with the counting semiring before anything symbolic is built (default 10^6).
   */
  readonly limit?: number;
  /** Told about once a second how a long generic evaluation advances (see progress.ts). */
  readonly onProgress?: (progress: EvaluationProgress) => void;
  /** The relevance at this layer's output instead of at the input. */
  readonly layer?: string;
  /**
   * `auto` (the default): the semiring's typed-array kernel where it has one and the annotation is
   * a built-in one (its factored or layer form where they hold), else the generic gate-level
   * evaluator; `per_edge` the kernel's plain per-edge loop on every step (the layer form's
   * reference twin); `generic` the gate-level evaluator.
   */
  readonly evaluator?: 'auto' | 'per_edge' | 'generic';
  /**
   * Check the semiring's laws first (a `SemiringLawError` names the law and a counterexample):
   * `true` draws values with `lawValuesOf`, or give the values to draw from.
   */
  readonly checkLaws?: boolean | fc.Arbitrary<T>;
}

/** What a trace has computed so far: the instruments of its laziness. */
export interface TraceCounters {
  /** Forward passes run (always 1: the trace's own). */
  forwardPasses: number;
  /** Node statistics computed, one per (node, composite) at most. */
  statistics: number;
  /** Relevance evaluations run (memo misses). */
  evaluations: number;
  /** Requests answered from the memo. */
  memoHits: number;
  /** Node relevance steps executed across all evaluations. */
  nodeSteps: number;
}

/** The default composite of real LRP, and of every other semiring (DESIGN.md §1b). */
export const DEFAULT_REAL_COMPOSITE = DEFAULTS.composite.real;
export const DEFAULT_SEMIRING_COMPOSITE = DEFAULTS.composite.semiring;

/**
 * The bytes a propagation state holds, roughly: typed arrays exactly, other values as 16 bytes
 * each (a symbolic value can be far larger; the symbolic size limit bounds those).
 */
function stateBytes(relevance: ReadonlyMap<string, ArrayLike<unknown>>): number {
  let bytes = 0;
  for (const r of relevance.values()) bytes += ArrayBuffer.isView(r) ? r.byteLength : 16 * r.length;
  return bytes;
}

/** Statistics kept per composite: the rule of every node and its coefficients. */
interface CompositeStatistics {
  readonly rules: Map<string, Rule>;
  readonly coefficients: Map<string, NodeCoefficients>;
}

/**
 * One request's propagation, kept between requests that differ only in the layer asked for: a
 * request for the input after one for a layer goes on from where the first stopped.
 */
interface MemoEntry {
  /** The relevance of a tensor (continuing the propagation as far as it needs). */
  readonly relevanceOf: (tensor: string) => Relevance<unknown>;
  readonly results: Map<string, Relevance<unknown>>;
  /** The bytes the entry holds, roughly, for the memo's bound. */
  bytes: () => number;
  /** The typed arrays its propagation holds now. */
  arrays: () => Iterable<FloatArray>;
}

/** One forward pass of a batch through a circuit, and the relevance computed from it. */
export class Trace {
  private readonly forwardPass: Activations;
  /** The input array the caller gave (its own, never handed to the pool). */
  private readonly given: FloatArray;
  private released = false;
  /** The traced model (the circuit's). */
  readonly model: Model;
  /** What has been computed so far. */
  readonly counters: TraceCounters = {
    forwardPasses: 0,
    statistics: 0,
    evaluations: 0,
    memoHits: 0,
    nodeSteps: 0,
  };
  private readonly byName = new Map<string, CompositeStatistics>();
  private readonly byObject = new WeakMap<Composite, CompositeStatistics>();
  /** Least recently used first (a Map keeps insertion order; a hit moves its entry to the end). */
  private readonly memo = new Map<string, MemoEntry>();
  private readonly objectIds = new WeakMap<object, number>();
  private nextObjectId = 1;

  constructor(
    readonly circuit: Circuit,
    batch: Tensor,
    readonly dtype: DType = 'float32',
    /** The bytes of relevance kept for reuse (least recently used forgotten first). */
    readonly memoBytes: number = DEFAULTS.memoBytes,
  ) {
    this.model = circuit.model;
    this.given = batch.data;
    this.forwardPass = forward(this.model, batch, {
      dtype,
      allocate: (d, length) => circuit.arrays.take(d, length, 0),
    });
    this.counters.forwardPasses++;
  }

  /** Every tensor of the forward pass. */
  get activations(): Activations {
    this.assertLive();
    return this.forwardPass;
  }

  /**
   * Hands the trace's arrays to its circuit's pool for later traces: the tensors of its forward
   * pass and the relevance its propagations still hold, and with `results: true` the data of the
   * relevance results it returned too, for a caller that has read them and keeps none (a data-set
   * pass that has written them out). Results stay valid otherwise: they are the caller's. The
   * trace cannot be used afterwards; calling `release` again does nothing.
   */
  release(options: { readonly results?: boolean } = {}): void {
    if (this.released) return;
    this.released = true;
    const entries = [...this.memo.values()];
    const results = entries.flatMap((e) => [...e.results.values()].flatMap((r) => r.data ?? []));
    // The caller's input stays the caller's, and so do the results unless they are given back.
    const kept = new Set<FloatArray>(options.results ? [this.given] : [this.given, ...results]);
    const give = (array: FloatArray) => {
      if (!kept.has(array)) this.circuit.arrays.give(array);
    };
    for (const entry of entries) for (const array of entry.arrays()) give(array);
    if (options.results) for (const array of results) give(array);
    for (const [, tensor] of this.forwardPass) give(tensor.data);
    this.memo.clear();
  }

  private assertLive(): void {
    if (this.released)
      throw new InvalidArgumentError(
        'trace',
        'this trace was released: its arrays now serve later traces of the circuit; trace the batch again',
      );
  }

  /** The batch size. */
  get batch(): number {
    return this.activations.batch;
  }

  /** K-LRP relevance in a semiring. */
  relevance<T = number>(options: RelevanceOptions<T> = {}): Relevance<T> {
    this.assertLive();
    const K = resolveSemiring(options.semiring);
    if (options.checkLaws)
      assertSemiringLaws(K, options.checkLaws === true ? lawValuesOf(K) : options.checkLaws);
    const target = options.layer === undefined ? this.model.input : layerOutput(this.model, options.layer);
    const key = this.memoKey(K, options);
    let entry = key === undefined ? undefined : this.memo.get(key);
    if (entry !== undefined) {
      this.memo.delete(key!);
      this.memo.set(key!, entry);
      const cached = entry.results.get(target);
      if (cached) {
        this.counters.memoHits++;
        return cached as Relevance<T>;
      }
    }
    this.counters.evaluations++;
    if (entry === undefined) {
      entry = this.evaluation(K, options);
      if (key !== undefined) this.memo.set(key, entry);
    }
    let result: Relevance<T>;
    try {
      result = entry.relevanceOf(target) as Relevance<T>;
    } catch (error) {
      // A step that threw may have passed part of its relevance on: the entry cannot be resumed.
      if (key !== undefined) this.memo.delete(key);
      throw error;
    }
    assertFiniteResult(result, this.dtype);
    result = withDisplay(result, relevanceBundle, 'relevance');
    entry.results.set(target, result);
    if (key !== undefined) this.evict();
    return result;
  }

  /** Forgets the least recently used entries while the memo holds more than its bound. */
  private evict(): void {
    const size = (entry: MemoEntry) => {
      let bytes = entry.bytes();
      // A kernel's values are decoded only when read: counted as if they were.
      for (const r of entry.results.values())
        bytes += (r.data?.byteLength ?? 0) + 16 * (r.data?.length ?? r.values.length);
      return bytes;
    };
    // Each entry measured once, in the memo's order (least recently used first).
    const sizes = [...this.memo].map(([key, entry]) => [key, size(entry)] as const);
    let bytes = sizes.reduce((sum, [, b]) => sum + b, 0);
    for (const [key, b] of sizes) {
      if (bytes <= this.memoBytes || this.memo.size === 1) break;
      bytes -= b;
      this.memo.delete(key);
    }
  }

  /** How a request is evaluated: the kernel's factored form, its per-edge loop, or the generic path. */
  private evaluation<T>(K: Semiring<T>, options: RelevanceOptions<T>): MemoEntry {
    const plan = this.circuit.plan;
    const stats = this.statistics(options, K);
    const annotation = resolveAnnotation(options.annotate, K, this.model);
    const coefficients = (step: CircuitStep) => {
      this.counters.nodeSteps++;
      return this.coefficientsOf(stats, step.node);
    };
    const shapeOf = (tensor: string) => this.activations.get(tensor).shape;
    const results = new Map<string, Relevance<unknown>>();
    const kernel = kernelOf(K);
    const raw = liftedFrom(annotation as Annotation<unknown>);
    const pool = this.circuit.arrays;
    // A seed in an array of the pool: the propagation hands it back there once the output's
    // producer has passed it on, and arrays the pool never gave out would pile up in it.
    const pooledCopy = (seed: FloatArray): FloatArray => {
      const copy = pool.take(dtypeOf(seed), seed.length, 0);
      copy.set(seed);
      return copy;
    };
    if (kernel && raw !== undefined && options.evaluator !== 'generic') {
      // The kernel's accumulators (float64, filled with its zero) taken from the circuit's pool and
      // given back when the propagation drops them.
      const pooled = (v: PropagationVisitor<FloatArray>): PropagationVisitor<FloatArray> => ({
        ...v,
        zero: (tensor) => pool.take('float64', this.batch * plan.size(tensor), kernel.zero),
        release: (_, r) => pool.give(r),
      });
      const perEdge = kernelVisitor({
        plan,
        kernel,
        annotation: annotation as Annotation<unknown>,
        coefficients,
        batch: this.batch,
      });
      const factored = kernel.factored;
      const fast = options.evaluator !== 'per_edge';
      if (fast && factored && raw === factored.annotation) {
        const form = factored.visitor({
          model: this.model,
          activations: this.activations,
          ruleOf: (node) => stats.rules.get(node.name)!,
          // Every visited step's statistics, once per composite (a linear layer's are what it reads).
          statistics: (i) => coefficients(plan.steps[i]!),
        });
        // Steps with knocked-out edges go edge by edge, in the same arrays.
        const visitor: PropagationVisitor<FloatArray> = {
          zero: (tensor) => pool.take(this.dtype, this.batch * plan.size(tensor), 0),
          visit: (i, upper, lower, fresh) =>
            (plan.removedEdges(plan.steps[i]!) ? perEdge : form).visit(i, upper, lower, fresh),
          release: (_, r) => pool.give(r),
          ...(perEdge.complete ? { complete: perEdge.complete } : {}),
        };
        const propagation = new Propagation(
          plan.steps,
          () =>
            new Map([
              [this.model.output, pooledCopy(outputSeed(this.activations.output, this.dtype, options))],
            ]),
        );
        return {
          results,
          bytes: () => stateBytes(propagation.relevance),
          arrays: () => propagation.relevance.values(),
          relevanceOf: (tensor) => {
            const R = propagation.relevanceOf(plan.producer(tensor), tensor, visitor);
            // In float64 from the pool, so that `release({ results: true })` can hand it back.
            const data = pool.take('float64', R.length, 0) as Float64Array;
            data.set(R);
            return kernelRelevance(K, shapeOf(tensor), data, (v) => v as T);
          },
        };
      }
      const seed = Float64Array.from(this.seeds(K, options).flat(), (v) => kernel.encode(v));
      const propagation = new Propagation<FloatArray>(
        plan.steps,
        () => new Map([[this.model.output, pooledCopy(seed)]]),
      );
      const mode = fast ? kernel.layer?.modeFor(raw) : undefined;
      const batch = this.batch;
      // Dense and conv steps all at once where the layer form holds; knocked-out edges, other
      // steps and other rules edge by edge, in the same arrays.
      const visitor: PropagationVisitor<FloatArray> =
        mode === undefined
          ? pooled(perEdge)
          : {
              ...pooled(perEdge),
              visit: (i, upper, lower, fresh) => {
                const step = plan.steps[i]!;
                const done =
                  step.tokens === true &&
                  lower.length === 1 &&
                  !plan.removedEdges(step) &&
                  linearLayerStep(mode, step, this.coefficientsOf(stats, step.node), batch, upper, lower[0]!);
                // A step is counted once, by whichever loop runs it.
                if (done) this.counters.nodeSteps++;
                else perEdge.visit(i, upper, lower, fresh);
              },
              ...(perEdge.complete ? { complete: perEdge.complete } : {}),
            };
      return {
        results,
        bytes: () => stateBytes(propagation.relevance),
        arrays: () => propagation.relevance.values(),
        relevanceOf: (tensor) => {
          const producer = plan.producer(tensor);
          const R = propagation.relevanceOf(producer, tensor, visitor) as Float64Array;
          // The input's array is final (no step writes it again) and is the result itself; a
          // layer's is copied, as the propagation goes on from it and then drops it.
          const data = producer < 0 ? R : (pool.take('float64', R.length, 0) as Float64Array);
          if (data !== R) data.set(R);
          return kernelRelevance(K, shapeOf(tensor), data, (v) => kernel.decode(v) as T);
        },
      };
    }
    const states = this.seeds(K, options).map((seed) =>
      startPropagation(plan.steps, new Map([[this.model.output, [...seed]]])),
    );
    const counted = withProgress(K, options.onProgress);
    const visitors = states.map((_, sample) =>
      genericVisitor({ plan, K: counted, annotation, coefficients, sample }),
    );
    return {
      results,
      bytes: () => states.reduce((sum, state) => sum + stateBytes(state.relevance), 0),
      arrays: () => [],
      relevanceOf: (tensor) => {
        if (K.fromToken)
          this.limitSymbolicSize(annotation as Annotation<unknown>, K as Semiring<unknown>, options, tensor);
        const values: T[] = [];
        states.forEach((state, n) => {
          // NOTE: a loop, not push(...R): spreading an image-sized tensor overflows the stack.
          for (const v of propagate(plan.steps, state, plan.producer(tensor), tensor, visitors[n]!))
            values.push(v);
        });
        return { semiring: K, shape: shapeOf(tensor), values };
      },
    };
  }

  /** Refuses symbolic relevance that would be too large to build (see symbolic-size.ts). */
  private limitSymbolicSize(
    annotation: Annotation<unknown>,
    K: Semiring<unknown>,
    options: RelevanceOptions<unknown>,
    target: string,
  ): void {
    const stats = this.statistics(options, K);
    const seed = this.seeds(counting, { ...options, outputRelevance: 'onehot' } as SeedOptions).flat();
    assertSymbolicSize(
      {
        plan: this.circuit.plan,
        batch: this.batch,
        target,
        seed: Float64Array.from(seed),
        rule: (node) => stats.rules.get(node.name)!,
        coefficients: (step) => this.coefficientsOf(stats, step.node),
        annotation,
      },
      K,
      options.limit ?? DEFAULTS.symbolicLimit,
    );
  }

  /** The memo key of a request, or undefined when it cannot be keyed (an explicit seed). */
  private memoKey<T>(K: Semiring<T>, options: RelevanceOptions<T>): string | undefined {
    if (options.seed !== undefined) return undefined;
    const id = (o: unknown) => {
      if (typeof o !== 'object' || o === null) return o;
      let n = this.objectIds.get(o);
      if (n === undefined) {
        n = this.nextObjectId++;
        this.objectIds.set(o, n);
      }
      return `#${n}`;
    };
    const annotate =
      typeof options.annotate === 'object' && isUserAnnotation(options.annotate)
        ? id(options.annotate)
        : options.annotate;
    const { epsilon, gamma, low, high, maxPool, target, outputRelevance, evaluator } = options;
    const targets = options.targets === undefined ? undefined : Array.from(options.targets);
    return JSON.stringify([
      id(K),
      typeof options.composite === 'object' ? id(options.composite) : options.composite,
      annotate,
      {
        epsilon,
        gamma,
        low: id(low),
        high: id(high),
        maxPool,
        target,
        targets,
        outputRelevance,
        evaluator,
        limit: options.limit,
      },
    ]);
  }

  /** The coefficients of every node under a composite (memoised), for inspection. */
  coefficients(
    node: AnyNode,
    options: Pick<RelevanceOptions<unknown>, 'composite' | keyof CompositeOptions> & {
      semiring?: Semiring<unknown> | string;
    } = {},
  ): NodeCoefficients {
    return this.coefficientsOf(this.statistics(options, resolveSemiring(options.semiring)), node);
  }

  private statistics(options: RelevanceOptions<unknown>, K: Semiring<unknown>): CompositeStatistics {
    const spec = options.composite ?? kernelOf(K)?.defaultComposite ?? DEFAULTS.composite.semiring;
    if (typeof spec === 'object') {
      let stats = this.byObject.get(spec);
      if (!stats) {
        stats = { rules: spec.assign(this.model), coefficients: new Map() };
        this.byObject.set(spec, stats);
      }
      return stats;
    }
    const { epsilon, gamma, low, high, maxPool } = options;
    const key = `${spec}|${JSON.stringify({ epsilon, gamma, low, high, maxPool })}`;
    let stats = this.byName.get(key);
    if (!stats) {
      const composite = compositeByName(spec, { epsilon, gamma, low, high, maxPool } as CompositeOptions);
      stats = { rules: composite.assign(this.model), coefficients: new Map() };
      this.byName.set(key, stats);
    }
    return stats;
  }

  private coefficientsOf(stats: CompositeStatistics, node: AnyNode): NodeCoefficients {
    let c = stats.coefficients.get(node.name);
    if (!c) {
      c = nodeCoefficients(this.model, node, stats.rules.get(node.name)!, this.activations);
      stats.coefficients.set(node.name, c);
      this.counters.statistics++;
    }
    return c;
  }

  /** Relevance at the output, per sample: one-hot at the target, times the logit, or explicit. */
  private seeds<T>(K: Semiring<T>, options: SeedOptions): T[][] {
    const logits = this.activations.output;
    // Validated and computed as real LRP's seed: an explicit seed, or one-hot (× the logit).
    const numbers = outputSeed(logits, 'float64', options);
    const batch = this.batch;
    const classes = logits.data.length / batch;
    if (options.seed !== undefined) {
      if (!K.fromNumber)
        throw new InvalidArgumentError(
          'relevance',
          `an explicit seed is numbers, which semiring ${K.name} cannot hold`,
        );
      const fromNumber = K.fromNumber.bind(K);
      return Array.from({ length: batch }, (_, n) =>
        Array.from(numbers.subarray(n * classes, (n + 1) * classes), (v) => fromNumber(v)),
      );
    }
    const logit = options.outputRelevance === 'logit';
    if (logit && !K.fromNumber)
      throw new InvalidArgumentError(
        'relevance',
        `outputRelevance logit needs a real-valued semiring, not ${K.name}`,
      );
    const targets = resolveTargets(logits, options);
    return Array.from({ length: batch }, (_, n) =>
      Array.from({ length: classes }, (_, c) => {
        if (c !== targets[n]) return K.zero;
        return logit ? K.fromNumber!(numbers[n * classes + c]!) : K.one;
      }),
    );
  }
}

/**
 * Number-valued relevance must be finite, or the semiring's zero (tropical +∞, "no path"): an
 * overflow (a path count beyond float64, a real relevance beyond float32) is an error, not output.
 */
function assertFiniteResult<T>(result: Relevance<T>, dtype: DType): void {
  const { semiring: K } = result;
  if (typeof K.zero !== 'number') return;
  const values = (result.data ?? result.values) as ArrayLike<number>;
  const i = firstNonFinite(values, K.zero);
  if (i < 0) return;
  const hint =
    dtype === 'float32'
      ? 'compute in float64 (--dtype float64, or trace(x, "float64")); for path counts use counting_exact'
      : 'for path counts use counting_exact or a higher threshold; otherwise seed with onehot';
  throw new OverflowError(
    `relevance in ${K.name}`,
    undefined,
    `element ${i} of the result is ${values[i]}, outside the values of ${K.name}; ${hint}`,
  );
}

function resolveSemiring<T>(semiring: Semiring<T> | string | undefined): Semiring<T> {
  if (semiring === undefined) return real as unknown as Semiring<T>;
  if (typeof semiring === 'string') return semiringByName(semiring) as Semiring<T>;
  assertSemiring(semiring, 'relevance semiring');
  return semiring;
}

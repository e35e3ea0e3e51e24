/**
 * The local worker pool: one worker thread per core (or `--workers N`), each with its own
 * compiled circuit (`pool-thread.ts`), taking jobs one at a time as they free up.
 *
 * From `dist/` the thread runs `pool-thread.js`. From the TypeScript sources (vitest, `node
 * --import tsx`) a worker does not inherit the parent's loader, so the thread is started from a
 * one-line program that registers tsx's loader first and then imports `pool-thread.ts`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { assertArgument, JobError } from '../core/errors.js';
import type { Executor } from './explain-dataset.js';
import type { JobTask } from './job.js';
import type { JobOutcome } from './job-runner.js';

/** A job handed to a thread. */
export interface PoolRequest<Task> {
  readonly id: number;
  readonly task: Task;
}

/** A thread's answer: the outcome, or what went wrong. */
export type PoolReply =
  | { readonly id: number; readonly outcome: JobOutcome }
  | { readonly id: number; readonly problem: string };

/** The number of threads by default: one per core. */
export const defaultWorkers = (): number => availableParallelism();

function startThread(): Worker {
  const ownUrl = import.meta.url;
  if (!ownUrl.endsWith('.ts')) return new Worker(new URL('./pool-thread.js', ownUrl));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./pool-thread.ts', ownUrl).href;
  const program = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(program, { eval: true });
}

interface Pending {
  readonly id: number;
  readonly task: JobTask;
  readonly resolve: (outcome: JobOutcome) => void;
  readonly reject: (error: Error) => void;
}

/** A pool of worker threads that compute jobs. */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly waiting: Pending[] = [];
  private nextId = 0;
  private closed = false;
  /** Threads started so far: they start when jobs first wait, so a run with nothing to do starts none. */
  private started = 0;

  constructor(readonly size: number = defaultWorkers()) {
    assertArgument(
      Number.isSafeInteger(size) && size >= 1,
      'explain-dataset --workers',
      () => `${size} is not a whole number ≥ 1`,
    );
  }

  /** Computes `task` on the next free thread. */
  run(task: JobTask): Promise<JobOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    this.closed = true;
    const threads = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(threads.map((t) => t.terminate()));
  }

  private spawn(): Worker {
    const thread = startThread();
    thread.on('message', (reply: PoolReply) => {
      const pending = this.busy.get(thread);
      this.busy.delete(thread);
      this.idle.push(thread);
      if (pending !== undefined) {
        if ('outcome' in reply) pending.resolve(reply.outcome);
        else
          pending.reject(new JobError(pending.task.key, pending.task.start, pending.task.end, reply.problem));
      }
      this.dispatch();
    });
    // A thread that dies (out of memory, say) fails its job and is replaced.
    thread.on('error', (error) => this.lost(thread, error.message));
    thread.on('exit', (code) => this.lost(thread, `the worker thread exited with code ${code}`));
    return thread;
  }

  private lost(thread: Worker, problem: string): void {
    const pending = this.busy.get(thread);
    this.busy.delete(thread);
    const at = this.idle.indexOf(thread);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.closed || pending === undefined) {
      // An idle thread that failed (to start, say) is not replaced; the last one fails what waits.
      if (!this.closed && this.idle.length + this.busy.size === 0)
        for (const job of this.waiting.splice(0))
          job.reject(new JobError(job.task.key, job.task.start, job.task.end, problem));
      return;
    }
    pending.reject(new JobError(pending.task.key, pending.task.start, pending.task.end, problem));
    this.idle.push(this.spawn());
    this.dispatch();
  }

  private dispatch(): void {
    while (this.waiting.length > this.idle.length && this.started < this.size) {
      this.idle.push(this.spawn());
      this.started++;
    }
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const thread = this.idle.pop()!;
      const pending = this.waiting.shift()!;
      this.busy.set(thread, pending);
      thread.postMessage({ id: pending.id, task: pending.task } satisfies PoolRequest<JobTask>);
    }
  }
}

/** The pool as an executor: every task handed to it at once, taken by threads as they free up. */
export function poolExecutor(pool: WorkerPool): Executor {
  return {
    description: `${pool.size} worker thread${pool.size === 1 ? '' : 's'}`,
    async execute(tasks, done) {
      await Promise.all(tasks.map((task) => pool.run(task).then(() => done(task))));
    },
  };
}

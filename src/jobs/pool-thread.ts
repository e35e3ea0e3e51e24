/**
 * A worker thread of the local pool: it takes one job at a time from its parent, computes it with
 * its own compiled circuit (a `JobRunner`), and answers with the outcome or the error's message.
 * Its GEMMs run on this thread alone: the pool already gives every core a thread.
 */
import { parentPort } from 'node:worker_threads';
import { ProvlrpError } from '../core/errors.js';
import { configureKernelThreads } from '../kernels/index.js';
import type { JobTask } from './job.js';
import { JobRunner } from './job-runner.js';
import type { PoolReply, PoolRequest } from './pool.js';

const port = parentPort;
if (port === null) throw new Error('pool-thread.ts runs as a worker thread of a WorkerPool');
configureKernelThreads(1);
const runner = new JobRunner();
port.on('message', ({ id, task }: PoolRequest<JobTask>) => {
  let reply: PoolReply;
  try {
    reply = { id, outcome: runner.run(task) };
  } catch (error) {
    // A typed error's message says what to do; anything else is a bug and keeps its stack.
    const problem =
      error instanceof ProvlrpError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    reply = { id, problem };
  }
  port.postMessage(reply);
});

/**
 * Running jobs where they are computed (the submitting process, a worker thread, a worker process
 * on another machine): the model compiled once per thread, the data opened once, and one shard
 * written atomically per job.
 *
 * A job whose shard exists is not computed again: its key names everything the shard depends on,
 * so whoever finds it present (a resumed run, a job taken again after its worker stalled) is done.
 * Every thread keeps a log of what it did, `<out>/log/<host>.<pid>.<thread>.jsonl`, one line per
 * event (`started`, `computed` with its milliseconds, `present`): the record of which job was
 * computed where, and how often.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { type Circuit, compile } from '../circuits/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { makeFolder, readFileBytes, writeFileAtomic } from '../core/file-io.js';
import { decodeModelFile } from '../nn/model-file.js';
import { type DataSource, openDataSource } from './data-source.js';
import { type JobTask, sha256, shardPath } from './job.js';
import { computeShard, encodeShard } from './shard.js';

/** What became of a job. */
export type JobOutcome = 'computed' | 'present';

/** One line of a job log. */
export interface JobLogEntry {
  readonly event: 'started' | 'computed' | 'present';
  readonly key: string;
  readonly ms?: number;
}

/** The model of `task`, its bytes checked against the submitter's hash. */
function loadModel(task: JobTask): Circuit {
  const bytes = readFileBytes(task.model, 'model file');
  if (sha256(bytes) !== task.modelHash)
    throw new InvalidArgumentError(
      'worker',
      `the model file ${task.model} here is not the one submitted (its SHA-256 differs); ` +
        'give every machine the same file at the same path',
    );
  return compile(decodeModelFile(task.model, bytes));
}

/** Computes jobs on this thread, keeping the compiled model and the opened data between them. */
export class JobRunner {
  private readonly circuits = new Map<string, Circuit>();
  private readonly sources = new Map<string, DataSource>();
  /** Folders made (and checked writable) already. */
  private readonly folders = new Set<string>();

  /** Computes `task` unless its shard exists, and writes the shard. */
  run(task: JobTask): JobOutcome {
    const target = join(task.out, shardPath(task.key));
    if (existsSync(target)) {
      this.log(task.out, { event: 'present', key: task.key });
      return 'present';
    }
    this.log(task.out, { event: 'started', key: task.key });
    const started = performance.now();
    const circuit = this.circuitOf(task);
    const source = this.sourceOf(task.data);
    const arrays = computeShard(circuit, source.read(task.start, task.end), source.sampleShape, task.options);
    this.folder(join(task.out, 'shards'));
    writeFileAtomic(target, encodeShard(arrays));
    this.log(task.out, { event: 'computed', key: task.key, ms: Math.round(performance.now() - started) });
    return 'computed';
  }

  private circuitOf(task: JobTask): Circuit {
    const id = `${task.modelHash}\0${task.model}`;
    let circuit = this.circuits.get(id);
    if (circuit === undefined) {
      circuit = loadModel(task);
      this.circuits.set(id, circuit);
    }
    return circuit;
  }

  private sourceOf(spec: string): DataSource {
    let source = this.sources.get(spec);
    if (source === undefined) {
      source = openDataSource(spec);
      this.sources.set(spec, source);
    }
    return source;
  }

  private folder(path: string): string {
    if (!this.folders.has(path)) makeFolder(path);
    this.folders.add(path);
    return path;
  }

  private log(out: string, entry: JobLogEntry): void {
    const folder = this.folder(join(out, 'log'));
    appendFileSync(
      join(folder, `${hostname()}.${process.pid}.${threadId}.jsonl`),
      `${JSON.stringify(entry)}\n`,
    );
  }
}

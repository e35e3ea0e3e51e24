/**
 * provlrp/jobs (Node only): explaining whole data sets. A data set is cut into jobs (ranges of
 * samples × semirings, keyed by everything they depend on), each written as one shard; a
 * manifest says how to read them; runs resume; jobs run on a local pool of worker threads or on
 * a BullMQ queue on Redis that workers on any number of machines take from.
 */
export * from './data-source.js';
export * from './dataset-relevance.js';
export * from './explain-dataset.js';
export * from './job.js';
export * from './job-runner.js';
export * from './manifest.js';
export * from './pool.js';
export * from './queue.js';
export * from './reduce.js';
export * from './shard.js';

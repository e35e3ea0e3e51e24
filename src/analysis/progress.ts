/**
 * Progress of an experiment: a phase has a label and a number of steps, and advances one or more
 * steps at a time. The analysis code only reports; the CLI decides how it is shown (a bar on a
 * terminal, plain lines otherwise).
 */

/** Receives an experiment's progress. */
export interface Progress {
  /** A new phase of `total` steps begins. */
  start(label: string, total: number): void;
  /** `steps` more steps of the current phase are done (default 1). */
  advance(steps?: number): void;
  /** The current phase is finished. */
  finish(): void;
}

/** Progress that goes nowhere (the default of library calls). */
export const SILENT_PROGRESS: Progress = { start: () => {}, advance: () => {}, finish: () => {} };

/** Runs `work` as a phase of `total` steps, `work` advancing it; finishes the phase even on error. */
export async function phase<R>(
  progress: Progress,
  label: string,
  total: number,
  work: () => R | Promise<R>,
): Promise<R> {
  progress.start(label, total);
  try {
    return await work();
  } finally {
    progress.finish();
  }
}

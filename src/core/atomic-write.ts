/**
 * Atomic file writes: the data goes to a temporary file beside the target, which is then renamed
 * over it. A rename within one directory is atomic on POSIX file systems, so a reader (or a run
 * interrupted by a crash or Ctrl-C) sees either the old file or the whole new one, never half of it.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** Writes `data` to `path` atomically: a temporary file in the same folder, then a rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  // The process id and a counter keep concurrent writers (other processes, other calls) apart.
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Files in and out, with the system's errors turned into one-line typed ones.
 *
 * Every file provlrp writes (.npy, .json, .png, .svg, the demo's report, native models) goes
 * through `writeFileAtomic`: the bytes go to a temporary name beside the target, which is then
 * renamed over it, so a failed write (a full disk, a signal) never leaves a half-written file under
 * the name the user asked for. Reads go through `readFileBytes`, which refuses a folder or a device
 * instead of blocking on it.
 */
import { FileSystemError, NotFoundError } from './errors.js';
import { nodeBuiltin, requireNodeBuiltin } from './node-builtin.js';

/** What to do where there is no file system (a browser): work on bytes. */
const INSTEAD = 'pass bytes instead of a path (readNpy, decodeModel, importOnnx, decodePng)';

// NOTE: looked up when a file is first touched, so that the core bundles for browsers (DESIGN.md §2).
const fs = () => requireNodeBuiltin('node:fs', 'file access', INSTEAD);
const paths = () => requireNodeBuiltin('node:path', 'file access', INSTEAD);

/** What to say for a system error code, by code. */
const PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'a folder on the path does not exist; create it first or choose another path',
  ENOTDIR: 'a part of the path is a file where a folder is needed; choose another path',
  EISDIR: 'it is a folder; give the path of a file',
  EACCES: 'permission denied; choose a path you may write to',
  EPERM: 'the operation is not permitted here; choose another path',
  EROFS: 'the file system is read-only; choose another path',
  ENOSPC: 'no space left on the device; free some space or choose another disk',
  EDQUOT: 'the disk quota is exhausted; free some space or choose another disk',
  EEXIST: 'a file of that name is in the way; remove it or choose another path',
  ENAMETOOLONG: 'the name is too long; choose a shorter path',
  EINVAL: 'the path cannot be written here; choose a path on an ordinary file system',
  EMFILE: 'too many open files; close other programs and retry',
};

/** A system error while doing `operation` on `path`, as a `FileSystemError`. */
export function fileSystemError(operation: string, path: string, error: unknown): FileSystemError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
  const problem = PROBLEMS[code] ?? `the system refused (${code}); choose another path`;
  return new FileSystemError(operation, path, code, problem);
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/**
 * The bytes of a regular file. `kind` names it in errors ("model file", "file").
 *
 * @throws NotFoundError if nothing is at `path`; FileSystemError if it is a folder, a device or
 *   unreadable.
 */
export function readFileBytes(path: string, kind = 'file'): Uint8Array {
  const { readFileSync, statSync } = fs();
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    if (isSystemError(error) && error.code === 'ENOENT') throw new NotFoundError(kind, path);
    throw fileSystemError('read', path, error);
  }
  // NOTE: a FIFO or a character device would block the read or never end; only regular files.
  if (!isFile) {
    const folder = statSync(path).isDirectory();
    throw new FileSystemError(
      'read',
      path,
      folder ? 'EISDIR' : 'ENOTREG',
      folder
        ? `it is a folder; give the path of a ${kind}`
        : `it is not a regular file; give the path of a ${kind}`,
    );
  }
  try {
    return readFileSync(path);
  } catch (error) {
    throw fileSystemError('read', path, error);
  }
}

let counter = 0;

/**
 * A suffix no other writer uses at the same time: the process, the thread (threads of one process
 * share its id and each counts from 0) and a counter.
 */
function uniqueSuffix(): string {
  const thread = nodeBuiltin('node:worker_threads')?.threadId ?? 0;
  return `${process.pid}.${thread}.${++counter}`;
}

/**
 * Writes `data` to `path` atomically: to a temporary file in the same folder, then renamed over
 * `path`. On any failure the temporary file is removed and a `FileSystemError` says what to do.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const { renameSync, unlinkSync, writeFileSync } = fs();
  const { basename, dirname, join } = paths();
  const target = existingKind(path);
  if (target === 'folder') throw fileSystemError('write', path, { code: 'EISDIR' });
  if (target === 'other')
    throw new FileSystemError('write', path, 'ENOTREG', 'it is not a regular file; choose another path');
  const temporary = join(dirname(path), `.${basename(path)}.${uniqueSuffix()}.tmp`);
  try {
    writeFileSync(temporary, data, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was created, or it is gone already: there is nothing left to clean up.
    }
    throw fileSystemError('write', path, error);
  }
}

/**
 * Creates a folder (and its missing parents) to write into, one level at a time, and makes sure
 * a file can be created in it, so that a run refuses a folder it cannot write to before its work
 * rather than after. NOTE: not `mkdirSync(path, { recursive: true })`, which never returns under
 * /proc.
 */
export function makeFolder(path: string): void {
  const { unlinkSync, writeFileSync } = fs();
  createFolder(path);
  const probe = paths().join(path, `.provlrp-probe.${uniqueSuffix()}.tmp`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
  } catch (error) {
    throw fileSystemError('write into the folder', path, error);
  }
}

function createFolder(path: string): void {
  const { mkdirSync } = fs();
  const { dirname } = paths();
  const kind = existingKind(path);
  if (kind === 'folder') return;
  if (kind !== undefined) throw fileSystemError('create the folder', path, { code: 'EEXIST' });
  const parent = dirname(path);
  if (parent !== path) createFolder(parent);
  try {
    mkdirSync(path);
  } catch (error) {
    // Another process or thread may have created it meanwhile: a folder there is what was wanted.
    if (existingKind(path) === 'folder') return;
    throw fileSystemError('create the folder', path, error);
  }
}

/** What is at `path` now, if anything (a missing parent counts as nothing). */
function existingKind(path: string): 'file' | 'folder' | 'other' | undefined {
  try {
    const stats = fs().statSync(path);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'folder' : 'other';
  } catch {
    return undefined;
  }
}

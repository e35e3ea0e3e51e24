/**
 * A real Redis server for the queue tests (Debian's `redis-server`): on 127.0.0.1 at a free port,
 * in a temporary folder, with its append-only file so that a restart keeps the queue. And worker
 * processes: `provlrp worker` run from the sources with tsx, as a fresh clone runs them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where Debian installs the server. */
export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) =>
  existsSync(p),
);

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves once `child` has written a line matching `pattern` (to stdout or stderr). */
export function waitForOutput(child: ChildProcess, pattern: RegExp, ms = 90_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; output: ${seen}`)), ms);
    const look = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!pattern.test(seen)) reject(new Error(`exited with ${code} before ${pattern}; output: ${seen}`));
    });
  });
}

/** Resolves when `child` has exited. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A Redis server process that can be stopped and started again on the same port and folder. */
export class RedisServer {
  private child: ChildProcess | undefined;

  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    // appendfsync always: every write is on disk before it is acknowledged, so a restart loses none.
    this.child = spawn(
      REDIS_SERVER!,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--daemonize',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await waitForOutput(this.child, /Ready to accept connections/);
  }

  /** Stops the server (SIGTERM: it flushes its append-only file first). */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    await exited(child);
    this.child = undefined;
  }
}

/** The repository's root. */
export const ROOT = new URL('../../', import.meta.url).pathname;

/** Starts `provlrp worker` from the sources; resolves once it takes jobs. */
export async function startWorker(url: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/run.ts',
      'worker',
      '--queue',
      url,
      '--workers',
      '1',
      '--lock-seconds',
      '2',
      ...extra,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    await waitForOutput(child, /taking jobs/);
  } catch (error) {
    // One that never came up is stopped here: nobody else holds it.
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}

/** Stops a worker process (SIGTERM, then SIGKILL if it lingers). */
export async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited(child);
  clearTimeout(timer);
}

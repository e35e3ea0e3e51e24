/**
 * Node built-ins, loaded when first asked for.
 *
 * The core imports no Node built-in at top level (DESIGN.md §2), so that it bundles for browsers
 * and runs in Deno. The few functions that need one (file access, gunzip, worker threads) ask for
 * it here at call time through `process.getBuiltinModule` (Node 20.16 and later, Deno), which
 * returns it synchronously; where there is none (a browser) they get `undefined`, or from
 * `requireNodeBuiltin` an `UnsupportedError` that says what to use instead.
 */
import { UnsupportedError } from './errors.js';

/** The built-ins provlrp uses, by module id. */
export interface NodeBuiltins {
  'node:fs': typeof import('node:fs');
  'node:module': typeof import('node:module');
  'node:os': typeof import('node:os');
  'node:path': typeof import('node:path');
  'node:url': typeof import('node:url');
  'node:worker_threads': typeof import('node:worker_threads');
  'node:zlib': typeof import('node:zlib');
}

type GetBuiltinModule = (id: string) => unknown;

/** A Node built-in, or `undefined` where the platform has none. */
export function nodeBuiltin<Id extends keyof NodeBuiltins>(id: Id): NodeBuiltins[Id] | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: GetBuiltinModule } }).process;
  return proc?.getBuiltinModule?.(id) as NodeBuiltins[Id] | undefined;
}

/**
 * A Node built-in that `where` cannot do without.
 *
 * @throws UnsupportedError naming `where` and what to do (`instead`) where the platform has none.
 */
export function requireNodeBuiltin<Id extends keyof NodeBuiltins>(
  id: Id,
  where: string,
  instead: string,
): NodeBuiltins[Id] {
  const builtin = nodeBuiltin(id);
  if (builtin === undefined)
    throw new UnsupportedError(`${where}: needs ${id}, which this platform does not have; ${instead}`);
  return builtin;
}

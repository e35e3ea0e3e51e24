/**
 * The benchmark runner (`npm run bench`, or `npm run bench -- polynomial` for some of them).
 *
 * Every `bench/*.bench.ts` module exports a `name` and `run(): Promise<Record<string, unknown>>`.
 * The runner imports them all, runs those named on the command line (all when none is named) and
 * prints one JSON object to stdout: `{ "environment": { node, cpus, … }, "<name>": { … }, … }`.
 * Benchmarks are never part of `npm test`.
 */
import { readdirSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';

/** What a benchmark module exports. */
export interface BenchModule {
  readonly name: string;
  run(): Promise<Record<string, unknown>>;
}

async function loadBenchmarks(): Promise<BenchModule[]> {
  const dir = new URL('./', import.meta.url);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  return Promise.all(files.map(async (f) => (await import(new URL(f, dir).href)) as BenchModule));
}

async function main(argv: readonly string[]): Promise<number> {
  const all = await loadBenchmarks();
  const known = all.map((b) => b.name);
  const unknown = argv.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${known.join(', ')}\n`);
    return 1;
  }
  const chosen = argv.length === 0 ? all : all.filter((b) => argv.includes(b.name));
  const info = cpus();
  const report: Record<string, unknown> = {
    environment: {
      node: process.version,
      cpus: info.length,
      cpu: info[0]?.model ?? 'unknown',
      platform: platform(),
      arch: arch(),
    },
  };
  for (const bench of chosen) report[bench.name] = await bench.run();
  // Bigints (exact sizes) print as strings: JSON has no bigint.
  const json = JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
  process.stdout.write(`${json}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

/**
 * What the browser tests share: esbuild's browser bundle of an entry point, and the headless
 * Chromium binary (Debian's `chromium`) where one is installed.
 */
import { execFileSync } from 'node:child_process';
import { build, type Metafile } from 'esbuild';

/** A browser bundle (ESM) of one entry point, kept in memory, with esbuild's account of it. */
export async function browserBundle(
  entry: string,
): Promise<{ code: string; metafile: Metafile; warnings: number }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return {
    code: result.outputFiles[0]?.text ?? '',
    metafile: result.metafile,
    warnings: result.warnings.length,
  };
}

/** The path of a Chromium binary, or undefined where there is none. */
export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome'])
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not this one
    }
  return undefined;
}

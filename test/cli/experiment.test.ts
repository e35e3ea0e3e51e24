import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPERIMENT_NAMES } from '../../src/analysis/index.js';
import { main } from '../../src/cli/main.js';
import { lineProgress } from '../../src/cli/progress.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('provlrp experiment', () => {
  it('lists every experiment and its options in --help', async () => {
    const help = await run('experiment', '--help');
    expect(help.code).toBe(0);
    for (const name of [
      ...EXPERIMENT_NAMES,
      'all',
      '--out',
      '--quick',
      '--seed',
      '--keep-bias',
      '--per-image',
    ])
      expect(help.out).toContain(name);
  });

  it('writes the JSON, SVG and PNG of a quick run, with plain progress lines off a terminal', async () => {
    const out = mkdtempSync(join(tmpdir(), 'provlrp-experiment-'));
    const result = await run('experiment', 'masks', '--quick', '--out', out, '--seed', '4');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/masks: [\d.]+ s/);
    expect(result.err).toMatch(/masks: relevance: \d+ steps\n/);
    expect(result.err).toMatch(/done in [\d.]+ s\n/);
    expect(readdirSync(out).sort()).toEqual(['masks.json', 'masks.png', 'masks.svg']);
    const json = JSON.parse(readFileSync(join(out, 'masks.json'), 'utf8'));
    expect(json.settings).toMatchObject({ seed: 4, quick: true });
    expect(readFileSync(join(out, 'masks.svg'), 'utf8').startsWith('<svg')).toBe(true);
  }, 60_000);

  it('passes --keep-bias to pruning and --per-image to the attack', async () => {
    const out = mkdtempSync(join(tmpdir(), 'provlrp-experiment-'));
    expect((await run('experiment', 'pruning', '--quick', '--keep-bias', '--out', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'pruning.json'), 'utf8')).settings.keepBias).toBe(true);
    expect((await run('experiment', 'attack', '--quick', '--per-image', '--out', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'attack.json'), 'utf8')).settings.relevance).toBe('perImage');
  }, 60_000);

  it('refuses an unknown experiment with the known ones, and a bad seed, in one line', async () => {
    const unknown = await run('experiment', 'frobnicate', '--quick');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/experiment "frobnicate" not found; known experiments: masks, .*, all\n$/);
    const seed = await run('experiment', 'masks', '--seed', '-1');
    expect(seed.code).toBe(1);
    expect(seed.err).toMatch(/--seed: "-1" is not a whole number ≥ 0/);
  });
});

describe('lineProgress', () => {
  it('prints the start, each further tenth with throughput and ETA, and the end of a phase', () => {
    const lines: string[] = [];
    const progress = lineProgress((t) => lines.push(t));
    progress.start('phase', 20);
    for (let i = 0; i < 20; i++) progress.advance();
    progress.finish();
    expect(lines[0]).toBe('phase: 20 steps\n');
    expect(lines.slice(1, -1)).toHaveLength(9);
    for (const [i, line] of lines.slice(1, -1).entries()) {
      const tenth = i + 1;
      expect(line).toMatch(
        new RegExp(`^phase: ${10 * tenth} % \\(${2 * tenth}/20\\), [\\d.]+/s, ETA \\d+ s\n$`),
      );
    }
    expect(lines.at(-1)).toMatch(/^phase: done in [\d.]+ s\n$/);
  });
});

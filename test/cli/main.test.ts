import { describe, expect, it } from 'vitest';
import { tinyDagRows } from '../../src/cli/demo/index.js';
import { EDGES, evaluateDag, INPUTS } from '../../src/cli/demo/tiny-dag.js';
import { VALUATIONS } from '../../src/cli/demo/valuations.js';
import { main } from '../../src/cli/main.js';
import { NUMERIC_SEMIRING_NAMES } from '../../src/semirings/index.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('provlrp (the command)', () => {
  it('prints its version and help', async () => {
    const version = await run('--version');
    expect(version.code).toBe(0);
    expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/demo/);
    expect(help.out).toMatch(/semirings/);
    const demoHelp = await run('demo', '--help');
    expect(demoHelp.code).toBe(0);
    expect(demoHelp.out).toMatch(/Usage: provlrp demo/);
  });

  it('fails with a non-zero code on an unknown command or option', async () => {
    expect((await run('frobnicate')).code).not.toBe(0);
    const bad = await run('demo', '--no-such-option');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/unknown option/);
  });

  it('demo prints one row per numeric semiring', async () => {
    const { code, out } = await run('demo');
    expect(code).toBe(0);
    for (const name of NUMERIC_SEMIRING_NAMES) expect(out).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(out).toMatch(/R\[in0\] = x\[0,0,0\] · R\[h0\] \+ x\[0,0,1\] · R\[h1\]/);
  });
});

describe('the demo DAG', () => {
  const value = <N extends keyof typeof VALUATIONS>(name: N) => {
    const { semiring, theta } = VALUATIONS[name];
    const r = evaluateDag(semiring as never, theta as never) as Map<string, unknown>;
    return INPUTS.map((i) => r.get(i));
  };

  it('gives in real arithmetic the sum over paths of the product of coefficients', () => {
    const byPaths = INPUTS.map((input) =>
      EDGES.filter((e) => e.from === input).reduce(
        (acc, e) => acc + e.d * EDGES.find((f) => f.from === e.to)!.d,
        0,
      ),
    );
    expect(value('real')).toEqual(byPaths);
  });

  it('agrees across semirings as the homomorphisms say', () => {
    const real = value('real') as number[];
    const exact = value('rational') as { valueOf(): number }[];
    for (const [i, q] of exact.entries()) expect(q.valueOf()).toBeCloseTo(real[i]!, 15);
    const counts = value('counting') as number[];
    const bools = value('boolean') as boolean[];
    expect(counts.map((c) => c > 0)).toEqual(bools);
    expect((value('counting_exact') as bigint[]).map(Number)).toEqual(counts);
    const vit = value('viterbi') as number[];
    for (const [i, t] of (value('tropical') as number[]).entries())
      expect(Math.exp(-t)).toBeCloseTo(vit[i]!, 12);
    for (const [i, m] of (value('max_plus') as number[]).entries())
      expect(Math.exp(m)).toBeCloseTo(vit[i]!, 12);
  });

  it('differentiates with dual numbers: ∂R[in0]/∂x[0,0,0] is the coefficient downstream of it', () => {
    const [in0] = value('dual') as { value: number; derivative: number }[];
    expect(in0!.derivative).toBe(EDGES.find((e) => e.from === 'h0')!.d);
  });

  it('has a row for every numeric semiring', () => {
    expect(tinyDagRows().map((r) => r.semiring)).toEqual(NUMERIC_SEMIRING_NAMES);
  });
});

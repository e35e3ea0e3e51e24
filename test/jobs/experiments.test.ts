import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { masksExperiment, pruningExperiment } from '../../src/analysis/index.js';
import { jobsRelevance, poolExecutor, WorkerPool } from '../../src/jobs/index.js';

const root = mkdtempSync(join(tmpdir(), 'provlrp-jobs-experiments-'));
const pool = new WorkerPool(2);
afterAll(async () => {
  await pool.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the experiments’ data-set passes on the jobs layer', () => {
  it('give pruning the same rankings and curves as a pass on this thread', async () => {
    const here = await pruningExperiment({ quick: true, seed: 3 });
    const out = join(root, 'pruning');
    const pooled = await pruningExperiment({
      quick: true,
      seed: 3,
      datasetRelevance: jobsRelevance(poolExecutor(pool), out),
    });
    expect(pooled.data).toEqual(here.data);
    // One run per setting: the composite's (ℝ, report_mlp) and the K-LRP defaults' (Viterbi, 𝔹, ℕ).
    expect(readdirSync(out)).toHaveLength(2);
  }, 120_000);

  it('give the masks the same maps as a pass on this thread', async () => {
    const here = await masksExperiment({ quick: true });
    const pooled = await masksExperiment({
      quick: true,
      datasetRelevance: jobsRelevance(poolExecutor(pool), join(root, 'masks')),
    });
    expect(pooled.data).toEqual(here.data);
  }, 120_000);
});

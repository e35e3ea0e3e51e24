/**
 * The experiments' data-set passes on the jobs layer: each pass becomes one run per setting
 * (composite and layer; its semirings share the jobs), over the range of the split that holds the
 * pass's samples, in a folder of its own under `out` named by the pass's key. A pass run again
 * (the same experiment, the same options) finds its shards and computes nothing.
 */
import { join } from 'node:path';
import type { DatasetPass, DatasetRelevance, Progress, RelevanceRequest } from '../analysis/index.js';
import { SHIPPED_MODELS, SHIPPED_MODELS_DIR } from '../nn/zoo/index.js';
import { type Executor, explainDataset } from './explain-dataset.js';
import { sha256 } from './job.js';
import { readRelevance } from './manifest.js';

/** Progress of a run inside an experiment's phase: its steps only, one per sample and semiring. */
function stepsOf(progress: Progress, semirings: number): Progress {
  return { start: () => {}, finish: () => {}, advance: (steps = 1) => progress.advance(steps * semirings) };
}

/** Data-set passes run by `executor`, their runs kept under `out`. */
export function jobsRelevance(executor: Executor, out: string): DatasetRelevance {
  return async <Key extends string>(pass: DatasetPass<Key>, progress: Progress) => {
    const first = pass.samples[0] ?? 0;
    const last = pass.samples.at(-1) ?? 0;
    const data = `mnist:${pass.split}[${first}:${last + 1}]`;
    const model = `${SHIPPED_MODELS_DIR}${SHIPPED_MODELS[pass.model].file}`;
    const groups = new Map<string, Key[]>();
    for (const key of Object.keys(pass.requests) as Key[]) {
      const { composite, layer } = pass.requests[key] as RelevanceRequest;
      const setting = JSON.stringify([composite ?? null, layer ?? null]);
      groups.set(setting, [...(groups.get(setting) ?? []), key]);
    }
    const result = {} as Record<Key, Float64Array>;
    for (const [setting, keys] of groups) {
      const [composite, layer] = JSON.parse(setting) as [string | null, string | null];
      const semirings = keys.map((k) => pass.requests[k].semiring);
      const folder = join(out, sha256(JSON.stringify([pass.model, data, setting, semirings])).slice(0, 16));
      await explainDataset(
        {
          model,
          data,
          out: folder,
          options: {
            semirings,
            targets: 'label',
            ...(composite !== null ? { composite } : {}),
            ...(layer !== null ? { layer } : {}),
          },
        },
        executor,
        stepsOf(progress, semirings.length),
      );
      for (const key of keys) {
        const all = readRelevance(folder, pass.requests[key].semiring).data;
        const per = all.length / (last + 1 - first);
        const picked = new Float64Array(pass.samples.length * per);
        pass.samples.forEach((i, n) => {
          picked.set(all.subarray((i - first) * per, (i - first + 1) * per), n * per);
        });
        result[key] = picked;
      }
    }
    return result;
  };
}

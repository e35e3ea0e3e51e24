/**
 * LRP rules re-derived in plain matrix form (zennit's `test_rules.py` approach): a linear layer is
 * turned into its explicit matrix M (columns probed with unit inputs), bias vector b and
 * connectivity mask, and each rule's formula is written out with explicit sums in float64,
 * sharing no code with src/nn/lrp.
 */
import { forward } from '../../../src/nn/forward.js';
import type { Model } from '../../../src/nn/graph.js';

/** A linear layer as explicit arrays: M[k][j], b[k] and mask[k][j] = whether j reaches k. */
export interface MatrixForm {
  readonly M: number[][];
  readonly b: number[];
  readonly mask: boolean[][];
}

/** The matrix form of a one-node model, probing `model` and the same model with unit weights. */
export function matrixForm(model: Model, unitWeights: Model, nIn: number): MatrixForm {
  const shape = [nIn, ...model.shapes.get(model.input)!];
  const probes = new Float64Array(nIn * nIn);
  for (let j = 0; j < nIn; j++) probes[j * nIn + j] = 1;
  const zero = forward(model, { shape: [1, ...shape.slice(1)], data: new Float64Array(nIn) }).output.data;
  const columns = forward(model, { shape, data: probes }).output.data;
  const structure = forward(unitWeights, { shape, data: probes }).output.data;
  const nOut = zero.length;
  const M = Array.from({ length: nOut }, (_, k) =>
    Array.from({ length: nIn }, (_, j) => columns[j * nOut + k]! - zero[k]!),
  );
  const mask = Array.from({ length: nOut }, (_, k) =>
    Array.from({ length: nIn }, (_, j) => structure[j * nOut + k] !== 0),
  );
  return { M, b: [...zero], mask };
}

const pos = (v: number): number => Math.max(v, 0);
const neg = (v: number): number => Math.min(v, 0);
export const stab = (z: number, eps = 1e-6): number => z + eps * (z >= 0 ? 1 : -1);

type Mat = number[][];
const mapM = (M: Mat, f: (w: number) => number): Mat => M.map((row) => row.map(f));
const times = (M: Mat, a: number[]): number[] =>
  M.map((row) => row.reduce((acc, w, j) => acc + w * a[j]!, 0));
const timesT = (M: Mat, s: number[]): number[] =>
  M[0]!.map((_, j) => M.reduce((acc, row, k) => acc + row[j]! * s[k]!, 0));
const add = (...vs: number[][]): number[] => vs[0]!.map((_, i) => vs.reduce((acc, v) => acc + v[i]!, 0));
const mul = (a: number[], b: number[]): number[] => a.map((v, i) => v * b[i]!);
const scale = (c: number, a: number[]): number[] => a.map((v) => c * v);

/** The rules, R_in = rule(form, a, R), each straight from its formula. */
export const MATRIX_RULES = {
  epsilon: ({ M, b }: MatrixForm, a: number[], R: number[]) => {
    const z = add(times(M, a), b);
    return mul(
      a,
      timesT(
        M,
        R.map((r, k) => r / stab(z[k]!)),
      ),
    );
  },
  zplus: ({ M, b }: MatrixForm, a: number[], R: number[]) => {
    const [Mp, Mn, ap, an] = [mapM(M, pos), mapM(M, neg), a.map(pos), a.map(neg)];
    const z = add(times(Mp, ap), b.map(pos), times(Mn, an));
    const s = R.map((r, k) => r / stab(z[k]!));
    return add(mul(ap, timesT(Mp, s)), mul(an, timesT(Mn, s)));
  },
  alphabeta: ({ M, b }: MatrixForm, a: number[], R: number[]) => {
    const [Mp, Mn, ap, an] = [mapM(M, pos), mapM(M, neg), a.map(pos), a.map(neg)];
    const zp = add(times(Mp, ap), b.map(pos), times(Mn, an));
    const zn = add(times(Mn, ap), b.map(neg), times(Mp, an));
    const sp = R.map((r, k) => r / stab(zp[k]!));
    const sn = R.map((r, k) => r / stab(zn[k]!));
    const positive = add(mul(ap, timesT(Mp, sp)), mul(an, timesT(Mn, sp)));
    const negative = add(mul(ap, timesT(Mn, sn)), mul(an, timesT(Mp, sn)));
    return add(scale(2, positive), scale(-1, negative));
  },
  gamma: ({ M, b }: MatrixForm, a: number[], R: number[], g = 0.25) => {
    const Mp = mapM(M, (w) => w + g * pos(w));
    const Mn = mapM(M, (w) => w + g * neg(w));
    const [bp, bn, ap, an] = [
      b.map((v) => v + g * pos(v)),
      b.map((v) => v + g * neg(v)),
      a.map(pos),
      a.map(neg),
    ];
    const z = add(times(M, a), b);
    const zp = add(times(Mp, ap), bp, times(Mn, an));
    const zn = add(times(Mn, ap), bn, times(Mp, an));
    const sp = R.map((r, k) => (z[k]! > 0 ? r / stab(zp[k]!) : 0));
    const sn = R.map((r, k) => (z[k]! < 0 ? r / stab(zn[k]!) : 0));
    return add(
      mul(ap, timesT(Mp, sp)),
      mul(an, timesT(Mn, sp)),
      mul(ap, timesT(Mn, sn)),
      mul(an, timesT(Mp, sn)),
    );
  },
  gammaClassic: ({ M, b }: MatrixForm, a: number[], R: number[], g = 0.1) => {
    const rho = mapM(M, (w) => w + g * pos(w));
    const z = add(
      times(rho, a),
      b.map((v) => v + g * pos(v)),
    );
    return mul(
      a,
      timesT(
        rho,
        R.map((r, k) => r / stab(z[k]!)),
      ),
    );
  },
  zbox: ({ M, b }: MatrixForm, a: number[], R: number[], low = -1, high = 2) => {
    const [Mp, Mn] = [mapM(M, pos), mapM(M, neg)];
    const l = a.map(() => low);
    const h = a.map(() => high);
    const z = add(
      times(M, a),
      b,
      scale(-1, add(times(Mp, l), b.map(pos))),
      scale(-1, add(times(Mn, h), b.map(neg))),
    );
    const s = R.map((r, k) => r / stab(z[k]!));
    return add(mul(a, timesT(M, s)), scale(-1, mul(l, timesT(Mp, s))), scale(-1, mul(h, timesT(Mn, s))));
  },
  flat: ({ mask }: MatrixForm, a: number[], R: number[]) => {
    const ones = mask.map((row) => row.map((m) => (m ? 1 : 0)));
    const z = times(
      ones,
      a.map(() => 1),
    );
    return timesT(
      ones,
      R.map((r, k) => r / stab(z[k]!)),
    );
  },
  wsquare: ({ M, b }: MatrixForm, a: number[], R: number[]) => {
    const M2 = mapM(M, (w) => w * w);
    const z = add(
      times(
        M2,
        a.map(() => 1),
      ),
      b.map((v) => v * v),
    );
    return timesT(
      M2,
      R.map((r, k) => r / stab(z[k]!)),
    );
  },
};

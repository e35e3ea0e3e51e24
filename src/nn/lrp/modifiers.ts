/**
 * The modifiers that LRP rules apply to a layer's inputs and parameters (zennit's input and
 * parameter modifiers). Each is a named value, so that a rule can be printed and a parameter-free
 * layer (pooling) can tell whether a rule would need parameters it does not have.
 */

/** What a rule term feeds the layer in place of its input a. */
export type InputModifier =
  | 'identity' // a
  | 'positive' // a⁺ = max(a, 0)
  | 'negative' // a⁻ = min(a, 0)
  | 'ones' // 1 (flat, w²)
  | 'low' // the lower bound l of zᴮ
  | 'high'; // the upper bound h of zᴮ

/** A map applied element-wise to a weight or a bias. */
export interface ParamModifier {
  readonly name: string;
  readonly apply: (p: number) => number;
  /**
   * `apply` over a whole array, dst[i] = apply(src[i]), where a modifier has a loop of its own.
   * NOTE: a loop with the map written inline, for the modifiers every composite uses on large
   * layers (z⁺'s w⁺: VGG-16's 14.7 M conv weights per explanation); a call per element through
   * `apply` costs ten times as much.
   */
  readonly applyAll?: (src: ArrayLike<number>, dst: Float32Array | Float64Array) => void;
}

export const identityParam: ParamModifier = { name: 'identity', apply: (p) => p };
export const positivePart: ParamModifier = {
  name: 'positive',
  apply: (p) => Math.max(p, 0),
  applyAll(src, dst) {
    for (let i = 0; i < dst.length; i++) dst[i] = Math.max(src[i]!, 0);
  },
};
export const negativePart: ParamModifier = {
  name: 'negative',
  apply: (p) => Math.min(p, 0),
  applyAll(src, dst) {
    for (let i = 0; i < dst.length; i++) dst[i] = Math.min(src[i]!, 0);
  },
};
export const zeroParam: ParamModifier = { name: 'zero', apply: () => 0 };
export const oneParam: ParamModifier = { name: 'one', apply: () => 1 };
export const squareParam: ParamModifier = { name: 'square', apply: (p) => p * p };

/** zennit's `GammaMod`: p + γ·p⁺ (`part` positive) or p + γ·p⁻ (`part` negative). */
export function gammaParam(gamma: number, part: 'positive' | 'negative'): ParamModifier {
  const clamp = part === 'positive' ? positivePart.apply : negativePart.apply;
  return { name: `gamma(${gamma},${part})`, apply: (p) => p + gamma * clamp(p) };
}

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
}

export const identityParam: ParamModifier = { name: 'identity', apply: (p) => p };
export const positivePart: ParamModifier = { name: 'positive', apply: (p) => Math.max(p, 0) };
export const negativePart: ParamModifier = { name: 'negative', apply: (p) => Math.min(p, 0) };
export const zeroParam: ParamModifier = { name: 'zero', apply: () => 0 };
export const oneParam: ParamModifier = { name: 'one', apply: () => 1 };
export const squareParam: ParamModifier = { name: 'square', apply: (p) => p * p };

/** zennit's `GammaMod`: p + γ·p⁺ (`part` positive) or p + γ·p⁻ (`part` negative). */
export function gammaParam(gamma: number, part: 'positive' | 'negative'): ParamModifier {
  const clamp = part === 'positive' ? positivePart.apply : negativePart.apply;
  return { name: `gamma(${gamma},${part})`, apply: (p) => p + gamma * clamp(p) };
}

/** The input of a rule term, element by element. */
export function modifyInput(modifier: 'identity' | 'positive' | 'negative', a: number): number {
  if (modifier === 'positive') return Math.max(a, 0);
  if (modifier === 'negative') return Math.min(a, 0);
  return a;
}

/**
 * Rich display in notebooks: Jupyter MIME bundles behind `Symbol.for('Jupyter.display')`.
 *
 * Deno's Jupyter kernel shows a cell's value by calling its `[Symbol.for('Jupyter.display')]()`
 * method, which returns a MIME bundle (`{ 'text/plain': …, 'image/png': base64, … }`). provlrp's
 * tensors, relevance results, circuits, polynomials, equations, semirings and figures carry that
 * method; nothing here is Deno's, so the same objects display in any kernel that asks the symbol.
 *
 * Pictures are drawn by provlrp/viz, above the layers whose objects they show (tensors are made
 * in core, circuits in circuits), so viz registers how it draws each kind of object
 * (`registerPicture`) and the method looks the drawing up when it is called: without viz loaded,
 * or where a drawing fails (a tensor that is not an image), the bundle keeps its text forms.
 */

/** The symbol Jupyter kernels (Deno's) call to display a value. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display') as never;

/** The MIME types provlrp's bundles use. */
export type MimeType = 'text/plain' | 'text/html' | 'text/latex' | 'image/png' | 'image/svg+xml';

/** A Jupyter MIME bundle: text always, richer forms where there are any (image/png in base64). */
export type MimeBundle = { readonly 'text/plain': string } & {
  readonly [M in Exclude<MimeType, 'text/plain'>]?: string;
};

/** The kinds of object whose picture provlrp/viz draws. */
export type PictureKind = 'tensor' | 'relevance' | 'circuit';

type Picture = (value: never) => Partial<MimeBundle>;

const PICTURES = new Map<PictureKind, Picture>();

/** Registers how objects of a kind are drawn (provlrp/viz does, for every kind, when loaded). */
export function registerPicture<T>(kind: PictureKind, draw: (value: T) => Partial<MimeBundle>): void {
  PICTURES.set(kind, draw as Picture);
}

/** The picture of a value, or nothing when there is no drawing for it. */
function pictureOf(kind: PictureKind, value: unknown): Partial<MimeBundle> {
  const draw = PICTURES.get(kind) as ((value: unknown) => Partial<MimeBundle>) | undefined;
  if (draw === undefined) return {};
  try {
    return draw(value);
  } catch {
    // NOTE: a value the drawing cannot show (a tensor that is no image) still shows as text.
    return {};
  }
}

/**
 * Gives `value` a display method (not enumerable, so comparisons, spreads and JSON ignore it):
 * `bundle(value)`, with the registered picture of `kind`, if any, added when it is called.
 * Returns `value`.
 */
export function withDisplay<T extends object>(
  value: T,
  bundle: (value: T) => MimeBundle,
  kind?: PictureKind,
): T {
  Object.defineProperty(value, JUPYTER_DISPLAY, {
    value: () => ({ ...bundle(value), ...(kind === undefined ? {} : pictureOf(kind, value)) }),
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return value;
}

/** A value's display bundle, where it has one (what a notebook would show). */
export function displayOf(value: unknown): MimeBundle | undefined {
  const method = (value as { [JUPYTER_DISPLAY]?: () => MimeBundle } | null | undefined)?.[JUPYTER_DISPLAY];
  return typeof method === 'function' ? method.call(value) : undefined;
}

/**
 * HTML text for the tables semirings show in notebooks (semiring.ts's `semiringBundle`): `&`, `<`,
 * `>` and `"` escaped, so that a value's text form never becomes markup.
 */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (ch) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[ch]};`);

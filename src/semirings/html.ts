/** HTML text: `&`, `<`, `>` and `"` escaped, for the tables notebooks display. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (ch) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[ch]};`);

/**
 * Base64 (RFC 4648) of bytes, on every platform: `btoa` over binary strings, in slices small
 * enough for `String.fromCharCode`'s argument list. Data URLs and Jupyter's image/png bundles
 * carry images this way.
 */

/** The bytes as a base64 string. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // NOTE: slices of 32 KiB keep fromCharCode's spread well below engines' argument limits.
  for (let at = 0; at < bytes.length; at += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

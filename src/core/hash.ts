/**
 * SHA-256 through Web Crypto (`crypto.subtle`), which browsers, module workers and Node >= 20
 * all provide, so model and image identities are the same in the app and the CLI.
 */

/** Lower-case hex SHA-256 of `data`; an array is hashed as the concatenation of its parts, in order. */
export async function sha256Hex(data: Uint8Array | Uint8Array[]): Promise<string> {
  let bytes: Uint8Array<ArrayBuffer>;
  if (Array.isArray(data)) {
    bytes = new Uint8Array(data.reduce((n, part) => n + part.length, 0));
    let at = 0;
    for (const part of data) {
      bytes.set(part, at);
      at += part.length;
    }
  } else {
    // Web Crypto refuses views of a SharedArrayBuffer (e.g. wasm memory with threads): copy those.
    bytes = data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

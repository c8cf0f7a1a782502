/** Turns anything thrown (by the worker, the browser or core) into one readable sentence. */
export function messageOf(err: unknown): string {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);
  const text = (raw || 'unknown error').replace(/\s+/g, ' ').trim();
  if (/out of memory|allocation failed|Array buffer allocation/i.test(text)) {
    return `Ran out of memory (${text}). Use fewer or smaller images, a smaller batch, or the fast preset.`;
  }
  return sentenceCase(text);
}

/** Capitalises a leading plain word ("decoder power is low"), never a file name ("broken.onnx ..."). */
export function sentenceCase(text: string): string {
  return /^[a-z]+(\s|,|:|$)/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

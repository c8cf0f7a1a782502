/**
 * What a TensorFlow.js model.json may name as weight files. A manifest is data from whoever
 * sent the model: a path that climbs out of the model's folder (`../../etc/passwd`), an
 * absolute path, a URL or a device file must never be read as weights. One rule for the CLI
 * (which reads from disk) and the app (which matches dropped files).
 */

/** Bytes per element of each weight dtype tfjs writes (after quantisation, if any). */
const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  float16: 2,
  complex64: 8,
};

/**
 * The shard path made canonical (`./a/b.bin` -> `a/b.bin`), or an Error saying why it is
 * refused: empty, absolute, a URL, a Windows drive or backslash path, or any `..` segment.
 */
export function checkShardPath(shard: string, modelFile = 'model.json'): string {
  const refuse = (why: string) =>
    new Error(`${modelFile} lists the weight file "${shard}", which ${why}: weight files must sit in the model's own folder (re-export with tensorflowjs_converter, or fix the paths in weightsManifest)`);
  if (typeof shard !== 'string' || shard.trim() === '') throw refuse('is empty');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(shard)) throw refuse('holds control characters');
  if (/^[a-z][a-z0-9+.-]*:/i.test(shard)) throw refuse('is a URL or a drive path');
  if (shard.startsWith('/') || shard.includes('\\')) throw refuse('is an absolute or backslash path');
  const parts = shard.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw refuse('climbs out of the model folder');
  if (parts.length === 0) throw refuse('names no file');
  return parts.join('/');
}

interface ManifestWeight {
  shape?: unknown;
  dtype?: unknown;
  quantization?: { dtype?: unknown } | null;
}

/**
 * Total bytes of weights the manifest declares (sum of elements x bytes per dtype, quantised
 * dtype where given), or null when a weight's size cannot be known (a string tensor, say).
 */
export function declaredWeightBytes(manifest: unknown): number | null {
  if (!Array.isArray(manifest)) return 0;
  let total = 0;
  for (const group of manifest) {
    const weights = (group as { weights?: unknown })?.weights;
    if (!Array.isArray(weights)) continue;
    for (const w of weights as ManifestWeight[]) {
      const dtype = String(w?.quantization?.dtype ?? w?.dtype ?? '');
      const bytes = DTYPE_BYTES[dtype];
      if (!bytes || !Array.isArray(w.shape)) return null;
      let n = 1;
      for (const d of w.shape) {
        if (!Number.isInteger(d) || (d as number) < 0) return null;
        n *= d as number;
      }
      total += n * bytes;
    }
  }
  return total;
}
